"""Reading request parameters the same way on every listing (browse and search).

Text is normalized and stripped of invisible characters, rejected values are
quoted briefly in notices, and dates may be typed as a year, a month or a day.
``ListingReader`` holds the rules both pages apply to the parameters they share
(facets and their exclusions, dates, sort, page, ``more``); the browse page's
``BrowseForm`` and the search page's ``SearchForm`` each read through one.
"""

import calendar
import datetime
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import gettext as _

from archive.listing.facets import facet_names, facet_spec

# How much of a rejected value a notice repeats.
ECHO_LENGTH = 60
# Enough for any real selection; a URL with thousands of values is cut short
# before it reaches the database.
MAX_VALUES_PER_FILTER = 50

_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", re.ASCII)
# Nine digits keep the number small enough for any paginator; a minus sign is
# read so that "-1" is answered as a page that does not exist.
_PAGE = re.compile(r"-?\d{1,9}", re.ASCII)
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


def clean_values(values: Iterable[str]) -> list[str]:
    """Return the cleaned values of a repeatable parameter: no blanks, each once, in order."""
    return list(dict.fromkeys(filter(None, map(clean_text, values))))


def known_values(name: str, values: list[str]) -> dict[str, str]:
    """Return ``{value: label}`` for the values of facet ``name`` the archive knows."""
    if not values:
        return {}
    return facet_spec(name).values.known(values)


def facet_pairs(
    values: Mapping[str, list[str]], prefix: str = ""
) -> frozenset[tuple[str, str]]:
    """Return the ``(facet, value)`` pairs of the ``prefix + facet`` parameters."""
    return frozenset((f, v) for f in facet_names() for v in values.get(prefix + f, ()))


class ListingReader:
    """Reads the parameters browse and search share; what it cannot use becomes a notice.

    ``notices`` are plain text (escape on output); ``labels`` map each kept
    ``(facet, value)`` to what the page calls it ("bloomberg" -> "Bloomberg").
    """

    def __init__(self) -> None:
        self.notices: list[str] = []
        self.labels: dict[tuple[str, str], str] = {}

    def repeats(self, data: QueryDict, names: Iterable[str]) -> None:
        """Say which single-valued parameters were given different values (the first is used)."""
        for name in names:
            values = data.getlist(name)
            if len(set(map(clean_text, values))) > 1:
                self.notices.append(
                    _("“%(name)s” was given %(count)d times; only the first was used.")
                    % {"name": name, "count": len(values)}
                )

    def facets(self, values: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
        """Return the known values of every ``facet`` and ``not_facet`` parameter.

        A value both chosen and excluded is excluded.
        """
        kept = {}
        for facet_name in facet_names():
            excluded = f"not_{facet_name}"
            for name in (facet_name, excluded):
                kept[name] = self._known(facet_name, name, values.get(name) or ())
            both = set(kept[facet_name]) & set(kept[excluded])
            for value in sorted(both):
                self.notices.append(
                    _(
                        "The %(noun)s %(value)s was both chosen and excluded; "
                        "it is excluded."
                    )
                    % {
                        "noun": facet_spec(facet_name).noun,
                        "value": echo(self.labels[facet_name, value]),
                    }
                )
            kept[facet_name] = [v for v in kept[facet_name] if v not in both]
        return kept

    def _known(self, facet_name: str, name: str, values: Iterable[str]) -> list[str]:
        values = clean_values(values)
        if len(values) > MAX_VALUES_PER_FILTER:
            self.notices.append(
                _("Only the first %(count)d values of “%(name)s” were used.")
                % {"count": MAX_VALUES_PER_FILTER, "name": name}
            )
            values = values[:MAX_VALUES_PER_FILTER]
        known = known_values(facet_name, values)
        for value in values:
            if value not in known:
                self.notices.append(
                    _("There is no %(noun)s %(value)s; that filter was ignored.")
                    % {"noun": facet_spec(facet_name).noun, "value": echo(value)}
                )
        self.labels.update(((facet_name, v), label) for v, label in known.items())
        return [v for v in values if v in known]

    def dates(
        self, start_text: str, end_text: str
    ) -> tuple[DateBound | None, DateBound | None]:
        """Return the ``from`` and ``to`` bounds, in order; a non-date is dropped."""
        bounds = []
        for text, message in (
            (
                start_text,
                _(
                    "The start date %(value)s is not a date (use 2012, 2012-05 "
                    "or 2012-05-09); it was ignored."
                ),
            ),
            (
                end_text,
                _(
                    "The end date %(value)s is not a date (use 2012, 2012-05 "
                    "or 2012-05-09); it was ignored."
                ),
            ),
        ):
            bound = parse_date(text) if text else None
            if text and bound is None:
                self.notices.append(message % {"value": echo(text)})
            bounds.append(bound)
        start, end = bounds
        if start and end and start.first > end.last:
            self.notices.append(
                _("The start date was after the end date; the two were swapped.")
            )
            start, end = end, start
        return start, end

    def sort(self, value: str, sorts: Sequence[str], default: str) -> str:
        """Return ``value`` when it is one of ``sorts``, else ``default``."""
        if not value or value in sorts:
            return value or default
        self.notices.append(
            _(
                "Unknown sort order %(value)s; sorted by %(default)s instead "
                "(choose %(sorts)s or %(last)s)."
            )
            % {
                "value": echo(value),
                "default": default,
                "sorts": ", ".join(sorts[:-1]),
                "last": sorts[-1],
            }
        )
        return default

    def page(self, text: str) -> int:
        """Return the page number ``text`` names, or 1 when it names none."""
        if not text:
            return 1
        if not _PAGE.fullmatch(text):
            self.notices.append(
                _("Page %(value)s is not a page number; showing page 1.")
                % {"value": echo(text)}
            )
            return 1
        if int(text) < 1:
            self.notices.append(
                _("There is no page %(page)d; showing page 1.") % {"page": int(text)}
            )
            return 1
        return int(text)

    def more(self, values: Iterable[str]) -> frozenset[str]:
        """Return the facets named in ``more`` (those to list in full)."""
        values = clean_values(values)
        names = facet_names()
        for value in values:
            if value not in names:
                self.notices.append(
                    _("There is no facet %(value)s to show in full.")
                    % {"value": echo(value)}
                )
        return frozenset(v for v in values if v in names)
