"""Result snippets: escaped text with <mark> around the matched words.

``highlight_snippet`` is the only place in the project besides the HTML
sanitizer that marks a string safe: every character of article text it
returns goes through ``html.escape``, and the only markup it adds is
``<mark>``. It finds matches with the index's own analyzer (so "broadcasts"
is marked for a search for "broadcasting", and 김정은 inside 김정은은), on
the plain text stored in the database.
"""

import html
import threading

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from search.analyzers import TOKEN_PATTERN, build_analyzer

SNIPPET_CHARS = 240
PASSAGES = 2
_CONTEXT = 70  # characters shown before the first match of a passage
_SCAN_CHARS = 50_000  # matches are looked for in the start of long texts
_CHUNK = 1500
_ENOUGH = 6
_BETWEEN = " … "
_ANALYZER = build_analyzer()


def _matches(text: str, terms: frozenset[str]) -> list[tuple[int, int, str]]:
    """Return (start, end, term) of matched words, in text order.

    The text is read a chunk at a time and reading stops once every term
    was seen: a snippet needs two passages, not every match of a long text.
    """
    term_of = _ANALYZER.term
    found = []
    seen = set()
    limit = min(len(text), _SCAN_CHARS)
    position = 0
    while position < limit:
        stop = text.find(" ", min(position + _CHUNK, limit))
        stop = limit if stop == -1 else min(stop, limit)
        for match in TOKEN_PATTERN.finditer(text, position, stop):
            start, end = match.span()
            if match.lastgroup == "word":
                term = term_of(match.group())
                if term in terms:
                    found.append((start, end, term))
                    seen.add(term)
                continue
            run = match.group()
            grams = (
                [run]
                if len(run) == 1
                else [run[i : i + 2] for i in range(len(run) - 1)]
            )
            for i, gram in enumerate(grams):
                if gram in terms:
                    found.append((start + i, start + i + len(gram), gram))
                    seen.add(gram)
        position = stop
        # Enough for two passages: every term seen, or plenty of matches
        # (a search for variants has terms that a text never holds all of).
        if len(found) >= _ENOUGH or (
            len(seen) == len(terms) and len(found) >= PASSAGES
        ):
            break
    return found


def _passages(text: str, matches: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Pick up to two windows of text holding the most distinct matched terms."""
    windows = []
    for i, (start, _, _) in enumerate(matches[:100]):
        begin = max(0, start - _CONTEXT)
        end = min(len(text), begin + SNIPPET_CHARS)
        inside = set()
        for _, e, term in matches[i:]:
            if e > end:
                break
            inside.add(term)
        windows.append((len(inside), -begin, begin, end))
    chosen: list[tuple[int, int]] = []
    for _, _, begin, end in sorted(windows, reverse=True):
        if all(end <= b or begin >= e for b, e in chosen):
            chosen.append((begin, end))
        if len(chosen) == PASSAGES:
            break
    return sorted(chosen)


def _word_edges(text: str, begin: int, end: int) -> tuple[int, int]:
    """Move a window's edges to the nearest spaces so no word is cut."""
    if begin > 0:
        space = text.find(" ", begin, begin + 20)
        begin = space + 1 if space != -1 else begin
    if end < len(text):
        space = text.rfind(" ", end - 20, end)
        end = space if space != -1 else end
    return begin, end


def _render(text: str, begin: int, end: int, matches) -> str:
    spans: list[list[int]] = []
    for start, stop, _ in matches:
        if start < begin or stop > end:
            continue
        # Overlapping matches (the Hangul pairs of 김정은) become one mark.
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], stop)
        else:
            spans.append([start, stop])
    out, index = [], begin
    for start, stop in spans:
        out.append(html.escape(text[index:start]))
        out.append("<mark>" + html.escape(text[start:stop]) + "</mark>")
        index = stop
    out.append(html.escape(text[index:end]))
    return " ".join("".join(out).split())


def highlight_snippet(text: str, terms: frozenset[str]) -> SafeString | None:
    """Return up to two escaped passages of ``text`` with matches marked, or None."""
    if not text or not terms:
        return None
    matches = _matches(text, terms)
    if not matches:
        return None
    edges = [_word_edges(text, b, e) for b, e in _passages(text, matches)]
    snippet = _BETWEEN.join(_render(text, b, e, matches) for b, e in edges)
    if edges[0][0] > 0:
        snippet = "… " + snippet
    if edges[-1][1] < len(text):
        snippet += " …"
    return mark_safe(snippet)  # noqa: S308 - escaped text and <mark> only


def plain_snippet(text: str) -> SafeString:
    """Return the start of ``text``, shortened and escaped."""
    return escape(Truncator(" ".join(text.split())).chars(SNIPPET_CHARS))


def article_snippet(article, terms: frozenset[str]) -> SafeString:
    """Return the snippet of a hit: its body (or summary) with the terms marked."""
    key = (article.pk, article.updated, terms)
    snippet = _snippets.get(key)
    if snippet is None:
        for text in (article.body_text, article.summary):
            snippet = highlight_snippet(text, terms)
            if snippet is not None:
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
