"""Per-document facet values of one open index, and bitmaps of them.

Each segment's ``meta`` column is decoded once into compact arrays and kept
until the segment is merged away, so a commit costs the next search only
the decoding of the new small segment. For each facet value a bitmap of the
documents having it is built on first use (per segment, then shifted into
place), so counting a facet over any set of documents is one AND and one
popcount per value.
"""

import itertools
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from whoosh.columns import VarBytesColumn

from search.engine import bitmaps, schema
from search.engine.documents import Layout, meta_decoder

# A facet with more distinct values than this is counted per document
# instead (bitmaps of every author of a very large archive would not fit).
MAX_BITMAP_VALUES = 5000


@dataclass(eq=False)
class SegmentValues:
    """Decoded facet values of one segment, by segment-local document number."""

    pk: array
    stamp: array
    day: array
    length: array
    columns: dict[str, list | array]
    multi: frozenset[str]  # the facets whose column holds tuples of values
    _bitmaps: dict = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, reader, layout: Layout) -> "SegmentValues":
        """Decode the meta column of one segment reader."""
        decode = meta_decoder(layout)
        # A slot left by a deleted document decodes to None.
        empty = (
            0,
            0,
            0,
            0,
            tuple(
                () if f.multi else 0 if f.stored == "int" else "" for f in layout.fields
            ),
        )
        rows = [decode(data) or empty for data in _column_values(reader)]
        pk, stamp, day, length, values = zip(*rows, strict=True) if rows else [()] * 5
        by_field = zip(*values, strict=True) if rows else [()] * len(layout.fields)
        columns: dict[str, list | array] = {}
        for f, column in zip(layout.fields, by_field, strict=True):
            if f.stored == "int" and not f.multi:
                columns[f.name] = array("q", column)
            else:
                # One object per distinct language, kind, tag list ...
                shared: dict = {}
                columns[f.name] = [shared.setdefault(v, v) for v in column]
        return cls(
            pk=array("q", pk),
            stamp=array("q", stamp),
            day=array("l", day),
            length=array("l", length),
            columns=columns,
            multi=frozenset(f.name for f in layout.fields if f.multi),
        )

    @cached_property
    def lengths(self) -> np.ndarray:
        """Searchable length of each document (for ranking)."""
        return np.asarray(self.length, dtype=np.float64)

    @cached_property
    def average_length(self) -> float:
        """Mean searchable length of the segment's documents (for ranking)."""
        # Never zero: a segment whose documents are all stop words divides by it.
        return float(self.lengths.mean()) if self.lengths.any() else 1.0

    def value_bitmaps(self, name: str) -> dict | None:
        """Return {value: bitmap of local documns} for facet ``name``, or None if too many."""
        if name not in self._bitmaps:
            docs: dict = defaultdict(list)
            column = self.columns[name]
            if name in self.multi:
                for docnum, values in enumerate(column):
                    for value in values:
                        docs[value].append(docnum)
            else:
                for docnum, value in enumerate(column):
                    docs[value].append(docnum)
            self._bitmaps[name] = (
                None
                if len(docs) > MAX_BITMAP_VALUES
                else {v: bitmaps.from_docnums(d) for v, d in docs.items()}
            )
        return self._bitmaps[name]


def _column_values(reader) -> list[bytes] | Iterable[bytes]:
    """Return every document's value of the meta column of a segment reader.

    Whoosh reads a variable-length column one seek and read per document;
    its values lie end to end, so they are read here in one piece and cut.
    """
    column = reader.column_reader(schema.META, translate=False)
    if not isinstance(column, VarBytesColumn.Reader):
        return column
    lengths = column._lengths
    data = column._dbfile.get(column._basepos, sum(lengths))
    ends = list(itertools.accumulate(lengths))
    return list(map(data.__getitem__, map(slice, [0, *ends[:-1]], ends)))


class DocTable:
    """Facet values and bitmaps for every document number of one searcher."""

    def __init__(
        self, parts: list[tuple[SegmentValues, int, frozenset[int]]], layout: Layout
    ):
        self.parts = parts
        self.layout = layout
        self.multi = frozenset(f.name for f in layout.fields if f.multi)
        self.size = sum(len(values.pk) for values, _, _ in parts)
        self.pk = array("q")
        self.day = array("l")
        self.columns: dict[str, list | array] = {}
        live = 0
        for values, offset, deleted in parts:
            self.pk += values.pk
            self.day += values.day
            for name in layout.names:
                column = values.columns[name]
                if name in self.columns:
                    self.columns[name] += column
                else:
                    self.columns[name] = column[:]
            segment = bitmaps.first_n(len(values.pk))
            if deleted:
                segment &= ~bitmaps.from_docnums(sorted(deleted))
            live |= segment << offset
        self.live = live
        self.live_count = live.bit_count()
        self._value_bitmaps: dict[str, dict | None] = {}

    def value_bitmaps(self, name: str) -> dict | None:
        """Return {value: bitmap of documents} for facet ``name`` (None: too many)."""
        if name not in self._value_bitmaps:
            merged: dict | None = defaultdict(int)
            for values, offset, _ in self.parts:
                local = values.value_bitmaps(name)
                if local is None:
                    merged = None
                    break
                for value, bitmap in local.items():
                    merged[value] |= bitmap << offset
            self._value_bitmaps[name] = dict(merged) if merged is not None else None
        return self._value_bitmaps[name]

    def date_bitmap(self, first: int | None, last: int | None) -> int:
        """Return the live documents published between two day ordinals (inclusive)."""
        first = first if first is not None else 1
        last = last if last is not None else 10**7
        days = self.days
        inside = (days >= first) & (days <= last)
        return bitmaps.from_mask(inside) & self.live

    def docs_of(self, pks) -> int:
        """Return the bitmap of every document (live or not) holding one of ``pks``."""
        found = np.isin(np.frombuffer(self.pk, dtype=np.int64), list(pks))
        return bitmaps.from_mask(found)

    @cached_property
    def days(self) -> np.ndarray:
        """Publication day (ordinal) of each document number."""
        return np.asarray(self.day, dtype=np.int64)

    @cached_property
    def newest_rank(self) -> np.ndarray:
        """Each document's place in the newest-first order (by date, then id)."""
        order = np.lexsort((np.asarray(self.pk), self.days))[::-1]
        rank = np.empty(self.size, dtype=np.int64)
        rank[order] = np.arange(self.size)
        return rank
