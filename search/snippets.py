"""Result snippets: the engine's highlighted passages, or the start of the text.

``article_snippet`` is the only place in the project besides the HTML
sanitizer that marks a string safe: ``highlight_snippet`` escapes every
character of article text it returns and adds only ``<mark>``.
"""

import threading
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from search.engine.highlight import SNIPPET_CHARS, highlight_snippet


def plain_snippet(text: str) -> SafeString:
    """Return the start of ``text``, shortened and escaped."""
    # As Truncator.chars, which goes character by character even when a
    # short summary needs no shortening.
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    if len(text) > SNIPPET_CHARS:
        text = Truncator(text).chars(SNIPPET_CHARS)
    return escape(text)


def article_snippet(
    article, terms: frozenset[str], phrases: frozenset = frozenset()
) -> SafeString:
    """Return the snippet of a hit: its body (or summary) with what matched marked."""
    key = (article.pk, article.updated, terms, phrases)
    snippet = _snippets.get(key)
    if snippet is None:
        for text in (article.body_text, article.summary):
            marked = highlight_snippet(text, terms, phrases)
            if marked is not None:
                snippet = mark_safe(marked)  # noqa: S308 - escaped text and <mark> only
                break
        else:
            snippet = plain_snippet(article.summary or article.body_text)
        with _snippets_lock:
            _snippets[key] = snippet
            if len(_snippets) > _SNIPPETS_KEPT:
                del _snippets[next(iter(_snippets))]  # the oldest
    return snippet


# Snippets of recently shown hits, by article version and searched terms.
_snippets: dict = {}
_snippets_lock = threading.Lock()
_SNIPPETS_KEPT = 4000
