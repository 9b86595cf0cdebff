"""The archive's one HTML policy: what article bodies may contain, and plain text.

Every write path calls these functions, and the sanitized body is the only
article content that templates render unescaped. bleach is used behind this
module only, so a move to another sanitizer touches this file alone.
"""

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import bleach
from bleach._vendor import html5lib
from bleach._vendor.html5lib.filters.base import Filter
from bleach._vendor.html5lib.serializer import HTMLSerializer
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
        "ul", "ol", "li", "blockquote", "pre", "code",
        "em", "strong", "i", "b", "u", "s", "sub", "sup", "cite", "q", "abbr",
        "a",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "abbr": ["title"],
    "th": ["colspan", "rowspan", "scope"],
    "td": ["colspan", "rowspan"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"

# Elements removed together with everything inside them: their text is code,
# styling or fallback content, never part of the article. Other elements the
# policy does not allow (div, span, figure, a formula's math) go, but their
# text stays: readers would miss it.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "frame", "frameset",
        "object", "embed", "applet", "svg", "head", "title", "textarea",
        "select", "noembed", "noframes", "xmp", "canvas", "video", "audio",
    }
)  # fmt: skip
# Images are not kept, but what their alt text says is: "[Kim Jong Un at the plant]".
ALT_TEXT_TAGS = frozenset({"img", "area", "input"})
BLOCK_TAGS = frozenset(
    {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote",
     "pre", "table", "caption", "tr", "div", "section", "article"}
)  # fmt: skip
# C0/C1 control characters other than tab and newline, and the zero-width and
# bidi-override characters that can hide or reorder text.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


class _DropElements(Filter):
    """Token filter that removes the elements in DROPPED_WITH_CONTENT and their content."""

    def __iter__(self):
        depth = 0
        for token in super().__iter__():
            kind, name = token["type"], token.get("name", "")
            if name in DROPPED_WITH_CONTENT:
                if kind == "StartTag":
                    depth += 1
                elif kind == "EndTag":
                    depth = max(depth - 1, 0)
                continue
            if not depth:
                yield token


class _AltText(Filter):
    """Token filter that puts an image's alt text in its place, in brackets."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag") and (
                token["name"] in ALT_TEXT_TAGS
            ):
                alt = " ".join((token["data"].get((None, "alt")) or "").split())
                if alt:
                    yield {"type": "Characters", "data": f"[{alt}]"}
            yield token


class _LinkRel(Filter):
    """Token filter that gives every link rel="nofollow noopener"."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == "StartTag" and token["name"] == "a":
                token["data"][(None, "rel")] = LINK_REL
            yield token


class _DemoteH1(Filter):
    """Token filter that turns h1 into h2: the page title is the article's only h1."""

    def __iter__(self):
        for token in super().__iter__():
            if token.get("name") == "h1":
                token["name"] = "h2"
            yield token


_walker = html5lib.getTreeWalker("etree")
_serializer = HTMLSerializer(quote_attr_values="always", omit_optional_tags=False)
_cleaner = bleach.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes=ALLOWED_ATTRIBUTES,
    protocols=set(ALLOWED_PROTOCOLS),
    strip=True,
    strip_comments=True,
    filters=[_LinkRel],
)
_text_cleaner = bleach.Cleaner(
    tags=set(), attributes={}, strip=True, strip_comments=True
)


def _without_dropped_elements(html: str) -> str:
    fragment = html5lib.parseFragment(html, treebuilder="etree")
    return _serializer.render(_DemoteH1(_AltText(_DropElements(_walker(fragment)))))


def _tidy_text(text: str) -> str:
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", text))


