"""A term's postings, read from Whoosh once per segment and kept in memory.

Whoosh stores postings in pickled, compressed blocks of 128 documents;
reading one means unpickling ids, weights and positions together. So each
(segment, field, term) is read once, a block at a time, and cached in the
snapshot's budgeted cache as NumPy arrays: document numbers, each
document's BM25 weight for the term, and the bitmap of those documents.
Positions are read only when a phrase needs them, and not kept.
"""

from array import array
from typing import NamedTuple

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher

from search import bitmaps
from search.analyzers import POSITION_DTYPE

# BM25 parameters (Whoosh's defaults).
K1 = 1.2
B = 0.75


class Postings(NamedTuple):
    ids: np.ndarray  # segment-local document numbers, ascending (int32)
    weights: np.ndarray  # BM25 term weight per document (float32)
    bitmap: int  # the same documents as a bitmap


class Positions(NamedTuple):
    ids: np.ndarray  # segment-local document numbers, ascending (int32)
    counts: np.ndarray  # how many positions each document has (int32)
    flat: np.ndarray  # every document's positions, one after the other


def term_bitmap(snapshot, fieldname: str, text: str) -> int:
    """Return the bitmap of documents containing a term (deleted ones included)."""
    found = 0
    for leaf in snapshot.leaves:
        found |= postings(snapshot, leaf, fieldname, text).bitmap << leaf.offset
    return found


def cached_postings(snapshot, leaf, fieldname: str, text: str) -> Postings | None:
    """Return what ``postings`` would, if it is in memory already, else None."""
    return snapshot.docsets.get((leaf.segment_id, ("term", fieldname, text)))


def postings(snapshot, leaf, fieldname: str, text: str) -> Postings:
    """Return the documents of a term in one segment and their BM25 weights."""
    key = (leaf.segment_id, ("term", fieldname, text))
    found = snapshot.docsets.get(key)
    if found is None:
        ids, freqs, _ = _read_leaf(leaf, fieldname, text, positions=False)
        found = _postings(leaf, ids, freqs)
        snapshot.docsets.put(key, found)
    return found


def with_positions(snapshot, leaf, fieldname: str, text: str):
    """Return (postings, positions) of a term in one segment, reading it once.

    The postings are cached like ``postings``; the positions are not: they
    are large, and only a phrase being checked needs them (its result is
    cached instead).
    """
    ids, freqs, values = _read_leaf(leaf, fieldname, text, positions=True)
    key = (leaf.segment_id, ("term", fieldname, text))
    found = snapshot.docsets.get(key)
    if found is None:
        found = _postings(leaf, ids, freqs)
        snapshot.docsets.put(key, found)
    return found, Positions(
        ids=ids,
        counts=np.fromiter(map(len, values), np.int32, len(values))
        // POSITION_DTYPE.itemsize,
        flat=np.frombuffer(b"".join(values), dtype=POSITION_DTYPE),
    )


def _postings(leaf, ids: np.ndarray, freqs: np.ndarray) -> Postings:
    return Postings(ids, _bm25(leaf, ids, freqs), bitmaps.from_docnums(ids))


def _read_leaf(leaf, fieldname: str, text: str, *, positions: bool):
    """Return (ids, frequencies, encoded positions or []) of a term in one segment."""
    reader = leaf.searcher.reader()
    ids, freqs, values = array("I"), array("f"), []
    if (fieldname, text) in reader:
        matcher = reader.postings(fieldname, text)
        if isinstance(matcher, FilterMatcher):
            # Deleted documents are dropped once at the end, for all terms.
            matcher = matcher.child
        if isinstance(matcher, W3LeafMatcher):
            _read_blocks(matcher, ids, freqs, values if positions else None)
        else:  # a rare term, stored inline in the term index
            while matcher.is_active():
                ids.append(matcher.id())
                freqs.append(matcher.weight())
                values.append(matcher.value())
                matcher.next()
    return (
        np.frombuffer(ids, dtype=np.uint32).astype(np.int32),
        np.frombuffer(freqs, dtype=np.float32),
        values,
    )


def _read_blocks(matcher: W3LeafMatcher, ids: array, freqs: array, values) -> None:
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        start = matcher._i
        ids.extend(matcher._ids[start:])
        freqs.extend(matcher._weights[start:])
        if values is not None:
            if matcher._values is None:
                matcher._read_values()
            values.extend(matcher._values[start:])
        matcher._next_block()


def _bm25(leaf, ids: np.ndarray, freqs: np.ndarray) -> np.ndarray:
    """Return tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average)) per posting."""
    values = leaf.values
    norm = K1 * (1 - B + B * values.lengths[ids] / values.average_length)
    return (freqs * (K1 + 1) / (freqs + norm)).astype(np.float32)
