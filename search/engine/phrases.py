"""Exact phrases ("state media", "foreign media"~5, the pairs of 김정은).

The documents holding every word of a phrase are found with bitmaps; then
the words' positions in those documents are compared all at once. Each
occurrence becomes one integer key, document number << 32 | position, so
"word B right after word A" is a search of A's sorted keys for B's keys
minus one, done by NumPy for every document together.
"""

import numpy as np
from whoosh import query

from search.engine import bitmaps
from search.engine.postings import cached_postings, with_positions

_SHIFT = 32


def phrase_docs(snapshot, leaf, phrase: query.Phrase, deadline) -> tuple[int, bool]:
    """Return (bitmap of ``leaf``'s documents holding the phrase, complete)."""
    fieldname, words = phrase.fieldname, list(phrase.words)
    # Which documents hold every word, reading a word's positions along with
    # its documents when those are not in memory yet (one read, not two).
    read = {}
    candidates = -1
    for word in words:
        found = cached_postings(snapshot, leaf, fieldname, word)
        if found is None:
            if deadline.passed():
                return 0, False
            found, read[word] = with_positions(snapshot, leaf, fieldname, word)
        candidates &= found.bitmap
        if not candidates:
            return 0, True
    wanted = bitmaps.mask(candidates, candidates.bit_length())
    reached = None
    for word in words:
        if word not in read:
            if deadline.passed():
                return 0, False
            read[word] = with_positions(snapshot, leaf, fieldname, word)[1]
        keys = _keys(read[word], wanted)
        reached = keys if reached is None else _next_word(reached, keys, phrase.slop)
        if not reached.size:
            return 0, True
    # Keys are sorted, so the documents are too; from_docnums ignores repeats.
    return bitmaps.from_docnums(reached >> _SHIFT), True


def _keys(found, wanted: np.ndarray) -> np.ndarray:
    """Return document << 32 | position for each occurrence in a wanted document."""
    inside = found.ids < wanted.size
    inside[inside] = wanted[found.ids[inside]]
    docs = np.repeat(found.ids[inside].astype(np.int64), found.counts[inside])
    at = np.repeat(inside, found.counts)
    return (docs << _SHIFT) | found.flat[at].astype(np.int64)


def _next_word(before: np.ndarray, here: np.ndarray, slop: int) -> np.ndarray:
    # An exact phrase keeps its order; proximity ("control media"~5) is about
    # nearness, as the help page says, whichever word comes first.
    if slop > 1:
        return _near(before, here, slop)
    return _following(before, here, max(slop, 1))


def _near(before: np.ndarray, here: np.ndarray, slop: int) -> np.ndarray:
    """Return the keys of ``here`` at most ``slop`` positions before or after one of ``before``."""
    first = np.searchsorted(before, here - slop, side="left")
    last = np.searchsorted(before, here + slop, side="right")
    return here[last > first]


def _following(before: np.ndarray, here: np.ndarray, slop: int) -> np.ndarray:
    """Return the keys of ``here`` at most ``slop`` positions after one of ``before``.

    Both are sorted. Positions stay far below 2**32, so a window reaching
    back past a document's first position never meets the previous one.
    """
    if slop == 1:
        # Right after: the keys in both ``before`` + 1 and ``here``. Each
        # holds a key once, so a key met twice in the two merged is in both
        # (one merge of two sorted runs, where a binary search per key of a
        # common word's hundreds of thousands went all over memory).
        both = np.concatenate((before + 1, here))
        both.sort(kind="stable")
        return both[1:][both[1:] == both[:-1]]
    first = np.searchsorted(before, here - slop, side="left")
    last = np.searchsorted(before, here, side="left")
    return here[last > first]