# The form the policy writes, read without a parser: tags it keeps without
# attributes, links to http(s) addresses as it writes them, and text with only
# the three escapes it writes.
_CANONICAL_TOKEN = re.compile(
    r"<(/?)(p|br|hr|h[2-6]|ul|ol|li|blockquote|em|strong|i|b|u|s|sub|sup|cite|q|abbr|code)>"
    r'|<a href="(https?://(?:[A-Za-z0-9._~:/?#\[\]@!$\'()*+,;=%-]|&amp;)+)" '
    r'rel="nofollow noopener">|</a>()|([^<>&]+)|&(amp|lt|gt);'
)
# Characters the policy would drop or a parser would rewrite: controls (but
# tab and newline), invisible and bidi characters, surrogates, noncharacters.
_NOT_CANONICAL_TEXT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufdd0-\ufdef\ufeff\ufffe\uffff]"
)
_INLINE = frozenset(
    {"em", "strong", "i", "b", "u", "s", "sub", "sup", "cite", "q", "abbr", "code", "a"}
)
_PHRASING = frozenset({"p", "h2", "h3", "h4", "h5", "h6"})
_LISTS = frozenset({"ul", "ol"})
_ESCAPES = {"amp": "&", "lt": "<", "gt": ">"}
_MAX_CANONICAL_DEPTH = 12


def _may_open(name: str, stack: list[str]) -> bool:
    """Whether ``name`` may start inside ``stack`` without a parser moving anything."""
    parent = stack[-1] if stack else ""
    if parent in _LISTS:
        return name == "li"
    if name == "li":
        return False
    if name == "a" and "a" in stack:
        return False
    if parent in _INLINE or parent in _PHRASING:
        return name in _INLINE or name == "br"
    # At the top, in a list item or a quotation: blocks and phrasing content;
    # headings only at the top or in a quotation.
    return not (name in _PHRASING and name != "p" and parent == "li")


# A body is sanitized, then read as text, one after the other.
@functools.lru_cache(maxsize=4)
def _canonical_tokens(html: str) -> tuple[tuple[str, str], ...] | None:
    """``html`` as (kind, value) tokens if it is already in the policy's form, else None.

    Only markup that the policy keeps as it is, nested so that an HTML parser
    builds exactly the tree it reads (no element closed or moved for another),
    is accepted: bodies the archive wrote itself (its exports) are recognised
    without parsing them twice. Anything else is None and goes through bleach.
    """
    if html != html.strip() or _NOT_CANONICAL_TEXT.search(html):
        return None
    if not unicodedata.is_normalized("NFC", html):
        return None
    tokens: list[tuple[str, str]] = []
    stack: list[str] = []
    position = 0
    for match in _CANONICAL_TOKEN.finditer(html):
        if match.start() != position or not _canonical_step(match, stack, tokens):
            return None
        position = match.end()
    if position != len(html) or stack:
        return None
    return tuple(tokens)


def _canonical_step(match: re.Match, stack: list[str], tokens: list) -> bool:
    """Take one token of ``_canonical_tokens``; False if it is not in the policy's form."""
    closing, name, href, link_end, text, escape = match.groups()
    if text is not None or escape is not None:
        if stack and stack[-1] in _LISTS and (escape or text.strip(" \t\n")):
            return False
        tokens.append(("text", text if text is not None else _ESCAPES[escape]))
    elif link_end is not None or closing:
        name = "a" if link_end is not None else name
        if not stack or stack[-1] != name:
            return False
        tokens.append(("end", stack.pop()))
    else:
        name = "a" if href is not None else name
        if not _may_open(name, stack) or len(stack) >= _MAX_CANONICAL_DEPTH:
            return False
        tokens.append(("start", name))
        if name not in ("br", "hr"):
            stack.append(name)
    return True


def sanitize_html(html: str) -> str:
    """Return ``html`` reduced to the archive's allowed tags, attributes and URL schemes."""
    if not html or not html.strip():
        return ""
    if _canonical_tokens(html) is not None:
        return html  # already what the policy writes
    return _bleach_clean(html)


def _bleach_clean(html: str) -> str:
    return _cleaner.clean(_without_dropped_elements(_tidy_text(html))).strip()


def mark_sanitized(html: str) -> SafeString:
    """Mark stored body HTML safe for templates, re-sanitizing it on the way out."""
    return mark_safe(sanitize_html(html))  # noqa: S308 - output of the one policy


