"""Result snippets: escaped text with <mark> around the matched words.

Every character of article text ``highlight_snippet`` returns goes through
``html.escape``, and the only markup it adds is ``<mark>`` (so the Django side
may mark it safe). It finds matches with the index's own analyzer (so "broadcasts"
is marked for a search for "broadcasting", and 김정은 inside 김정은은), on
the plain text stored in the database.
"""

import functools
import html
import itertools
import operator
import re
import string

from search.engine.analyzers import (
    APOSTROPHES,
    ASCII_WORD_PATTERN,
    CJK_PATTERN,
    NON_ASCII_WORD_CHAR,
    WORD_PATTERN,
    build_analyzer,
)

SNIPPET_CHARS = 240
PASSAGES = 2
_CONTEXT = 70  # characters shown before the first match of a passage
_SCAN_CHARS = 50_000  # matches are looked for in the start of long texts
_CHUNK = 1500
_ENOUGH = 6
_BETWEEN = " … "
_ANALYZER = build_analyzer()


Phrase = tuple[tuple[str, ...], int]  # (words, slop) of "a phrase"~slop


def _matches(
    text: str, terms: frozenset[str], phrases: frozenset[Phrase] = frozenset()
) -> list[tuple[int, int, str]]:
    """Return (start, end, term) of matched words, in text order.

    A word searched only as part of a phrase counts only where the phrase
    is. The text is read a chunk at a time and reading stops once every term
    was seen: a snippet needs two passages, not every match of a long text.
    """
    wanted = terms | {word for words, _ in phrases for word in words}
    found: list[tuple[int, int, str]] = []
    places: list[int] = []  # the word's place among the text's words, for phrases
    word_number = 0
    seen: set[str] = set()
    limit = min(len(text), _SCAN_CHARS)
    # Without phrases no word needs its place, so plain-letter text is
    # searched only for the words that may analyze to a wanted term.
    candidates = None if phrases else _candidate_pattern(wanted)
    position = 0
    while position < limit:
        stop = text.find(" ", min(position + _CHUNK, limit))
        stop = limit if stop == -1 else min(stop, limit)
        before = len(found)
        chunk = text[position:stop]
        if candidates is not None and chunk.isascii():
            _scan_candidates(chunk, position, candidates, wanted, found)
        elif candidates is not None and _ascii_words_only(chunk):
            # ASCII words among CJK runs and other signs (quotes, dashes).
            words: list[tuple[int, int, str]] = []
            _scan_candidates(chunk, position, candidates, wanted, words)
            found += sorted(words + _scan_grams(text, position, stop, wanted))
        elif candidates is not None:
            words = _scan_candidates_mixed(chunk, position, candidates, wanted)
            if words is None:  # lowercasing moves characters
                _scan_mixed(text, position, stop, wanted, found, [], 0)
            else:
                found += sorted(words + _scan_grams(text, position, stop, wanted))
        else:
            scan = (
                _scan_mixed if CJK_PATTERN.search(text, position, stop) else _scan_words
            )
            word_number = scan(text, position, stop, wanted, found, places, word_number)
        seen.update(term for _, _, term in found[before:])
        position = stop
        # Enough for two passages: every term seen, or plenty of matches
        # (a search for variants has terms that a text never holds all of).
        if len(found) >= _ENOUGH * (2 if phrases else 1) or (
            len(seen) == len(wanted) and len(found) >= PASSAGES and not phrases
        ):
            break
    if not phrases:
        return found
    kept = _in_phrases(found, places, phrases)
    return [m for i, m in enumerate(found) if m[2] in terms or i in kept]


@functools.lru_cache(maxsize=256)
def _candidate_pattern(wanted: frozenset[str]) -> re.Pattern:
    """Return a pattern finding the ASCII words that may analyze to a ``wanted`` term.

    Stemming rewrites at most the last three letters of a word, so a word
    analyzing to a term starts with the term but for those (apostrophes
    are dropped, so one may sit between any two letters). Each word found
    is then analyzed to be sure.
    """
    prefixes = sorted(
        {
            "'?".join(re.escape(c) for c in term[: max(1, len(term) - 3)])
            for term in wanted
            if term.isascii() and term.isalnum()
        }
    )
    if not prefixes:
        return re.compile(r"(?!)")  # nothing in plain letters can match
    # It searches lowercased text, so a pattern starting with letters (no
    # look-behind, no case folding) lets the search skip ahead to them;
    # that a word starts there is checked on each one found.
    return re.compile(rf"(?:{'|'.join(prefixes)})[a-z0-9]*(?:'[a-z0-9]+)*")


