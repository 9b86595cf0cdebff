"""Publication dates in imported material.

Data files (JSON, CSV) carry ISO dates: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.
Captured text prints dates the way people write them: "April 22, 2022",
"31 August 2024", "2024-08-22", "Date of Issue: 31 August 2024", "2024년 8월 22일".
"""

# ruff: noqa: RUF001 - typographic quotes and dashes are what the text holds

import datetime
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class FoundDate:
    """A date and whether its day is known (``2012-05`` stores the 1st, not precise)."""

    value: datetime.date
    precise: bool = True


_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
    r"|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<y>\d{4})"
# Tried in order; each yields year, month (number or name) and day (or none).
_DATE_PATTERNS = [
    re.compile(rf"\b{_YEAR}-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}})(?!\d)", re.I),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_YEAR}\s*년\s*(?P<m>\d{{1,2}})\s*월\s*(?P<d>\d{{1,2}})\s*일"),
    re.compile(rf"\b{_YEAR}[./](?P<m>\d{{1,2}})[./](?P<d>\d{{1,2}})\b\.?"),
    re.compile(rf"\b(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.{_YEAR}\b"),
    re.compile(rf"\b(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/{_YEAR}\b"),
    re.compile(rf"\b{_MONTH},?\s+{_YEAR}\b", re.I),
]
_ISO_RECORD = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ][\d:.]+.*)?$")

# Words that may surround a date on a line of its own without making it prose.
_WEEKDAY = re.compile(
    r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday)?\b\.?",
    re.I,
)
_TIME = re.compile(
    r"(?:\bat\s+)?(?:\b|T)\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?\s*(?:[ap]\.?m\.?)?"
    r"(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?",
    re.I,
)
_ZONE = re.compile(
    r"\b(?:kst|gmt|utc|est|edt|cst|cdt|pst|pdt|bst|cet|cest|jst|et|pt)\b", re.I
)
_FILLER = re.compile(r"^[\s,|·•/()\[\]–—-]*$")
_LABEL = re.compile(
    r"^(?P<label>date of (?:issue|publication)|publication date|date published"
    r"|first published(?: on)?|last updated(?: on)?|published(?: on| at)?"
    r"|posted(?: on)?|updated(?: on)?|modified(?: on)?|issued(?: on)?"
    r"|released(?: on)?|dated?|입력|수정|기사입력|등록)\s*[:：]?\s*",
    re.I,
)
_UPDATE_LABELS = ("updated", "last updated", "modified", "수정")


def _build(match: re.Match) -> FoundDate | None:
    groups = match.groupdict()
    year = int(groups["y"])
    if "a" in groups:
        first, second = int(groups["a"]), int(groups["b"])
        # 31/08/2024 can only be day first; otherwise read it the US way.
        day, month = (first, second) if first > 12 else (second, first)
    else:
        month = (
            _MONTHS[groups["mon"][:3].lower()]
            if groups.get("mon")
            else int(groups["m"])
        )
        day = int(groups["d"]) if groups.get("d") else None
    if not 1800 <= year <= datetime.date.today().year + 1:
        return None
    try:
        return FoundDate(datetime.date(year, month, day or 1), precise=day is not None)
    except ValueError:
        return None


def find_date(text: str) -> tuple[FoundDate, int, int] | None:
    """Return the earliest printed date in ``text`` with its start and end offsets."""
    best = None
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            found = _build(match)
            if found and (best is None or match.start() < best[1]):
                best = (found, match.start(), match.end())
            if found:
                break
    return best


def strip_clock(text: str) -> str:
    """Return ``text`` without weekdays, times of day and time zones ("Wed … 22:56:31 GMT")."""
    return _ZONE.sub(" ", _TIME.sub(" ", _WEEKDAY.sub(" ", text)))


