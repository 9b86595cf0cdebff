"""A term's postings, read from Whoosh once per segment and kept in memory.

Whoosh stores postings in pickled, compressed blocks of 128 documents;
reading one means unpickling ids, weights and positions together. So each
(segment, field, term) is read once, a block at a time, and cached in the
snapshot's budgeted cache as: document numbers, each document's BM25 weight
for the term, and the bitmap of those documents. Positions are only kept
while a phrase is being checked.
"""

import operator
from array import array
from itertools import repeat

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher

from search import bitmaps

# BM25 parameters (Whoosh's defaults).
K1 = 1.2
B = 0.75


def term_bitmap(snapshot, fieldname: str, text: str) -> int:
    """Return the bitmap of documents containing a term (deleted ones included)."""
    found = 0
    for leaf in snapshot.leaves:
        found |= postings(snapshot, leaf, fieldname, text)[2] << leaf.offset
    return found


def cached_postings(snapshot, leaf, fieldname: str, text: str):
    """Return what ``postings`` would, if it is in memory already, else None."""
    return snapshot.docsets.get((leaf.segment_id, ("term", fieldname, text)))


def postings(snapshot, leaf, fieldname: str, text: str) -> tuple[array, array, int]:
    """Return (document numbers, BM25 weights, bitmap) of a term in one segment."""
    key = ("term", fieldname, text)
    cached = snapshot.docsets.get((leaf.segment_id, key))
    if cached is None:
        cached = _read(snapshot, leaf, fieldname, text)
    return cached


def positions(snapshot, leaf, fieldname: str, text: str) -> tuple[array, tuple]:
    """Return (document numbers, encoded positions) of a term in one segment.

    The positions are not kept (only a phrase being checked needs them, and
    they are large); the term's other postings data is, as by ``postings``.
    """
    ids, freqs, values = _read_leaf(leaf, fieldname, text, positions=True)
    key = (leaf.segment_id, ("term", fieldname, text))
    if snapshot.docsets.get(key) is None:
        snapshot.docsets.put(
            key, (ids, _bm25(leaf, ids, freqs), bitmaps.from_docnums(ids))
        )
    return ids, tuple(values)


def _read(snapshot, leaf, fieldname: str, text: str) -> tuple[array, array, int]:
    """Read a term's postings from one segment; cache ids, weights and bitmap."""
    ids, freqs, _ = _read_leaf(leaf, fieldname, text, positions=False)
    result = (ids, _bm25(leaf, ids, freqs), bitmaps.from_docnums(ids))
    snapshot.docsets.put((leaf.segment_id, ("term", fieldname, text)), result)
    return result


def _read_leaf(leaf, fieldname: str, text: str, *, positions: bool):
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
    return ids, freqs, values


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


def _bm25(leaf, ids: array, freqs: array) -> array:
    """Return tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average)) per posting."""
    lengths, average = leaf.values.length, leaf.values.average_length
    norm = [K1 * (1 - B + B * n / average) for n in map(lengths.__getitem__, ids)]
    return array(
        "f",
        map(
            operator.truediv,
            map(operator.mul, freqs, repeat(K1 + 1)),
            map(operator.add, freqs, norm),
        ),
    )