def _ascii_words_only(chunk: str) -> bool:
    """True when every word of ``chunk`` is ASCII and lowercasing moves no character."""
    return NON_ASCII_WORD_CHAR.search(chunk) is None and len(chunk.lower()) == len(
        chunk
    )


_ASCII_ALNUM = frozenset(string.ascii_letters + string.digits)


def _starts_word(text: str, start: int) -> bool:
    """True when the ASCII word matched at ``start`` is not the end of a longer one.

    In text whose words are all ASCII, a CJK character or another sign
    before it ends any word there.
    """
    if start == 0:
        return True
    before = text[start - 1]
    if before == "'":
        return start < 2 or text[start - 2] not in _ASCII_ALNUM
    return before not in _ASCII_ALNUM


def _scan_candidates(chunk: str, start: int, pattern, wanted, found) -> None:
    """Add the matches in ``chunk`` (at ``start`` of the text) among the words ``pattern`` finds.

    Every word of ``chunk`` is ASCII (``_ascii_words_only``).
    """
    term_of = _ANALYZER.term
    # Lowercasing keeps every character where it is (checked for text
    # beyond ASCII). A chunk starts with a space or at the start of the
    # text, so a word found at its first character starts there.
    lowered = chunk.lower()
    for match in pattern.finditer(lowered):
        begin, end = match.span()
        if not _starts_word(lowered, begin):
            continue
        term = term_of(chunk[begin:end])
        if term in wanted:
            found.append((start + begin, start + end, term))


def _is_letter(char: str) -> bool:
    """True when ``char`` is a letter of a word (as ``WORD_PATTERN`` reads words)."""
    return WORD_PATTERN.fullmatch(char) is not None


def _word_start(text: str, at: int) -> int:
    """Return where the word holding the letter ``text[at]`` starts.

    A word is letters joined by single apostrophes, as ``WORD_PATTERN``
    finds it reading from the left.
    """
    while at > 0:
        before = text[at - 1]
        if _is_letter(before):
            at -= 1
        elif before in APOSTROPHES and at > 1 and _is_letter(text[at - 2]):
            at -= 2
        else:
            break
    return at


def _scan_candidates_mixed(chunk: str, start: int, pattern, wanted):
    """Return the matches among the words of ``chunk`` (at ``start`` of the text).

    For text whose words are not all ASCII (names in McCune-Reischauer,
    other scripts): the words ``pattern`` finds starting a word, and every
    word holding a character beyond ASCII, are analyzed; only those can
    analyze to a ``wanted`` term. None when lowercasing moves characters.
    """
    lowered = chunk.lower()
    if len(lowered) != len(chunk):
        return None
    spans: dict[int, int] = {}
    for match in pattern.finditer(lowered):
        begin = match.start()
        if begin in spans or _word_start(chunk, begin) != begin:
            continue
        word = WORD_PATTERN.match(chunk, begin)
        spans[begin] = word.end()
    _add_non_ascii_words(chunk, spans)
    term_of = _ANALYZER.term
    found = []
    for begin in sorted(spans):
        end = spans[begin]
        term = term_of(chunk[begin:end])
        if term in wanted:
            found.append((start + begin, start + end, term))
    return found


def _add_non_ascii_words(chunk: str, spans: dict[int, int]) -> None:
    """Add to ``spans`` (start: end) every word of ``chunk`` holding a character beyond ASCII."""
    covered = -1
    for match in NON_ASCII_WORD_CHAR.finditer(chunk):
        at = match.start()
        if at < covered:
            continue
        if not _is_letter(chunk[at]):  # an apostrophe: inside a word, or not at all
            if at + 1 == len(chunk) or not _is_letter(chunk[at + 1]):
                continue
            at += 1
        begin = _word_start(chunk, at)
        word = WORD_PATTERN.match(chunk, begin)
        if word is None or word.end() <= match.start():
            continue
        spans[begin] = covered = word.end()


@functools.lru_cache(maxsize=256)
def _gram_pattern(wanted: frozenset[str]) -> re.Pattern:
    """Return a pattern finding the CJK terms of ``wanted`` where the index has them.

    A pair of characters is a term wherever it occurs (overlapping pairs
    too, hence the lookahead); a single character only standing alone.
    """
    cjk = [term for term in wanted if CJK_PATTERN.fullmatch(term)]
    pairs = sorted(re.escape(t) for t in cjk if len(t) == 2)
    singles = sorted(re.escape(t) for t in cjk if len(t) == 1)
    letter = CJK_PATTERN.pattern.removesuffix("+")
    alternatives = []
    if pairs:
        alternatives.append(f"(?=({'|'.join(pairs)}))")
    if singles:
        alternatives.append(f"(?<!{letter})({'|'.join(singles)})(?!{letter})")
    return re.compile("|".join(alternatives) or "(?!)")


