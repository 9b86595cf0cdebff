"""The body of a page or feed entry without what surrounds the article on the site.

trafilatura keeps some of a site's furniture next to the article: a dateline
("October 22, 2019 report"), image links that lost their image, "Continue
reading…" links, pull quotes repeating a paragraph, and, under short posts, the
teasers of the site's next stories (excerpts cut off with "[…]"). The same
recognisers clean feed entries, which carry the site's links and "Related:"
lines in their HTML.
"""

# ruff: noqa: RUF001 - typographic quotes are what the text holds

import html
import re

from lxml import etree
from lxml import html as lxml_html

from archive.importers.boilerplate import is_boilerplate
from archive.importers.bylines import read_byline
from archive.importers.dates import find_date
from archive.importers.textlines import ends_sentence, is_good

BLOCKS = ("p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "div", "table")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CONTAINERS = ("ul", "ol", "blockquote", "div", "table")
# An excerpt of another story, cut off: "… it would probably be […]".
_TRUNCATED = re.compile(r"\[\s*(?:…|\.\.\.)\s*\]$")
_MORE_LINK = re.compile(
    r"^(?:continue reading|read (?:more|the rest|the full (?:story|article))|full story"
    r"|weiterlesen|mehr lesen|lire la suite|leer más|seguir leyendo)\b.{0,60}$",
    re.I,
)
_DATELINE = 60  # a line longer than this is reporting, not a dateline
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'"})


def normalized(text: str) -> str:
    """``text`` for comparison: whitespace collapsed, case and typographic quotes folded."""
    return " ".join(text.split()).casefold().translate(_QUOTES)


def _text(element) -> str:
    return " ".join(element.text_content().split())


def drop(element) -> None:
    """Remove ``element`` but keep the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail and element.tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _leaves(body) -> list:
    """The innermost blocks in reading order (paragraphs, items, headings)."""
    blocks = list(body.iter(*BLOCKS))
    inner = set()  # blocks holding other blocks
    for block in blocks:
        parent = block.getparent()
        while parent is not None and parent is not body and parent not in inner:
            if parent.tag in BLOCKS:
                inner.add(parent)
            parent = parent.getparent()
    return [block for block in blocks if block not in inner]


def _without_furniture(body, title: str) -> None:
    for element in list(body.iter(*BLOCKS)):
        if element.getparent() is None:
            continue
        text = _text(element)
        is_title = element.tag in _HEADINGS and normalized(text) == normalized(title)
        if not text or is_title or is_boilerplate(text):
            drop(element)
    for link in list(body.iter("a")):
        text = _text(link)
        at_top = link.getparent() is body
        if not text or _MORE_LINK.match(text) or (at_top and is_boilerplate(text)):
            drop(link)


def _without_empty_containers(body) -> None:
    for element in list(body.iter(*_CONTAINERS)):
        if element.getparent() is not None and not element.text_content().strip():
            drop(element)


def _without_teasers(body) -> None:
    """Cut the next-stories list: from the first of two or more "[…]" excerpts to the end."""
    leaves = _leaves(body)
    cut = [i for i, leaf in enumerate(leaves) if _TRUNCATED.search(_text(leaf))]
    if len(cut) >= 2 and any(is_good(_text(leaf)) for leaf in leaves[: cut[0]]):
        for leaf in leaves[cut[0] :]:
            drop(leaf)


def _is_header_line(text: str, title: str) -> bool:
    if normalized(text) == normalized(title):
        return True
    if len(text) <= _DATELINE and not ends_sentence(text) and find_date(text):
        return True
    return text.lower().startswith("by ") and read_byline(text) is not None


def _without_header_lines(body, title: str) -> None:
    """Drop the title, dateline and byline that open the body, up to the first real paragraph."""
    for leaf in _leaves(body):
        text = _text(leaf)
        if _is_header_line(text, title):
            drop(leaf)
        elif is_good(text) or leaf.tag in _HEADINGS:
            return


def _without_pull_quotes(body) -> None:
    """Drop headings that repeat a sentence of the text, and headings ending the body."""
    leaves = _leaves(body)
    text_keys = [
        normalized(_text(leaf)) for leaf in leaves if leaf.tag not in _HEADINGS
    ]
    for leaf in leaves:
        key = normalized(_text(leaf))
        if leaf.tag in _HEADINGS and key and any(key in other for other in text_keys):
            drop(leaf)
    for leaf in reversed(_leaves(body)):
        if leaf.tag not in _HEADINGS:
            break
        drop(leaf)


def _without_orphan_headings(body) -> None:
    """Remove headings left with nothing under them (a widget's title after its widget went)."""
    children = list(body)
    for index, child in enumerate(children):
        if child.tag not in _HEADINGS:
            continue
        following = children[index + 1] if index + 1 < len(children) else None
        if following is None or following.tag in _HEADINGS:
            drop(child)


def _without_edge_breaks(body) -> None:
    """Remove line breaks that open or close a block (left where an image stood)."""
    for leaf in _leaves(body):
        while len(leaf) and leaf[0].tag == "br" and not (leaf.text or "").strip():
            drop(leaf[0])
        while len(leaf) and leaf[-1].tag == "br" and not (leaf[-1].tail or "").strip():
            drop(leaf[-1])


def _serialized(body) -> str:
    parts = [html.escape(body.text)] if (body.text or "").strip() else []
    parts += [
        etree.tostring(child, encoding="unicode", method="html").strip()
        for child in body
    ]
    return "\n".join(part for part in parts if part)


def _clean(body, title: str) -> str:
    _without_furniture(body, title)
    _without_empty_containers(body)
    _without_teasers(body)
    _without_header_lines(body, title)
    _without_pull_quotes(body)
    _without_empty_containers(body)
    _without_orphan_headings(body)
    _without_edge_breaks(body)
    return _serialized(body)


def clean_body(extracted: str, title: str) -> str:
    """Return the body HTML of trafilatura's output without the title and site furniture."""
    body = lxml_html.fromstring(extracted).find(".//body")
    return _clean(body, title) if body is not None else ""


def clean_fragment(fragment: str, title: str) -> str:
    """Return a feed entry's HTML without the site's links, "Related:" lines and empty links."""
    document = lxml_html.document_fromstring(f"<html><body>{fragment}</body></html>")
    body = document.find(".//body")
    return _clean(body, title) if body is not None else fragment


def repeats_opening(summary: str, body: str) -> bool:
    """True when ``summary`` is the body's first paragraph (or its start, cut with "…")."""
    key = normalized(summary).rstrip(" .…")
    if not key or not body:
        return False
    leaves = _leaves(lxml_html.document_fromstring(f"<html><body>{body}</body></html>"))
    return bool(leaves) and normalized(_text(leaves[0])).startswith(key)
