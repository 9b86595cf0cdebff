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
from functools import reduce

from whoosh import query

from search import bitmaps
from search.postings import cached_postings, positions, postings

_INT_SIZE = 4  # Whoosh's Positions values start with the count (uint)
_CHECK_EVERY = 256


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
    holds = _adjacent if phrase.slop <= 1 else _near
    slop = max(phrase.slop, 1)
    candidates, found = progress.candidates, progress.found
    while progress.checked < len(candidates):
        if deadline.passed():
            snapshot.docsets.put(key, progress)
            return bitmaps.from_docnums(found), False
        stop = min(progress.checked + _CHECK_EVERY, len(candidates))
        found.extend(
            d
            for d in candidates[progress.checked : stop]
            if holds(progress.data, d, slop)
        )
        progress.checked = stop
    return bitmaps.from_docnums(found), True


def _adjacent(data, docnum: int, slop: int) -> bool:
    """Return True if the words follow each other in the document."""
    reachable = None
    for ids, values in data:
        here = _decode(values[bisect_left(ids, docnum)])
        reachable = here if reachable is None else {p + 1 for p in reachable} & here
        if not reachable:
            return False
    return True


def _near(data, docnum: int, slop: int) -> bool:
    """Return True if the words appear in order, each within ``slop`` of the last."""
    reachable = None
    for ids, values in data:
        here = _decode(values[bisect_left(ids, docnum)])
        if reachable is not None:
            here = {p for p in here if any(0 < p - q <= slop for q in reachable)}
        reachable = here
        if not reachable:
            return False
    return True


_DECODED: dict[bytes, frozenset[int]] = {}


def _decode(value: bytes) -> frozenset[int]:
    """Return the positions stored in a Whoosh ``Positions`` posting value."""
    found = _DECODED.get(value)
    if found is None:
        position, positions_ = 0, []
        for delta in pickle.loads(value[_INT_SIZE:]):  # noqa: S301 - our own index
            position += delta
            positions_.append(position)
        found = frozenset(positions_)
        if len(_DECODED) > 20_000:
            _DECODED.clear()
        _DECODED[value] = found
    return found
