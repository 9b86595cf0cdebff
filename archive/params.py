"""Reading request parameters the same way on every listing (browse and search).

Text is normalized and stripped of invisible characters, rejected values are
quoted briefly in notices, and dates may be typed as a year, a month or a day.
"""

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass

# How much of a rejected value a notice repeats.
ECHO_LENGTH = 60

_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", re.ASCII)
# Bidirectional overrides can make a notice or a chip read differently from
# what it contains; zero-width joiners (category Cf too) are kept for scripts
# that need them.
_INVISIBLE = (
    {0x200B, 0x2060, 0xFEFF} | set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))
)


def clean_text(value: str) -> str:
    """Return ``value`` in NFC with control characters removed and spaces collapsed."""
    value = unicodedata.normalize("NFC", value)
    kept = []
    for char in value:
        if char in "\t\n\r\x0b\x0c":
            kept.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") or (
            ord(char) in _INVISIBLE
        ):
            continue
        else:
            kept.append(char)
    return " ".join("".join(kept).split())


def echo(value: str) -> str:
    """Return a short, quotable form of a rejected value for a notice."""
    value = clean_text(value)
    if len(value) > ECHO_LENGTH:
        value = value[: ECHO_LENGTH - 1] + "…"
    return f"“{value}”"


@dataclass(frozen=True)
class DateBound:
    """A date typed as ``2012``, ``2012-05`` or ``2012-05-09``: the days it spans."""

    text: str
    first: datetime.date
    last: datetime.date


def parse_date(text: str) -> DateBound | None:
    """Return the span of days ``text`` names, or None when it names none."""
    match = _DATE.fullmatch(text)
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if month is None:
            return DateBound(
                text, datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            )
        if day is None:
            last_day = calendar.monthrange(year, month)[1]
            return DateBound(
                f"{year:04d}-{month:02d}",
                datetime.date(year, month, 1),
                datetime.date(year, month, last_day),
            )
        date = datetime.date(year, month, day)
    except (ValueError, calendar.IllegalMonthError):
        return None
    return DateBound(date.isoformat(), date, date)
