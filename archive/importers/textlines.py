"""The lines of a captured text, joined into paragraphs and told apart.

A capture (text copied or scraped from a web page, or converted from a PDF) is
a sequence of lines. Each paragraph becomes a ``Unit`` whose ``kind`` says what
it is: a Markdown heading, a byline, a date, a bullet, site furniture, a
caption, or text. Lines split by a hard wrap, a page break or a speaker label
standing alone ("Stella -") are joined first.
"""

# ruff: noqa: RUF001, RUF002 - typographic quotes and dashes are what the text holds

import enum
import re
import unicodedata
from dataclasses import dataclass

from archive.importers import boilerplate
from archive.importers.bylines import read_byline, read_names
from archive.importers.dates import FoundDate, parse_date_line
from archive.importers.markup import plain_markdown


class Kind(enum.Enum):
    TEXT = "text"
    HEADING = "heading"  # a Markdown heading
    BULLET = "bullet"
    BYLINE = "byline"  # "By X", "BY X [email]", "Author: X"
    NAMES = "names"  # "• NAME" or "Name (Affiliation)": a byline only next to a title
    DATE = "date"
    SOURCE = "source"  # "Source: X"
    URL = "url"
    SEPARATOR = "separator"
    FURNITURE = "furniture"  # menus, widgets, appeals, colophons
    CAPTION = "caption"


@dataclass
class Unit:
    """One paragraph of a capture and what it was recognised as."""

    line: int
    text: str
    kind: Kind = Kind.TEXT
    names: tuple[str, ...] = ()
    date: FoundDate | None = None
    date_kind: str = ""
    level: int = 0
    ordered: bool = False
    value: str = ""


