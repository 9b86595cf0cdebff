"""The body HTML of a captured article: paragraphs, subheads and lists.

Short lines inside the article text are told apart by their shape: a Title Case
line or a question introducing what follows is a subhead; a short line in
sentence case with no closing punctuation is a photo caption or alt text, and
is dropped, as is a subhead-shaped line directly above another subhead.
"""

# ruff: noqa: RUF001 - typographic quotes and dashes are what the text holds

from django.utils.html import escape

from archive.importers.markup import inline_html
from archive.importers.textlines import (
    SPEAKER,
    Kind,
    Unit,
    ends_sentence,
    is_good,
    is_title_case,
    is_title_like,
    words,
)

_SHOWN = (Kind.TEXT, Kind.HEADING, Kind.BULLET)
_QUOTES = "\"'“‘«"
_ATTRIBUTION = ("–", "—", "-- ")  # a dash opens an attribution line


def _shaped_like_heading(unit: Unit) -> bool:
    text = unit.text
    if len(text) > 150 or len(words(text)) > 20 or SPEAKER.match(text):
        return False
    if text.startswith(_ATTRIBUTION):
        return False
    if text.endswith("?") and not text.startswith(tuple(_QUOTES)):
        return True
    return is_title_like(text) and is_title_case(text) and not ends_sentence(text)


def _is_heading(units: list[Unit], index: int) -> bool:
    unit = units[index]
    if unit.kind is Kind.HEADING:
        return True
    if unit.kind is not Kind.TEXT:
        return False
    following = units[index + 1] if index + 1 < len(units) else None
    introduces_answer = (
        following is not None
        and following.kind is Kind.TEXT
        and bool(SPEAKER.match(following.text))
        and len(unit.text) <= 150
        and not unit.text.endswith(".")
        and not SPEAKER.match(unit.text)
    )
    return introduces_answer or _shaped_like_heading(unit)


def _is_paragraph(unit: Unit) -> bool:
    text = unit.text
    return (
        is_good(text)
        or ends_sentence(text)
        or text.startswith(_ATTRIBUTION)
        or bool(SPEAKER.match(text))
    )


def _list_html(items: list[Unit]) -> str:
    tag = "ol" if items[0].ordered else "ul"
    inner = "".join(f"<li>{inline_html(item.text)}</li>" for item in items)
    return f"<{tag}>{inner}</{tag}>"


def render_body(units: list[Unit], *, title_key: str) -> str:
    """Return the article's body HTML from the units of its text."""
    shown = [
        u for u in units
        if (u.kind in _SHOWN or (u.kind is Kind.DATE and u.date_kind == "plain"))
        and " ".join(words(u.text)).casefold() != title_key
    ]  # fmt: skip
    blocks: list[str] = []
    items: list[Unit] = []
    for index, unit in enumerate(shown):
        if unit.kind is Kind.BULLET:
            if items and items[0].ordered != unit.ordered:
                blocks.append(_list_html(items))
                items = []
            items.append(unit)
            continue
        if items:
            blocks.append(_list_html(items))
            items = []
        if _is_heading(shown, index):
            # Two heading-shaped lines in a row: the first is a caption.
            if (
                index + 1 < len(shown)
                and _is_heading(shown, index + 1)
                and unit.kind is not Kind.HEADING
            ):
                continue
            tag = "h3" if unit.level >= 3 else "h2"
            blocks.append(f"<{tag}>{escape(unit.text)}</{tag}>")
        elif _is_paragraph(unit):
            blocks.append(f"<p>{inline_html(unit.text)}</p>")
    if items:
        blocks.append(_list_html(items))
    return "\n".join(blocks)
