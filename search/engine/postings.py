"""A term's postings, read from Whoosh once per segment and kept in memory.

The posting blocks (see ``codec``) are raw arrays: a term's blocks are
joined and handed to NumPy whole. Each (segment, field, term) is read once
and cached in the snapshot's budgeted cache as its document numbers, each
document's BM25 weight for the term, and the bitmap of those documents.
Positions are read only when a phrase needs them, and not kept.
"""

from array import array
from typing import NamedTuple

import numpy as np
from whoosh.matching import FilterMatcher
from whoosh.reading import TermNotFound

from search.engine import bitmaps
from search.engine.analyzers import POSITION_DTYPE
from search.engine.codec import ArrayLeafMatcher

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


def cached_postings(snapshot, leaf, fieldname: str, text: str) -> Postings | None:
    """Return what ``postings`` would, if it is in memory already, else None."""
    return snapshot.docsets.get(_key(leaf, fieldname, text))


def postings(snapshot, leaf, fieldname: str, text: str) -> Postings:
    """Return the documents of a term in one segment and their BM25 weights."""
    found = cached_postings(snapshot, leaf, fieldname, text)
    if found is None:
        reader = leaf.searcher.reader()
        ids, freqs, _ = read_term(reader, fieldname, text, positions=False)
        found = _remember(snapshot, leaf, fieldname, text, ids, freqs)
    return found


def with_positions(snapshot, leaf, fieldname: str, text: str):
    """Return (postings, positions) of a term in one segment, reading it once.

    The postings are cached like ``postings``; the positions are not: they
    are large, and only a phrase being checked needs them (its result is
    cached instead).
    """
    reader = leaf.searcher.reader()
    ids, freqs, found = read_term(reader, fieldname, text, positions=True)
    return _remember(snapshot, leaf, fieldname, text, ids, freqs), found


def _key(leaf, fieldname: str, text: str) -> tuple:
    return (leaf.segment_id, ("term", fieldname, text))


def _remember(snapshot, leaf, fieldname, text, ids, freqs) -> Postings:
    """Return the cached postings of a term, caching these if there are none."""
    found = cached_postings(snapshot, leaf, fieldname, text)
    if found is None:
        found = Postings(ids, _bm25(leaf, ids, freqs), bitmaps.from_docnums(ids))
        snapshot.docsets.put(_key(leaf, fieldname, text), found)
    return found


def read_term(reader, fieldname: str, text: str, *, positions: bool):
    """Return (ids, frequencies, Positions or None) of a term in a segment reader."""
    parts = ([], [], [], [])  # ids, weights, value lengths, values: raw bytes
    try:
        # One look-up in the term index (asking first whether the term is
        # there would be a second).
        matcher = reader.postings(fieldname, text)
    except TermNotFound:
        matcher = None
    if matcher is not None:
        if isinstance(matcher, FilterMatcher):
            # Deleted documents are dropped once at the end, for all terms.
            matcher = matcher.child
        if isinstance(matcher, ArrayLeafMatcher):
            _read_blocks(matcher, parts, positions)
        else:  # a rare term, stored inline in the term index
            _read_postings(matcher, parts)
    ids, weights, lengths, values = (b"".join(part) for part in parts)
    ids = np.frombuffer(ids, dtype=np.uint32).astype(np.int32)
    found = None
    if positions:
        found = Positions(
            ids=ids,
            counts=(
                np.frombuffer(lengths, dtype=np.uint32) // POSITION_DTYPE.itemsize
            ).astype(np.int32),
            flat=np.frombuffer(values, dtype=POSITION_DTYPE),
        )
    return ids, np.frombuffer(weights, dtype=np.float32), found


def _read_blocks(matcher: ArrayLeafMatcher, parts, positions: bool) -> None:
    ids, weights, lengths, values = parts
    for block in matcher.raw_blocks():
        ids.append(block.ids)
        weights.append(block.weights)
        if positions:
            lengths.append(block.lengths)
            values.append(block.values)


def _read_postings(matcher, parts) -> None:
    ids, weights, lengths, values = parts
    while matcher.is_active():
        value = matcher.value() or b""
        ids.append(array("I", [matcher.id()]).tobytes())
        weights.append(array("f", [matcher.weight()]).tobytes())
        lengths.append(array("I", [len(value)]).tobytes())
        values.append(value)
        matcher.next()


def _bm25(leaf, ids: np.ndarray, freqs: np.ndarray) -> np.ndarray:
    """Return tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average)) per posting."""
    norm = leaf.values.length_norm(K1, B)[ids]
    return (freqs * (K1 + 1) / (freqs + norm)).astype(np.float32)
