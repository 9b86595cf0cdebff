"""Plain-text captures of articles: title, byline and date found, boilerplate dropped.

A capture is text scraped from a page or converted from a PDF, with the site's
menus, captions, widgets and colophons mixed in, sometimes several posts in one
file. The article text is the longest stretch of running paragraphs; the title,
byline and date are looked for around it; a new post starts at a title line
followed by a date line.
"""

# ruff: noqa: RUF001 - typographic quotes and dashes are what the text holds

import re

from archive.importers.capture_html import render_body
from archive.importers.dates import FoundDate
from archive.importers.detect import Decoded
from archive.importers.records import BrokenRecord, FileProblem, RawRecord
from archive.importers.textlines import (
    Kind,
    Unit,
    build_units,
    is_good,
    is_title_like,
    words,
)

# Paragraphs that are not running text and end a stretch of article text when
# this many come in a row (a menu, a widget, a footer); bullets and captions,
# which articles hold too, do not count.
WEAK_RUN = 4
PROVISIONAL_TITLE = "no title line (its first sentence stands in as the title)"
_BACK_MATTER = re.compile(
    r"^(?:references|notes|endnotes|footnotes|bibliography|sources|works cited|citations"
    r"|about the authors?|author bios?|related(?: articles| stories| posts| reading)?"
    r"|further reading|read more|share this(?: article| story| post)?|comments|tags)\s*:?$",
    re.I,
)
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "sgt", "jr", "sr", "st", "no",
     "vs", "etc", "inc", "co", "corp", "dept", "univ", "approx"}
)  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*(?=\s+[\"'“‘(]?[A-Z0-9])")
_EMPHASIZED_NOTE = re.compile(r"^(?:\*[^*].*\*|_[^_].*_)$")
_SKIPPED_AFTER_TITLE = (Kind.FURNITURE, Kind.CAPTION, Kind.BULLET)


def _key(text: str) -> str:
    return " ".join(words(text)).casefold()


def _title_candidate(unit: Unit) -> bool:
    return (
        unit.kind in (Kind.TEXT, Kind.HEADING)
        and is_title_like(unit.text)
        and len(words(unit.text)) >= 2
        and not is_good(unit.text)
    )


def _has_text(units: list[Unit]) -> bool:
    return any(u.kind is Kind.TEXT and is_good(u.text) for u in units)


def _starts_post(units: list[Unit], index: int) -> bool:
    """A title line followed by a date line (a byline may come between) opens a post."""
    if not _title_candidate(units[index]):
        return False
    following = units[index + 1 : index + 3]
    if following and following[0].kind in (Kind.BYLINE, Kind.NAMES):
        following = following[1:]
    return (
        bool(following)
        and following[0].kind is Kind.DATE
        and following[0].date_kind != "updated"
    )


def split_posts(units: list[Unit]) -> list[list[Unit]]:
    """Split a capture's units into posts; parts without article text join their neighbour."""
    starts = [0] + [i for i in range(1, len(units)) if _starts_post(units, i)]
    parts = [units[a:b] for a, b in zip(starts, [*starts[1:], len(units)], strict=True)]
    posts: list[list[Unit]] = []
    for part in parts:
        if posts and not _has_text(part):
            posts[-1].extend(part)  # e.g. a colophon repeating the title and date
        elif posts and not _has_text(posts[-1]):
            posts[-1].extend(part)  # a preamble such as a section label
        else:
            posts.append(list(part))
    return posts


def _back_matter_start(units: list[Unit]) -> int:
    seen_text = False
    for index, unit in enumerate(units):
        if unit.kind is Kind.TEXT and is_good(unit.text):
            seen_text = True
        elif (
            seen_text
            and unit.kind in (Kind.HEADING, Kind.TEXT)
            and _BACK_MATTER.match(unit.text)
        ):
            return index
    return len(units)


def main_text(units: list[Unit]) -> tuple[int, int] | None:
    """First and last index of the longest stretch of running paragraphs."""
    stretches, current, weak = [], None, 0
    for index, unit in enumerate(units):
        if unit.kind is Kind.TEXT and is_good(unit.text):
            if current is None:
                current = [index, index, 0]
            current[1], current[2], weak = index, current[2] + len(unit.text), 0
        elif current is not None and unit.kind not in (Kind.BULLET, Kind.CAPTION):
            weak += 1
            if weak >= WEAK_RUN:
                stretches.append(current)
                current, weak = None, 0
    if current is not None:
        stretches.append(current)
    if not stretches:
        return None
    first, last, _ = max(stretches, key=lambda stretch: stretch[2])
    while last + 1 < len(units) and units[last + 1].kind is Kind.BULLET:
        last += 1  # a list can close an article
    return first, last


def _next_meaningful(units: list[Unit], index: int) -> Unit | None:
    """The first unit after ``index`` that is not furniture, a caption or a bullet (within 3)."""
    for unit in units[index + 1 : index + 4]:
        if unit.kind not in _SKIPPED_AFTER_TITLE:
            return unit
    return None


def _headline_above(
    units: list[Unit], body_start: int, candidates: list[int]
) -> int | None:
    """The headline heading the run of title-like lines just above the text.

    A standfirst may follow the headline and captions may sit between; a menu
    item of one or two words above them is not the headline.
    """
    run, index = [], body_start - 1
    while index >= 0 and (units[index].kind is Kind.CAPTION or index in candidates):
        if index in candidates:
            run.append(index)
        index -= 1
    for index in reversed(run):
        if len(words(units[index].text)) >= 3 or index == 0:
            return index
    return None


def find_title(units: list[Unit], body_start: int) -> int | None:
    """Index of the title line among the units before the article text, if there is one."""
    header = range(body_start)
    for index in header:
        if units[index].kind is Kind.HEADING and not _BACK_MATTER.match(
            units[index].text
        ):
            return index
    candidates = [i for i in header if _title_candidate(units[i])]
    for index in reversed(candidates):
        following = _next_meaningful(units, index)
        if following and following.kind in (Kind.DATE, Kind.BYLINE, Kind.NAMES):
            return index
    keys = [_key(u.text) for u in units]
    for index in candidates:
        if keys.count(keys[index]) > 1:
            return index
    return _headline_above(units, body_start, candidates)


def first_sentence(text: str, limit: int = 200) -> str:
    """The first sentence of ``text`` without its full stop, cut at a word near ``limit``."""
    sentence = text
    for match in _SENTENCE_END.finditer(text):
        before = text[: match.start()].split()
        last_word = before[-1].lower().strip("(\"'“‘") if before else ""
        if last_word in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", last_word):
            continue
        sentence = text[: match.end()]
        break
    sentence = sentence.strip().removesuffix(".")
    if len(sentence) > limit:
        sentence = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return sentence


def _date(units: list[Unit], body_start: int, body_end: int) -> FoundDate | None:
    """The post's date: in its header, else labelled anywhere, else in a byline or after the text."""
    dates = [(i, u) for i, u in enumerate(units) if u.kind is Kind.DATE]
    choices = [
        [u for i, u in dates if i < body_start and u.date_kind != "updated"],
        [u for _, u in dates if u.date_kind == "labelled"],
        [u for u in units if u.kind is Kind.BYLINE and u.date],
        [u for i, u in dates if i > body_end and u.date_kind == "plain"],
        [u for _, u in dates],
    ]
    for found in choices:
        if found:
            return found[0].date
    return None


def _authors(units: list[Unit], title_index: int | None) -> list[str]:
    names = [name for u in units if u.kind is Kind.BYLINE for name in u.names]
    if title_index is not None:
        # "• NAME" and "Name (Affiliation)" count as bylines only under the title.
        near = [
            u for u in units[title_index + 1 : title_index + 5]
            if u.kind not in (Kind.FURNITURE, Kind.CAPTION)
        ][:3]  # fmt: skip
        names = [name for u in near if u.kind is Kind.NAMES for name in u.names] + names
    return list({name.casefold(): name for name in reversed(names)}.values())[::-1]


def _value(units: list[Unit], kind: Kind, body_start: int, body_end: int) -> str:
    for index, unit in enumerate(units):
        if unit.kind is kind and not body_start <= index <= body_end:
            return unit.value
    return ""


def read_post(units: list[Unit]) -> tuple[dict, list[str]] | None:
    """Return one post's record data and review notes, or None when it holds no article text."""
    back_matter = _back_matter_start(units)
    found = main_text(units[:back_matter])
    if found is None:
        return None
    start, end = found
    while start < end and _EMPHASIZED_NOTE.match(units[start].text):
        start += 1  # an editor's note in italics above the text is not the text
    title_index = find_title(units, start)
    review = []
    if title_index is not None:
        title = units[title_index].text
    else:
        first = next(u for u in units[start:] if u.kind is Kind.TEXT)
        title = first_sentence(first.text)
        review.append(PROVISIONAL_TITLE)
    published = _date(units, start, end)
    if published is None:
        date = ""
    elif published.precise:
        date = published.value.isoformat()
    else:
        date = published.value.strftime("%Y-%m")
    data = {
        "title": title,
        "source": _value(units, Kind.SOURCE, start, end),
        "url": _value(units, Kind.URL, start, end),
        "authors": _authors(units, title_index),
        "published": date,
        "body": render_body(
            units[start : end + 1],
            title_key=_key(title) if title_index is not None else "",
        ),
    }
    return data, review


def parse_capture(decoded: Decoded) -> list[RawRecord | BrokenRecord]:
    """Read a plain-text capture: one draft article per post it holds."""
    units = build_units(decoded.text)
    if not units:
        raise FileProblem("the file holds no text")
    posts = split_posts(units)
    records: list[RawRecord | BrokenRecord] = []
    for number, post in enumerate(posts, 1):
        location = f"post {number} (line {post[0].line})" if len(posts) > 1 else ""
        read = read_post(post)
        if read is None:
            records.append(
                BrokenRecord(
                    location,
                    "no article text was found (only headings, menus or captions)",
                )
            )
            continue
        data, review = read
        records.append(
            RawRecord(location=location, data=data, harvested=True, review=review)
        )
    return records
