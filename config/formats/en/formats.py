# "22 August 2024": day first, as the archive has always printed dates.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
