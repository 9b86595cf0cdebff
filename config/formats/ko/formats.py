# "2024년 8월 22일"; the short form is the dotted one Korean publications use.
DATE_FORMAT = "Y년 n월 j일"
SHORT_DATE_FORMAT = "Y. n. j."
YEAR_MONTH_FORMAT = "Y년 n월"
SHORT_DATETIME_FORMAT = "Y. n. j. H:i"
