"""Per-document facet values of one open index, as plain Python lists.

Facet counts, filters and date sorting read these lists with C-level
``map``/``Counter`` calls instead of asking Whoosh per hit. Each segment's
values are decoded once and reused until the segment is merged away, so a
commit costs the next search only the decoding of the new small segment.
"""

import datetime
import itertools
import operator
from dataclasses import dataclass
from functools import cached_property

from search import schema
from search.documents import unpack_meta

SINGLE = ("source", "year", "lang", "kind")
MULTI = ("tag", "author")


@dataclass(frozen=True)
class SegmentValues:
    """Decoded facet values of one segment, by segment-local document number."""

    pk: list[int]
    stamp: list[int]
    source: list[int]
    day: list[int]
    length: list[int]
    year: list[int]
    lang: list[str]
    kind: list[str]
    author: list[tuple[int, ...]]
    tag: list[tuple[int, ...]]

    @cached_property
    def average_length(self) -> float:
        """Mean searchable length of the segment's documents (for ranking)."""
        return sum(self.length) / len(self.length) if self.length else 1.0

    @classmethod
    def load(cls, reader) -> "SegmentValues":
        """Decode the meta column of one segment reader."""
        columns = {name: [] for name in cls.__dataclass_fields__}
        interned: dict = {}
        years: dict[int, int] = {}
        column = reader.column_reader(schema.META, translate=False)
        for data in column:
            meta = unpack_meta(data)
            if meta is None:  # a slot left by a deleted document
                meta = _EMPTY
            year = years.get(meta.day)
            if year is None:
                year = years[meta.day] = datetime.date.fromordinal(
                    max(meta.day, 1)
                ).year
            columns["pk"].append(meta.pk)
            columns["stamp"].append(meta.stamp)
            columns["source"].append(interned.setdefault(meta.source, meta.source))
            columns["day"].append(meta.day)
            columns["length"].append(meta.length)
            columns["year"].append(year)
            columns["lang"].append(interned.setdefault(meta.language, meta.language))
            columns["kind"].append(interned.setdefault(meta.kind, meta.kind))
            columns["author"].append(interned.setdefault(meta.authors, meta.authors))
            columns["tag"].append(interned.setdefault(meta.tags, meta.tags))
        return cls(**columns)


class _Empty:
    pk = stamp = source = day = length = 0
    language = kind = ""
    authors = tags = ()


_EMPTY = _Empty()


class DocTable:
    """Facet values for every document number of one searcher."""

    def __init__(self, parts: list[tuple[SegmentValues, int, frozenset[int]]]):
        self.size = sum(len(values.pk) for values, _, _ in parts)
        self.pk: list[int] = []
        self.columns: dict[str, list] = {name: [] for name in (*SINGLE, *MULTI)}
        self.day: list[int] = []
        live: list[int] = []
        for values, offset, deleted in parts:
            self.pk += values.pk
            self.day += values.day
            for name, column in self.columns.items():
                column += getattr(values, name)
            docnums = range(offset, offset + len(values.pk))
            if deleted:
                live.extend(d for d in docnums if d - offset not in deleted)
            else:
                live.extend(docnums)
        self.live = frozenset(live)

    @cached_property
    def newest(self) -> list[int]:
        """Live document numbers, newest publication date first (then highest id)."""
        key = list(map(operator.add, (d << 32 for d in self.day), self.pk))
        return sorted(self.live, key=key.__getitem__, reverse=True)

    @cached_property
    def newest_rank(self) -> list[int]:
        """Position of each document number in ``newest`` (deleted ones last)."""
        rank = [len(self.newest)] * self.size
        for position, docnum in enumerate(self.newest):
            rank[docnum] = position
        return rank

    @cached_property
    def docnum_by_pk(self) -> dict[int, int]:
        """Map article ids to live document numbers."""
        return {self.pk[d]: d for d in self.live}

    def in_date_range(self, docs, first: int | None, last: int | None) -> list[int]:
        """Return the documents of ``docs`` published between two day ordinals."""
        allowed = range(first or 0, (last or 10**7) + 1)
        day = self.day
        return list(
            itertools.compress(
                docs, map(allowed.__contains__, map(day.__getitem__, docs))
            )
        )