_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
_SEPARATOR = re.compile(r"^(?:[-*_=~]\s*){3,}$")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)(?:\s+#+)?$")
_BULLET = re.compile(r"^(?:[•·▪■□◦●‣∙*+-]|(?P<num>\d{1,3})[.)])\s+(?P<item>\S.*)$")
_SOURCE = re.compile(
    r"^(?:source|publisher|published by|publication|site|outlet)\s*[:：]\s*(?P<value>\S.{1,100})$",
    re.I,
)
_URL = re.compile(
    r"^(?:(?:(?:original|source|canonical)\s+)?url|link|permalink|retrieved from|source)"
    r"?\s*[:：]?\s*<?(?P<value>https?://[^\s<>]+?)>?$",
    re.I,
)
_WORD = re.compile(r"[^\W\d_][\w'’.\-]*")
_SPEAKER_ONLY = re.compile(
    r"^(?:[A-Z][\w.'’]*(?:\s+[A-Z][\w.'’]*){0,2}\s*[-–—]|(?:Q|A|[A-Z][\w'’]*)\s*:)$"
)
SPEAKER = re.compile(r"^[A-Z][\w.'’]*(?:\s+[A-Z][\w.'’]*){0,2}\s*[-–—:]\s+\S")
_TERMINAL = re.compile(r"[.!?…:;][\"'”’)\]*_]*$")
_SMALL_WORDS = frozenset(
    {"a", "an", "the", "and", "or", "but", "nor", "of", "in", "on", "at", "to", "for",
     "by", "with", "from", "as", "vs", "via", "into", "over", "per", "is", "are", "was",
     "be", "than", "that"}
)  # fmt: skip


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends the way a sentence or a lead-in does."""
    return bool(_TERMINAL.search(text))


def is_good(text: str) -> bool:
    """True for running text: a paragraph of sentences rather than a label or a menu."""
    if len(text) >= 25 and ends_sentence(text) and len(text.split()) >= 5:
        return True
    return len(text) >= 150 and bool(re.search(r"[,.;] ", text))


def words(text: str) -> list[str]:
    """The words of ``text`` (letters, apostrophes and hyphens)."""
    return _WORD.findall(text)


def is_title_case(text: str) -> bool:
    """True when most significant words are capitalised ("The Regime’s Response")."""
    significant = [w for w in words(text) if w.lower() not in _SMALL_WORDS]
    if not significant:
        return False
    return sum(w[0].isupper() for w in significant) >= 0.75 * len(significant)


def is_title_like(text: str) -> bool:
    """True for a short line that could be a headline or subhead (no closing full stop)."""
    found = words(text)
    if not found or len(text) > 200 or len(found) > 25:
        return False
    first = next(ch for ch in text if ch.isalnum())
    return not text.endswith((".", ",", ";", ":")) and not first.islower()


def _classify_meta(unit: Unit) -> bool:
    """Recognise dates, bylines, sources and addresses; True when ``unit`` is one."""
    text = unit.text
    dated = parse_date_line(text)
    if dated:
        unit.kind, unit.date, unit.date_kind = Kind.DATE, dated[0], dated[1]
        return True
    byline = read_byline(text)
    if byline:
        unit.kind, unit.names, unit.date = Kind.BYLINE, byline[0], byline[1]
        return True
    names = read_names(text)
    if names:
        unit.kind, unit.names = Kind.NAMES, names
        return True
    for pattern, kind in ((_URL, Kind.URL), (_SOURCE, Kind.SOURCE)):
        match = pattern.match(text)
        if match:
            unit.kind, unit.value = kind, match.group("value").strip()
            return True
    return False


def classify(unit: Unit) -> Unit:
    """Set ``unit.kind`` (and its names, date, level or value) from its text."""
    text = unit.text
    heading = _MD_HEADING.match(text)
    bullet = _BULLET.match(text)
    if _SEPARATOR.match(text):
        unit.kind = Kind.SEPARATOR
    elif heading:
        unit.kind, unit.level = Kind.HEADING, len(heading.group(1))
        unit.text = plain_markdown(heading.group(2))
    elif _classify_meta(unit):
        pass
    elif boilerplate.is_caption(text):
        unit.kind = Kind.CAPTION
    elif boilerplate.is_furniture(text) or boilerplate.is_appeal(text):
        unit.kind = Kind.FURNITURE
    elif bullet:
        unit.kind, unit.ordered = Kind.BULLET, bool(bullet.group("num"))
        unit.text = bullet.group("item")
    return unit


def normalized_lines(text: str) -> list[str]:
    """The lines of ``text`` with exotic spaces made plain and invisible characters removed."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _INVISIBLE.sub("", _SPACES.sub(" ", text))
    return [line.strip() for line in text.split("\n")]


def _wrap_width(lines: list[str]) -> int:
    """The column a hard-wrapped text breaks at, or 0 when lines run to paragraph length."""
    long = [len(line) for line in lines if len(line) >= 30]
    if len(long) < 5 or max(long) > 100:
        return 0
    width = max(long)
    near = sum(1 for n in long if n >= width - 20)
    return width if near >= 0.6 * len(long) else 0


def _paragraphs(lines: list[str]) -> list[Unit]:
    width = _wrap_width(lines)
    units: list[Unit] = []
    previous = ""
    for number, line in enumerate(lines, 1):
        if not line:
            previous = ""
            continue
        continues = (
            width
            and previous
            and len(previous) >= width - 25
            and not _BULLET.match(line)
            and not _MD_HEADING.match(line)
        )
        if continues:
            units[-1].text += " " + line
        else:
            units.append(Unit(line=number, text=line))
        previous = line
    return units


def _join_speakers(units: list[Unit]) -> list[Unit]:
    joined: list[Unit] = []
    for unit in units:
        if (
            joined
            and _SPEAKER_ONLY.match(joined[-1].text)
            and not _BULLET.match(unit.text)
        ):
            joined[-1].text += " " + unit.text
        else:
            joined.append(unit)
    return joined


def _join_page_breaks(units: list[Unit]) -> list[Unit]:
    joined: list[Unit] = []
    for unit in units:
        before = joined[-1] if joined else None
        if (
            before is not None
            and before.kind is Kind.TEXT
            and unit.kind is Kind.TEXT
            and not ends_sentence(before.text)
            and unit.text[:1].islower()
        ):
            before.text += " " + unit.text
        else:
            joined.append(unit)
    return joined


def build_units(text: str) -> list[Unit]:
    """Split a capture into classified paragraphs, joining lines that belong together."""
    units = _join_speakers(_paragraphs(normalized_lines(text)))
    return _join_page_breaks([classify(unit) for unit in units])
