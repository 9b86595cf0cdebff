"""Result snippets: escaped text with <mark> around the matched words.

``highlight_snippet`` is the only place in the project besides the HTML
sanitizer that marks a string safe: every character of the article text it
returns is HTML-escaped, and the only markup it adds is ``<mark>``.
"""

import html

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from whoosh import highlight

from search.analyzers import build_analyzer

_ANALYZER = build_analyzer()
SNIPPET_CHARS = 240
_BETWEEN = " … "


class _MarkFormatter(highlight.Formatter):
    """Escape everything; wrap each run of matched characters in <mark>."""

    between = _BETWEEN

    def _text(self, text: str) -> str:
        return html.escape(text, quote=True)

    def format_token(self, text, token, replace=False):
        return "<mark>" + self._text(text[token.startchar : token.endchar]) + "</mark>"

    def format_fragment(self, fragment, replace=False):
        text = fragment.text
        spans: list[list[int]] = []
        # Overlapping matches (two-character grams of Hangul) become one mark.
        for token in sorted(fragment.matches, key=lambda t: (t.startchar, t.endchar)):
            if token.startchar is None:
                continue
            if spans and token.startchar <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], token.endchar)
            else:
                spans.append([token.startchar, token.endchar])
        output, index = [], fragment.startchar
        for start, end in spans:
            start = max(start, index)
            output.append(self._text(text[index:start]))
            output.append("<mark>" + self._text(text[start:end]) + "</mark>")
            index = end
        output.append(self._text(text[index : fragment.endchar]))
        return "".join(output)


def highlight_snippet(text: str, terms: frozenset[str]) -> SafeString | None:
    """Return up to two escaped passages of ``text`` with matches marked, or None."""
    if not text or not terms:
        return None
    marked = highlight.highlight(
        text,
        terms,
        _ANALYZER,
        highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60),
        _MarkFormatter(),
        top=2,
        order=highlight.FIRST,
    )
    if "<mark>" not in marked:
        return None
    return mark_safe(marked)  # noqa: S308 - built from escaped text and <mark> only


def plain_snippet(text: str) -> SafeString:
    """Return the start of ``text``, shortened and escaped."""
    return escape(Truncator(" ".join(text.split())).chars(SNIPPET_CHARS))
