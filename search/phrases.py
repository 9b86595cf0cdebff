"""Exact phrases ("state media", "foreign media"~5, the pairs of 김정은).

The documents containing every word of a phrase are found with bitmaps;
then each candidate's positions are decoded and compared. Checking stops
at the time budget and resumes where it stopped at the next search of the
same phrase, so even a phrase over most of the archive completes after a
search or two and is then answered from memory.
"""

import operator
import pickle
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import partial, reduce
from itertools import accumulate, compress, repeat

from whoosh import query

from search import bitmaps
from search.postings import cached_postings, positions, postings

_INT_SIZE = 4  # Whoosh's Positions values start with the count (uint)
_CHECK_EVERY = 4096


@dataclass
class _Progress:
    """How far checking a phrase in one segment got (kept between searches)."""

    # Per word read so far: (document numbers, encoded positions).
    data: list[tuple] = field(default_factory=list)
    candidates: list[int] | None = None
    checked: int = 0
    found: list[int] = field(default_factory=list)

    def __len__(self) -> int:  # its size in the cache, in 4-byte units
        held = sum(len(values) for _, values in self.data)
        return len(self.candidates or ()) + len(self.found) + 14 * held


def phrase_docs(snapshot, leaf, phrase: query.Phrase, deadline) -> tuple[int, bool]:
    """Return (bitmap of ``leaf``'s documents holding the phrase, complete)."""
    fieldname, words = phrase.fieldname, list(phrase.words)
    # Cheap test first: a word missing from the segment rules it out.
    for word in words:
        cached = cached_postings(snapshot, leaf, fieldname, word)
        if cached is not None and not cached[0]:
            return 0, True
    key = (leaf.segment_id, ("phrase-progress", phrase))
    progress = snapshot.docsets.get(key) or _Progress()
    snapshot.docsets.pop(key)
    while len(progress.data) < len(words):
        if deadline.passed():
            snapshot.docsets.put(key, progress)
            return 0, False
        word = words[len(progress.data)]
        progress.data.append(positions(snapshot, leaf, fieldname, word))
    if progress.candidates is None:
        candidates = reduce(
            operator.and_,
            (postings(snapshot, leaf, fieldname, word)[2] for word in words),
        )
        progress.candidates = bitmaps.to_docnums(candidates)
    follow = _next_word if phrase.slop <= 1 else partial(_near_word, phrase.slop)
    candidates, found = progress.candidates, progress.found
    while progress.checked < len(candidates):
        if deadline.passed():
            snapshot.docsets.put(key, progress)
            return bitmaps.from_docnums(found), False
        stop = min(progress.checked + _CHECK_EVERY, len(candidates))
        found.extend(
            _holding(progress.data, candidates[progress.checked : stop], follow)
        )
        progress.checked = stop
    return bitmaps.from_docnums(found), True


def _holding(data, docs: list[int], follow) -> list[int]:
    """Return the documents of ``docs`` where the words follow one another.

    Works a word at a time over all the documents with C-level ``map``:
    look up each document's positions of the word, then keep the positions
    that continue the phrase, then drop the documents left with none.
    """
    reached = None
    for ids, values in data:
        at = map(bisect_left, repeat(ids), docs)
        here = list(map(_decode, map(values.__getitem__, at)))
        reached = here if reached is None else list(map(follow, reached, here))
        alive = list(map(bool, reached))
        docs = list(compress(docs, alive))
        reached = list(compress(reached, alive))
        if not docs:
            break
    return docs


def _next_word(before: frozenset[int], here: frozenset[int]) -> frozenset[int]:
    """Return the positions of ``here`` that come right after one of ``before``."""
    return here.intersection(map(_PLUS_ONE, before))


def _near_word(
    slop: int, before: frozenset[int], here: frozenset[int]
) -> frozenset[int]:
    """Return the positions of ``here`` at most ``slop`` after one of ``before``."""
    return frozenset(p for p in here if any(0 < p - q <= slop for q in before))


_PLUS_ONE = (1).__add__


# Decoded positions by their bytes: most postings hold one or two positions,
# so the same values recur across documents.
_DECODED: dict[bytes, frozenset[int]] = {}
_DECODED_KEPT = 100_000


def _decode(value: bytes) -> frozenset[int]:
    """Return the positions stored in a Whoosh ``Positions`` posting value."""
    found = _DECODED.get(value)
    if found is None:
        deltas = pickle.loads(value[_INT_SIZE:])  # noqa: S301 - our own index
        found = frozenset(accumulate(deltas))
        if len(_DECODED) >= _DECODED_KEPT:
            _DECODED.clear()
        _DECODED[value] = found
    return found
