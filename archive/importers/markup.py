"""Turning imported text into body HTML, and refusing markup nested too deeply.

The stored body is always cleaned by ``archive.sanitize`` when the article is
saved; this module only builds the HTML that goes in and guards the sanitizer
against documents built to exhaust it (ten thousand nested ``<div>``s take the
sanitizer seconds and the parser's recursion to its limit).
"""

import re

from django.utils.html import escape
from lxml import etree

# Real pages nest a few dozen levels; anything near this is generated to hurt.
MAX_MARKUP_DEPTH = 100

_HTML_HINT = re.compile(
    r"<(?:p|br|div|h[1-6]|ul|ol|li|blockquote|strong|em|b|i|a|table|span|section|article)"
    r"\b[^>]*>|</[a-z][a-z0-9]*\s*>",
    re.I,
)
_BLANK_LINES = re.compile(r"\n\s*\n")
# Markdown escapes (\*, \_) stand for the character itself.
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+|mailto:[^)\s]+)\)")
_AUTOLINK = re.compile(r"&lt;(https?://[^\s&]+(?:&amp;[^\s&]+)*)&gt;")
_PLACEHOLDER = "\ue000{}\ue001"
_RESTORE = re.compile("\ue000(\\d+)\ue001")


class MarkupTooDeep(ValueError):
    """The markup nests elements more deeply than any real article does."""


def looks_like_html(text: str) -> bool:
    """True when ``text`` contains HTML elements (rather than plain text)."""
    return bool(_HTML_HINT.search(text))


def markup_depth(html: str) -> int:
    """Return how deeply elements nest in ``html`` (the parser stops counting at 255)."""
    if "<" not in html:
        return 0
    parser = etree.HTMLParser(recover=True, no_network=True)
    root = etree.fromstring(f"<div>{html}</div>", parser)
    if root is None:
        return 0
    deepest, stack = 0, [(root, 0)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in element)
    return deepest


def check_markup(html: str) -> None:
    """Raise MarkupTooDeep when ``html`` nests elements beyond MAX_MARKUP_DEPTH."""
    if markup_depth(html) >= MAX_MARKUP_DEPTH:
        raise MarkupTooDeep(
            f"the markup nests elements more than {MAX_MARKUP_DEPTH} levels deep, "
            "which no real article does; it was not imported"
        )


def inline_html(text: str) -> str:
    """Escape ``text`` for HTML, turning Markdown emphasis and links into elements."""
    kept: list[str] = []

    def keep(match: re.Match) -> str:
        kept.append(escape(match.group(1)))
        return _PLACEHOLDER.format(len(kept) - 1)

    html = escape(_ESCAPED.sub(keep, text))
    html = _LINK.sub(r'<a href="\2">\1</a>', html)
    html = _AUTOLINK.sub(r'<a href="\1">\1</a>', html)
    html = _STRONG.sub(r"<strong>\1</strong>", html)
    html = _EMPHASIS.sub(r"<em>\1</em>", html)
    return _RESTORE.sub(lambda m: kept[int(m.group(1))], html)


def plain_markdown(text: str) -> str:
    """Return ``text`` without Markdown emphasis marks or escapes (for titles)."""
    text = _ESCAPED.sub(r"\1", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    return re.sub(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", r"\1", text).strip()


def text_to_html(text: str) -> str:
    """Return plain ``text`` as paragraphs: blank lines separate them, or else line breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    parts = _BLANK_LINES.split(text) if _BLANK_LINES.search(text) else text.split("\n")
    paragraphs = (" ".join(part.split()) for part in parts)
    return "\n".join(f"<p>{inline_html(p)}</p>" for p in paragraphs if p)
