"""“Did you mean”: a corrected query, in real words, when nothing matched.

The index holds stems (satellit), which cannot be shown to a reader. So the
nearest indexed stem is found first, then an article containing it is read
(through the caller's ``text_of``) to learn a real word with that stem (satellite).
"""

import re
import time
from collections.abc import Callable

import numpy as np
from whoosh.automata.lev import levenshtein_automaton

from search.engine import schema
from search.engine.analyzers import TOKEN_PATTERN, build_analyzer, is_cjk, surface_words

_ANALYZER = build_analyzer()
_MAX_WORDS = 8
_SEGMENTS_SEARCHED = 3
# A suggestion is a courtesy: it gets this long, whatever the archive's size
# (finding a typo's neighbours takes a few milliseconds once a segment's word
# list is in memory; reading that list is the rest).
SUGGEST_SECONDS = 0.25


TextOf = Callable[[int], str | None]


def suggest_query(
    searcher,
    leaves,
    raw_query: str,
    typed_terms: tuple[str, ...],
    text_of: TextOf,
) -> str | None:
    """Return ``raw_query`` with unknown words replaced by close known ones, or None.

    ``leaves`` are the snapshot's segments (``snapshot.Leaf``) and ``searcher``
    its searcher. ``text_of(id)`` returns the searchable text of a document,
    or None. Past ``SUGGEST_SECONDS`` it gives up and returns None.
    """
    until = time.monotonic() + SUGGEST_SECONDS
    leaves = _searched(leaves)
    # A word typed in capitals (KCNA, KJU) is an acronym, not a misspelling.
    acronyms = {
        _ANALYZER.term(word) for word in re.findall(r"\b[A-Z]{2,}\b", raw_query)
    }
    corrections = {}
    for term in typed_terms[:_MAX_WORDS]:
        if is_cjk(term) or term in acronyms:
            continue
        if any((schema.CONTENT, term) in leaf.searcher.reader() for leaf in leaves):
            continue
        stem = _nearest_stem(leaves, term, until)
        if time.monotonic() > until:
            return None
        word = _real_word(searcher, stem, text_of) if stem else None
        if word:
            corrections[term] = word
    if not corrections:
        return None

    def replace(match: re.Match) -> str:
        if match.lastgroup != "word":
            return match.group()
        return corrections.get(_ANALYZER.term(match.group()) or "", match.group())

    suggestion = TOKEN_PATTERN.sub(replace, raw_query)
    return suggestion if suggestion != raw_query else None


def _searched(leaves) -> list:
    # Words worth suggesting are in the largest segments; looking through
    # every small one would cost more than it finds.
    return sorted(leaves, key=lambda leaf: leaf.values.size, reverse=True)[
        :_SEGMENTS_SEARCHED
    ]


def load_words(leaves) -> None:
    """Read the word lists suggestions look through (a serving process's warm-up)."""
    for leaf in _searched(leaves):
        leaf.values.words(leaf.searcher.reader())


def _nearest_stem(leaves, term: str, until: float) -> str | None:
    # Two edits turn any short word into another (kcna -> kind): short words
    # get one edit, and words of three letters or fewer none.
    distances = (1, 2) if len(term) >= 5 else (1,) if len(term) >= 4 else ()
    for distance in distances:
        if time.monotonic() > until:
            return None
        # One automaton for every segment: building it is most of the cost
        # of a long word at two edits.
        dfa = levenshtein_automaton(term, distance, prefix=1).to_dfa()
        candidates = {}
        for leaf in leaves:
            reader = leaf.searcher.reader()
            words = leaf.values.words(reader)
            for word in _words_within(words, dfa, until):
                candidates[word] = candidates.get(word, 0) + reader.doc_frequency(
                    schema.CONTENT, word
                )
        if candidates:
            return max(candidates, key=lambda w: (candidates[w], w))
    return None


def _words_within(words: np.ndarray, dfa, until: float):
    """Yield the words of sorted ``words`` the automaton accepts, until ``until``.

    As Whoosh's ``terms_within``: the automaton names the smallest string it
    accepts from a word on, the list the first word from that string on.
    """
    at = 0
    while at < words.size and time.monotonic() <= until:
        match = dfa.next_valid_string(words[at].decode())
        if match is None:
            return
        key = match.encode()
        at = int(np.searchsorted(words, key))
        if at < words.size and words[at] == key:
            yield match
            at += 1


def _real_word(searcher, stem: str, text_of: TextOf) -> str | None:
    """Return a word from an indexed document whose index term is ``stem``."""
    for subsearcher, _offset in searcher.leaf_searchers():
        reader = subsearcher.reader()
        if (schema.CONTENT, stem) not in reader:
            continue
        matcher = reader.postings(schema.CONTENT, stem)
        if not matcher.is_active():
            continue
        text = text_of(int(reader.stored_fields(matcher.id())[schema.ID]))
        if text is None:
            return None
        for word, term in surface_words(text):
            if term == stem:
                return word
        return None
    return None