def _scan_words(text, start, stop, wanted, found, places, word_number) -> int:
    """Add the matches among ``text[start:stop]``'s words (no CJK there).

    The words are found and analyzed in bulk (a regular expression, then the
    analyzer's cache of terms), and only the matching ones are located:
    a hit's text is never analyzed word by word in Python.
    """
    ascii_words = (
        text[start:stop].isascii()
        or NON_ASCII_WORD_CHAR.search(text, start, stop) is None
    )
    pattern = ASCII_WORD_PATTERN if ascii_words else WORD_PATTERN
    words = pattern.findall(text, start, stop)
    if not words:
        return word_number
    terms = _ANALYZER.terms(words)
    # How many words before and at each one are indexed (stop words are not).
    counted = list(itertools.accumulate(map(operator.truth, terms)))
    at = list(itertools.compress(itertools.count(), map(wanted.__contains__, terms)))
    spans = pattern.finditer(text, start, stop)
    previous = -1
    for index in at:
        match = next(itertools.islice(spans, index - previous - 1, None))
        previous = index
        found.append((match.start(), match.end(), terms[index]))
        places.append(word_number + counted[index])
    return word_number + counted[-1]


def _scan_mixed(text, start, stop, wanted, found, places, word_number) -> int:
    """Add the matches in ``text[start:stop]``, which holds CJK runs (two-character grams).

    CJK runs are not words and take no place among them, so the words are
    scanned in bulk around them (``_scan_words``) and the grams found by one
    pattern (placed nowhere, -1); then both are merged in text order.
    """
    matches: list[tuple[int, int, str]] = []
    at: list[int] = []
    word_number = _scan_words(text, start, stop, wanted, matches, at, word_number)
    grams = _scan_grams(text, start, stop, wanted)
    matches += grams
    at += [-1] * len(grams)
    order = sorted(range(len(matches)), key=matches.__getitem__)
    found += [matches[i] for i in order]
    places += [at[i] for i in order]
    return word_number


def _scan_grams(text, start, stop, wanted) -> list[tuple[int, int, str]]:
    """Return the CJK terms of ``wanted`` found in ``text[start:stop]``, in text order."""
    if not _has_cjk_terms(wanted):
        return []
    grams = []
    for match in _gram_pattern(wanted).finditer(text, start, stop):
        gram = match.group(1) or match.group(2)
        begin = match.start(1) if match.group(1) else match.start(2)
        grams.append((begin, begin + len(gram), gram))
    return grams


@functools.lru_cache(maxsize=256)
def _has_cjk_terms(wanted: frozenset[str]) -> bool:
    return any(CJK_PATTERN.fullmatch(term) for term in wanted)


def _in_phrases(found, places: list[int], phrases: frozenset[Phrase]) -> set[int]:
    """Indexes into ``found`` of the words that make up a whole phrase."""
    at = {}  # (term, place) -> index in found
    for i, ((_, _, term), place) in enumerate(zip(found, places, strict=True)):
        if place >= 0:
            at[(term, place)] = i
    kept: set[int] = set()
    for words, slop in phrases:
        reach = max(slop, 1)
        for (term, place), i in list(at.items()):
            if term != words[0]:
                continue
            chain, here = [i], place
            for word in words[1:]:
                # In order, or either side within the slop for proximity.
                steps = range(1, reach + 1)
                options = [here + d for d in steps]
                if slop > 1:
                    options += [here - d for d in steps]
                nxt = next((p for p in options if (word, p) in at), None)
                if nxt is None:
                    break
                chain.append(at[(word, nxt)])
                here = nxt
            else:
                kept.update(chain)
    return kept


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


def highlight_snippet(
    text: str, terms: frozenset[str], phrases: frozenset[Phrase] = frozenset()
) -> str | None:
    """Return up to two escaped passages of ``text`` with matches marked, or None.

    ``terms`` are marked wherever they occur; the words of ``phrases`` only
    where the whole phrase occurs.
    """
    if not text or not (terms or phrases):
        return None
    matches = _matches(text, terms, phrases)
    if not matches:
        return None
    edges = [_word_edges(text, b, e) for b, e in _passages(text, matches)]
    snippet = _BETWEEN.join(_render(text, b, e, matches) for b, e in edges)
    if edges[0][0] > 0:
        snippet = "… " + snippet
    if edges[-1][1] < len(text):
        snippet += " …"
    return snippet