def typed_text(value: str, *, keep_lines: bool = False) -> str:
    """Return ``value`` as typed, for titles and summaries: plain text, never markup.

    ``Why <Juche> matters`` and ``A<B`` stay as they are (every output escapes
    them); only invisible characters go and spacing is collapsed (with
    ``keep_lines`` line breaks survive).
    """
    if not value:
        return ""
    lines = (
        re.sub(r"[ \t\r\u00a0]+", " ", line).strip()
        for line in _tidy_text(value).replace("\r\n", "\n").split("\n")
    )
    return ("\n" if keep_lines else " ").join(line for line in lines if line)


@dataclass(frozen=True)
class Removed:
    """What sanitizing a body took out: elements, attributes and links."""

    tags: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()  # as "p style", "a onclick"
    links: tuple[str, ...] = ()  # href values with a scheme the archive refuses

    def __bool__(self) -> bool:
        return bool(self.tags or self.attributes or self.links)


# h1 is demoted to h2, not removed.
_KEPT_TAGS = ALLOWED_TAGS | {"h1"}


def removed_markup(html: str) -> Removed:
    """Say what ``sanitize_html(html)`` removes, for the warning a curator sees."""
    if not html or not html.strip():
        return Removed()
    tags, attributes, links = set(), set(), set()
    fragment = html5lib.parseFragment(_tidy_text(html), treebuilder="etree")
    for token in _walker(fragment):
        if token["type"] not in ("StartTag", "EmptyTag"):
            continue
        name = token["name"]
        if name not in _KEPT_TAGS:
            tags.add(name)
            continue
        allowed = ALLOWED_ATTRIBUTES.get(name, [])
        for (_, attribute), value in token["data"].items():
            if attribute not in allowed and attribute != "rel":
                attributes.add(f"{name} {attribute}")
            elif name == "a" and attribute == "href" and not _allowed_link(value):
                links.add(value.strip())
    return Removed(tuple(sorted(tags)), tuple(sorted(attributes)), tuple(sorted(links)))


def _allowed_link(href: str) -> bool:
    # As bleach decides: a relative link, or a scheme the policy allows.
    cleaned = re.sub(r"[\x00-\x20]+", "", href)
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    return not scheme or scheme.group(1).lower() in ALLOWED_PROTOCOLS


def plain_text(value: str, *, keep_lines: bool = False) -> str:
    """Return ``value`` with all markup removed, as text (for titles, names, summaries).

    Spacing is collapsed; with ``keep_lines`` line breaks survive (for summaries).
    """
    if not value:
        return ""
    text = _tidy_text(value) if _PLAIN.fullmatch(value) else _parsed_plain_text(value)
    lines = (re.sub(r"[ \t\r\u00a0]+", " ", line).strip() for line in text.split("\n"))
    return ("\n" if keep_lines else " ").join(line for line in lines if line)


# Text without any character markup is made of: nothing for a parser to do.
_PLAIN = re.compile(r"[^<>&]*")


def _parsed_plain_text(value: str) -> str:
    stripped = _text_cleaner.clean(_without_dropped_elements(_tidy_text(value)))
    # bleach returns escaped HTML text; the stored value is plain text that
    # templates escape when they show it.
    return "".join(html5lib.parseFragment(stripped, treebuilder="etree").itertext())


def html_to_text(html: str) -> str:
    """Return the readable text of sanitized ``html``, one paragraph per line."""
    if not html:
        return ""
    if (tokens := _canonical_tokens(html)) is not None:
        return _text_lines(
            value if kind == "text" else "\n" if value in BLOCK_TAGS else ""
            for kind, value in tokens
        )
    return _parsed_text(html)


def _parsed_text(html: str) -> str:
    parts: list[str] = []
    for token in _walker(html5lib.parseFragment(html, treebuilder="etree")):
        kind = token["type"]
        if kind in ("Characters", "SpaceCharacters"):
            parts.append(token["data"])
        elif token.get("name") in BLOCK_TAGS and kind in (
            "StartTag",
            "EndTag",
            "EmptyTag",
        ):
            parts.append("\n")
    return _text_lines(parts)


# Runs of spacing to fold into one space; a lone space (most of them) is left
# as it is rather than replaced by itself.
_SPACES = re.compile(r"[\t\r\u00a0][ \t\r\u00a0]*| [ \t\r\u00a0]+")


def _text_lines(parts: Iterable[str]) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)