def parse_date_line(line: str) -> tuple[FoundDate, str] | None:
    """Read a line that is only a date (or a labelled date); return it and its kind.

    The kind is ``"updated"`` for update stamps, ``"labelled"`` for other labels
    ("Published:", "Date of Issue:") and ``"plain"`` for a bare date.
    """
    line = line.strip()
    if not line or len(line) > 100:
        return None
    label = _LABEL.match(line)
    rest = line[label.end() :] if label else line
    rest = _WEEKDAY.sub(" ", rest).strip(" ,")
    found = find_date(rest)
    if not found:
        return None
    date, start, end = found
    if label:
        if start > 0 and not _FILLER.match(rest[:start]):
            return None
        name = label.group("label").lower()
        return date, "updated" if name.startswith(_UPDATE_LABELS) else "labelled"
    leftover = _ZONE.sub(" ", _TIME.sub(" ", rest[:start] + " " + rest[end:]))
    if not _FILLER.match(leftover):
        return None
    return date, "plain"


def parse_record_date(value: object) -> FoundDate:
    """Read a record's date (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or a date); raise ValueError."""
    if isinstance(value, datetime.datetime):
        return FoundDate(value.date())
    if isinstance(value, datetime.date):
        return FoundDate(value)
    text = str(value).strip()
    match = _ISO_RECORD.match(text)
    if not match:
        raise ValueError(
            f"“{text[:40]}” is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)"
        )
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        value = datetime.date(year, month or 1, day or 1)
    except ValueError:
        raise ValueError(f"“{text[:40]}” is not a real date") from None
    if not 1800 <= year <= datetime.date.today().year + 1:
        raise ValueError(f"“{text[:40]}” is outside the years the archive covers")
    return FoundDate(value, precise=day is not None)


# A wire dateline: "SEOUL, March 3 (Yonhap) --", "PYONGYANG, Aug. 8, 2023 (KCNA)".
_DATELINE = re.compile(
    rf"^\s*(?P<place>[A-Z][A-Za-z'’.-]*(?:[ /][A-Z][A-Za-z'’.-]*){{0,3}}),\s+"
    rf"{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\s*(?:\((?P<agency>[^)]{{1,40}})\))?",
    re.I,
)
# How far into the text a printed date still dates the article itself.
TEXT_HEAD = 300


@dataclass(frozen=True)
class PrintedDate:
    """A date the article's own text prints, and what it said."""

    found: FoundDate
    printed: str
    year_inferred: bool


_YEAR_IN_TEXT = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def _year_for(
    month: int, day: int, text: str, today: datetime.date
) -> datetime.date | None:
    # A dateline leaves out the year of its own day: the text's latest year
    # ("... in 2012 ...") names it when it mentions one, else the day is the
    # last such one before today.
    mentioned = {int(y) for y in _YEAR_IN_TEXT.findall(text) if int(y) <= today.year}
    years = [max(mentioned)] if mentioned else []
    for year in (*years, today.year, today.year - 1):
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            continue  # 29 February
        if candidate <= today:
            return candidate
    return None


def printed_date(text: str, today: datetime.date) -> PrintedDate | None:
    """The date the text prints at its start: a dateline (year inferred if missing) or a date."""
    head = text.strip()[:TEXT_HEAD]
    match = _DATELINE.match(head)
    if match and (match.group("place").isupper() or match.group("agency")):
        month = _MONTHS[match.group("mon")[:3].lower()]
        day = int(match.group("d"))
        printed = " ".join(match.group(0).split())
        if match.group("y"):
            try:
                value = datetime.date(int(match.group("y")), month, day)
            except ValueError:
                return None
            return PrintedDate(FoundDate(value), printed, year_inferred=False)
        value = _year_for(month, day, text, today)
        if value is None:
            return None
        return PrintedDate(FoundDate(value), printed, year_inferred=True)
    first_line = head.split("\n", 1)[0]
    found = find_date(first_line)
    # Only a date that opens the text ("March 3, 2021 —", "Published 3 May
    # 2021:"), not one a sentence mentions.
    opening = (
        found
        and len(first_line[: found[1]]) <= 25
        and "." not in first_line[: found[1]]
    )
    if opening and found[0].value <= today:
        return PrintedDate(found[0], first_line[found[1] : found[2]], False)
    return None
