"""Per-document facet values of one open index, as arrays of value codes.

Each segment's ``meta`` column is decoded once into compact arrays and kept
until the segment is merged away, so a commit costs the next search only
the decoding of the new small segment. Each facet's values are numbered as
the segment is decoded (then renumbered into one array for the searcher),
so counting a facet over the documents a search found is one NumPy
gather and one ``bincount``: its cost follows the number of documents
found, not the size of the archive or how many values the facet has.

Nothing is kept per document as a Python object: at a million documents a
tuple of tags each, or a list of a million references, costs hundreds of
megabytes per serving process, and Python objects cannot stay shared
between forked workers (their reference counts are written to). NumPy
arrays of the smallest integer type that holds the codes can: the serving
process decodes the index before it forks, and every worker reads the same
pages.
"""

import itertools
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from whoosh.columns import VarBytesColumn

from search.engine import bitmaps, schema
from search.engine.documents import Layout, meta_decoder

# date(1970, 1, 1).toordinal(): NumPy's dates count days from 1970.
_EPOCH_ORDINAL = 719_163
# Longer indexed words are never suggested: no typed word that short is near them.
WORD_BYTES = 40
# Single-valued facets are counted together while the combinations of their
# values number at most this many (one code each, see ``JointCodes``).
JOINT_CELLS = 1 << 16
# A multi-valued facet with fewer values than this, and at most eight a
# document, is also kept as one row of bytes a document (see ``FacetColumn.rows``);
# the byte left over marks an empty place.
_ROW_VALUES = 255
_EMPTY_PLACE = 255
# Counting by pairs costs a fixed 65,536 counters; fewer documents are
# counted from the codes themselves.
_PAIRS_FROM = 4096


def code_dtype(count: int) -> np.dtype:
    """The smallest integer type holding the numbers 0 .. count - 1."""
    if count <= 1 << 8:
        return np.dtype(np.uint8)
    if count <= 1 << 16:
        return np.dtype(np.uint16)
    return np.dtype(np.int32)


@dataclass(frozen=True)
class Codes:
    """A facet's values for each document, as codes into ``values``.

    Single-valued: ``codes[docnum]``. Multi-valued: the codes of every
    document one after the other, ``lengths[docnum]`` of them per document.
    """

    values: tuple
    codes: np.ndarray  # unsigned or int32, see ``code_dtype``
    lengths: np.ndarray | None  # multi-valued facets only

    @classmethod
    def number(cls, column: Iterable, multi: bool) -> "Codes":
        """Number the values of ``column`` (one value or tuple per document)."""
        index: dict = {}
        if multi:
            column = list(column)
            counts = np.fromiter(map(len, column), dtype=np.int64, count=len(column))
            flat = itertools.chain.from_iterable(column)
            lengths = counts.astype(code_dtype(int(counts.max(initial=0)) + 1))
        else:
            flat, lengths = column, None
        codes = np.fromiter(
            (index.setdefault(v, len(index)) for v in flat), dtype=np.int32
        )
        return cls(tuple(index), codes.astype(code_dtype(len(index))), lengths)


@dataclass(eq=False)
class SegmentValues:
    """Decoded facet values of one segment, by segment-local document number."""

    pk: np.ndarray  # int64
    day: np.ndarray  # int32, date ordinals
    length: np.ndarray  # int32, searchable words
    facets: dict[str, Codes]
    # Fingerprints of the documents (drift checks; not kept for searching).
    stamp: np.ndarray | None = None
    _words: np.ndarray | None = field(default=None, repr=False)
    _norm: tuple | None = field(default=None, repr=False)

    @classmethod
    def load(cls, reader, layout: Layout, *, stamps: bool = False) -> "SegmentValues":
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
        del rows
        by_field = zip(*values, strict=True) if values else [()] * len(layout.fields)
        return cls(
            pk=np.array(pk, dtype=np.int64),
            day=np.array(day, dtype=np.int32),
            length=np.array(length, dtype=np.int32),
            facets={
                f.name: Codes.number(column, f.multi)
                for f, column in zip(layout.fields, by_field, strict=True)
            },
            stamp=np.array(stamp, dtype=np.int64) if stamps else None,
        )

    @property
    def size(self) -> int:
        """How many document numbers the segment has (deleted ones included)."""
        return self.pk.size

    @cached_property
    def average_length(self) -> float:
        """Mean searchable length of the segment's documents (for ranking)."""
        # Never zero: a segment whose documents are all stop words divides by it.
        # (A sum of integers: exact in float64 whatever the order of adding.)
        return float(self.length.mean()) if self.length.any() else 1.0

    def length_norm(self, k1: float, b: float) -> np.ndarray:
        """BM25's ``k1 * (1 - b + b * length / average)`` of each document (float64).

        Computed once per segment, where each term read computed it for its
        own documents; every element is the same number either way.
        """
        kept = self._norm
        if kept is None or kept[0] != (k1, b):
            norm = k1 * (1 - b + b * self.length / self.average_length)
            kept = self._norm = ((k1, b), norm)
        return kept[1]

    def words(self, reader) -> np.ndarray:
        """The segment's searchable words (UTF-8, sorted) up to ``WORD_BYTES`` long.

        Read once (``reader`` is this segment's), for "did you mean": looking
        a word up here is a binary search in memory, where the term index on
        disk takes a few dozen small reads.
        """
        if self._words is None:
            words = [w for w in reader.lexicon(schema.CONTENT) if len(w) <= WORD_BYTES]
            self._words = np.array(words, dtype=f"S{WORD_BYTES}")
        return self._words

    def lacks_word(self, word: str) -> bool:
        """True when ``word`` is known not to be searchable in this segment.

        Answered from the words ``words`` read, once they are in memory;
        False (not known) before, or for a word longer than they keep.
        """
        if self._words is None:
            return False
        encoded = word.encode()
        if len(encoded) > WORD_BYTES:
            return False
        at = int(np.searchsorted(self._words, encoded))
        return at == self._words.size or self._words[at] != encoded

    def codes(self, name: str) -> Codes:
        """Return facet ``name``'s values as codes into a list of distinct values."""
        return self.facets[name]


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


@dataclass(frozen=True)
class FacetColumn(Codes):
    """A facet's values for every document number of one searcher."""

    @cached_property
    def starts(self) -> np.ndarray:
        """Multi-valued: where each document's codes start (one more at the end)."""
        return np.concatenate(([0], np.cumsum(self.lengths, dtype=np.int64)))

    @cached_property
    def owners(self) -> np.ndarray:
        """Multi-valued: the document number of each code."""
        return np.repeat(np.arange(self.lengths.size, dtype=np.int32), self.lengths)

    def values_at(self, docnums: np.ndarray) -> list:
        """Return the value of each document of ``docnums`` (tuples when multi-valued)."""
        values = self.values
        if self.lengths is None:
            return [values[code] for code in self.codes[docnums].tolist()]
        starts = self.starts[docnums].tolist()
        ends = self.starts[docnums + 1].tolist()
        codes = self.codes
        return [
            tuple(values[code] for code in codes[start:end].tolist())
            for start, end in zip(starts, ends, strict=True)
        ]

    def has_any(self, values) -> np.ndarray:
        """Return one boolean per document: does it have one of ``values``?"""
        wanted = [code for code, v in enumerate(self.values) if v in values]
        hits = np.isin(self.codes, wanted)
        if self.lengths is None:
            return hits
        found = np.zeros(self.lengths.size, dtype=bool)
        found[self.owners[hits]] = True
        return found

    def count(self, docnums: np.ndarray) -> Counter:
        """Count each value over the documents ``docnums`` (ascending)."""
        return self.counter(self.tally(docnums))

    @cached_property
    def rows(self) -> np.ndarray | None:
        """Multi-valued, few values: each document's codes as one row of 2, 4 or 8 bytes.

        With fewer than 256 values and at most eight a document (the rest
        of a row marked empty), a set of documents is counted by reading
        its rows two bytes at a time: one gather and one ``bincount`` over
        the 65,536 pairs, without the per-document offsets of the codes
        one after the other, and about half as many numbers as the codes.
        None when the facet does not qualify, or rows would be more than
        four times the size of its codes (a few documents with many values).
        """
        lengths = self.lengths
        if lengths is None or not lengths.size or len(self.values) > _ROW_VALUES:
            return None
        longest = int(lengths.max())
        width = next((w for w in (2, 4, 8) if longest <= w), None)
        if width is None or width * lengths.size > 4 * max(self.codes.size, 1):
            return None
        grid = np.full((lengths.size, width), _EMPTY_PLACE, dtype=np.uint8)
        grid[np.arange(width) < lengths[:, None]] = self.codes
        return grid.view(np.dtype(f"<u{width}")).ravel()

    def tally(self, docnums: np.ndarray) -> np.ndarray:
        """Return how many of the documents ``docnums`` (ascending) have each code."""
        rows = self.rows if docnums.size >= _PAIRS_FROM else None
        if rows is not None:
            # Each pair is (code, code) of one document, an empty place 255,
            # never a code; a code is counted as either member of a pair.
            pairs = rows[docnums].view(np.uint16).astype(np.intp)
            both = np.bincount(pairs, minlength=1 << 16).reshape(256, 256)
            return (both.sum(axis=0) + both.sum(axis=1))[: len(self.values)]
        size = len(self.values)
        if self.lengths is None:
            picked = self.codes[docnums]
        elif docnums.size >= _PAIRS_FROM:
            # Most documents have at most one value (authors): their first
            # codes are counted in one pass, the others' further codes apart.
            firsts = self.firsts[docnums].astype(np.intp)
            tally = np.bincount(firsts, minlength=size + 1)[:size]
            further = docnums[self.lengths[docnums] > 1]
            return tally + np.bincount(
                self._codes_of(further, skip=1).astype(np.intp), minlength=size
            )
        else:
            picked = self._codes_of(docnums)
        # bincount reads small integer types more slowly than its own.
        return np.bincount(picked.astype(np.intp), minlength=size)

    def _codes_of(self, docnums: np.ndarray, skip: int = 0) -> np.ndarray:
        """Multi-valued: the codes of the documents ``docnums`` but each one's first ``skip``."""
        starts = self.starts[docnums] + skip
        lengths = self.lengths[docnums].astype(np.int64) - skip
        # The positions of the documents' codes: each document's start,
        # then one more for each further code of the same document.
        ends = np.cumsum(lengths)
        at = np.arange(ends[-1] if ends.size else 0)
        at += np.repeat(starts - (ends - lengths), lengths)
        return self.codes[at]

    @cached_property
    def firsts(self) -> np.ndarray:
        """Multi-valued: each document's first code (``len(values)`` when it has none)."""
        size = len(self.values)
        firsts = np.full(self.lengths.size, size, dtype=code_dtype(size + 1))
        some = self.lengths > 0
        firsts[some] = self.codes[self.starts[:-1][some]]
        return firsts

    def counter(self, tally: np.ndarray) -> Counter:
        """Return the values counted in ``tally`` (codes with a count)."""
        found = np.flatnonzero(tally)
        return Counter(
            dict(
                zip(
                    self.value_array[found].tolist(), tally[found].tolist(), strict=True
                )
            )
        )

    @cached_property
    def value_array(self) -> np.ndarray:
        values = np.empty(len(self.values), dtype=object)
        values[:] = self.values
        return values


@dataclass(frozen=True)
class JointCodes:
    """Several single-valued facets as one code a document: their values' combination.

    ``codes[docnum]`` is ``((c0 * sizes[1] + c1) * sizes[2] + c2) ...`` of the
    document's code ``c`` in each facet of ``names``, so counting the
    combinations over a set of documents counts every one of these facets
    at once (one gather and one ``bincount`` instead of one each); each
    facet's counts are then the sums over the others.
    """

    names: tuple[str, ...]
    sizes: tuple[int, ...]
    codes: np.ndarray

    @classmethod
    def combine(cls, columns: dict[str, "FacetColumn"]) -> "JointCodes":
        sizes = tuple(len(column.values) for column in columns.values())
        joint = np.zeros(len(next(iter(columns.values())).codes), dtype=np.int64)
        for column, size in zip(columns.values(), sizes, strict=True):
            joint *= size
            joint += column.codes
        return cls(tuple(columns), sizes, joint.astype(code_dtype(math.prod(sizes))))

    @property
    def cells(self) -> int:
        return math.prod(self.sizes)

    def tally(self, docnums: np.ndarray) -> dict[str, np.ndarray]:
        """Return each facet's ``FacetColumn.tally`` of the documents ``docnums``."""
        cells = np.bincount(
            self.codes[docnums].astype(np.intp), minlength=self.cells
        ).reshape(self.sizes)
        axes = range(len(self.sizes))
        return {
            name: cells.sum(axis=tuple(a for a in axes if a != n))
            for n, name in enumerate(self.names)
        }


class DocTable:
    """Facet values and bitmaps for every document number of one searcher."""

    def __init__(
        self, parts: list[tuple[SegmentValues, int, frozenset[int]]], layout: Layout
    ):
        self.parts = parts
        self.layout = layout
        self.multi = frozenset(f.name for f in layout.fields if f.multi)
        self.size = sum(values.size for values, _, _ in parts)
        self.pk = _joined([values.pk for values, _, _ in parts], np.int64)
        # Publication day (ordinal) of each document number.
        self.days = _joined([values.day for values, _, _ in parts], np.int32)
        live = 0
        for values, offset, deleted in parts:
            segment = bitmaps.first_n(values.size)
            if deleted:
                segment &= ~bitmaps.from_docnums(sorted(deleted))
            live |= segment << offset
        self.live = live
        self.live_count = live.bit_count()
        self._facets: dict[str, FacetColumn] = {}
        self._live_tallies: dict[str, np.ndarray] = {}
        self._last_counted: tuple[int, bool, np.ndarray] | None = None
        self._live_periods: dict[str, np.ndarray] = {}
        self._period_ranges: dict[str, tuple[int, int]] = {}

    def facet(self, name: str) -> "FacetColumn":
        """Return facet ``name``'s values of every document, as codes (see ``FacetColumn``)."""
        if name not in self._facets:
            index: dict = {}
            remaps = []
            for values, _, _ in self.parts:
                local = values.codes(name)
                remaps.append(
                    np.fromiter(
                        (index.setdefault(v, len(index)) for v in local.values),
                        dtype=np.int32,
                        count=len(local.values),
                    )
                )
            dtype = code_dtype(len(index))
            codes = [
                remap.astype(dtype)[values.codes(name).codes]
                for remap, (values, _, _) in zip(remaps, self.parts, strict=True)
            ]
            lengths = None
            if name in self.multi:
                parts = [values.codes(name).lengths for values, _, _ in self.parts]
                longest = max((int(p.max(initial=0)) for p in parts), default=0)
                lengths = _joined(parts, code_dtype(longest + 1))
            self._facets[name] = FacetColumn(
                values=tuple(index), codes=_joined(codes, dtype), lengths=lengths
            )
        return self._facets[name]

    def values_of(self, docnums: list[int]) -> list[tuple]:
        """Return each document's value of each facet, in the layout's order."""
        at = np.asarray(docnums, dtype=np.int64)
        columns = [self.facet(name).values_at(at) for name in self.layout.names]
        return list(zip(*columns, strict=True)) if columns else [()] * len(docnums)

    def count(self, name: str, docs: int) -> Counter:
        """Count facet ``name``'s values over the live documents of bitmap ``docs``."""
        return self.count_all((name,), docs)[name]

    def count_all(self, names, docs: int) -> dict[str, Counter]:
        """Count the values of each facet of ``names`` over the live documents of ``docs``.

        A set holding most of the archive (a common word) is counted by what
        it lacks: the whole archive's counts less those of the live documents
        left out, so the cost follows the smaller of the two. Single-valued
        facets are counted together (``JointCodes``) when the documents
        outnumber the combinations of their values.
        """
        complement, docnums = self._counted(docs)
        tallies = self._tallies(names, docnums)
        if complement:
            unknown = [name for name in names if name not in self._live_tallies]
            if unknown:
                everything = bitmaps.to_docnums(self.live)
                self._live_tallies.update(self._tallies(unknown, everything))
            tallies = {
                name: self._live_tallies[name] - tally
                for name, tally in tallies.items()
            }
        return {name: self.facet(name).counter(tallies[name]) for name in names}

    def _tallies(self, names, docnums: np.ndarray) -> dict[str, np.ndarray]:
        """Return ``FacetColumn.tally`` of ``docnums`` for each facet of ``names``."""
        tallies = {}
        for joint in self.joint_codes:
            if docnums.size >= joint.cells and sum(n in names for n in joint.names) > 1:
                tallies.update(joint.tally(docnums))
        return {
            name: tallies[name] if name in tallies else self.facet(name).tally(docnums)
            for name in names
        }

    @cached_property
    def joint_codes(self) -> tuple[JointCodes, ...]:
        """The single-valued facets in groups of at most ``JOINT_CELLS`` combinations.

        Grouped in the layout's order; a facet alone in its group is counted
        by itself.
        """
        groups: list[dict[str, FacetColumn]] = [{}]
        for name in self.layout.names:
            if name in self.multi:
                continue
            column = self.facet(name)
            cells = math.prod(len(c.values) for c in groups[-1].values())
            if groups[-1] and cells * len(column.values) > JOINT_CELLS:
                groups.append({})
            groups[-1][name] = column
        return tuple(
            JointCodes.combine(group)
            for group in groups
            if len(group) > 1 and all(len(c.values) for c in group.values())
        )

    def docnums(self, docs: int) -> np.ndarray:
        """Return the document numbers of bitmap ``docs`` (ascending).

        The set whose facets were just counted was converted then (the
        documents a search ranks next): that conversion is reused.
        """
        last = self._last_counted
        if (
            last is not None
            and last[0] is docs
            and not last[1]
            and not docs & ~self.live
        ):
            return last[2]
        return bitmaps.to_docnums(docs)

    def _counted(self, docs: int) -> tuple[bool, np.ndarray]:
        """Return (complement?, the documents to count) for ``count``; the facets
        of one search are counted over the same set, converted once."""
        last = self._last_counted
        if last is None or last[0] is not docs:
            live = docs & self.live
            complement = 2 * live.bit_count() > self.live_count
            docnums = bitmaps.to_docnums(self.live & ~live if complement else live)
            last = self._last_counted = (docs, complement, docnums)
        return last[1], last[2]

    def date_bitmap(self, first: int | None, last: int | None) -> int:
        """Return the live documents published between two day ordinals (inclusive)."""
        first = first if first is not None else 1
        last = last if last is not None else 10**7
        days = self.days
        inside = (days >= first) & (days <= last)
        return bitmaps.from_mask(inside) & self.live

    def docs_of(self, pks) -> int:
        """Return the bitmap of every document (live or not) holding one of ``pks``."""
        return bitmaps.from_mask(np.isin(self.pk, list(pks)))

    @cached_property
    def live_mask(self) -> np.ndarray:
        """One boolean per document number: is it live (not deleted)?"""
        return bitmaps.mask(self.live, self.size)

    @cached_property
    def months(self) -> np.ndarray:
        """Month of publication of each document, counted from January of year 0.

        ``month // 12`` is the year and ``month % 12 + 1`` the month, so
        counting matches per year or month is one division and a ``bincount``.
        A deleted document's slot (day 0) reads month 0: never live.
        """
        days = np.maximum(self.days, 1) - _EPOCH_ORDINAL
        since_epoch = days.astype("datetime64[D]").astype("datetime64[M]")
        return (since_epoch.astype(np.int64) + 1970 * 12).astype(np.int32)

    def count_periods(self, docs: int, interval: str) -> list[tuple[str, int]]:
        """Count the live documents of bitmap ``docs`` per year or month, oldest first.

        Periods are named as "2012" or "2012-05"; only those with a document
        are listed. A set holding most of the archive (the archive itself,
        the shares' denominator) is counted by what it lacks, as ``count``
        counts facets.
        """
        live = docs & self.live
        if 2 * live.bit_count() > self.live_count:
            if interval not in self._live_periods:
                self._live_periods[interval] = self._period_tally(self.live, interval)
            tally = self._live_periods[interval] - self._period_tally(
                self.live & ~live, interval
            )
        else:
            tally = self._period_tally(live, interval)
        first, _ = self._period_range(interval)
        found = np.flatnonzero(tally)
        codes = (found + first).tolist()
        if interval == "year":
            names = [f"{code:04d}" for code in codes]
        else:
            names = [f"{code // 12:04d}-{code % 12 + 1:02d}" for code in codes]
        return list(zip(names, tally[found].tolist(), strict=True))

    def _period_codes(self, docnums: np.ndarray, interval: str) -> np.ndarray:
        """The period of each of the documents ``docnums``."""
        months = self.months[docnums]
        return months // 12 if interval == "year" else months

    def _period_range(self, interval: str) -> tuple[int, int]:
        """The code of the earliest period of a live document, and how many
        periods there are from it to the latest ((0, 0) without any)."""
        if interval not in self._period_ranges:
            codes = self._period_codes(self.live_mask, interval)
            self._period_ranges[interval] = (
                (int(codes.min()), int(codes.max() - codes.min()) + 1)
                if codes.size
                else (0, 0)
            )
        return self._period_ranges[interval]

    def _period_tally(self, live: int, interval: str) -> np.ndarray:
        """How many of the live documents ``live`` fall in each period from the first."""
        codes = self._period_codes(bitmaps.to_docnums(live), interval)
        first, size = self._period_range(interval)
        return np.bincount(codes - first, minlength=size)

    @cached_property
    def newest_rank(self) -> np.ndarray:
        """Each document's place in the newest-first order (by date, then id)."""
        order = np.lexsort((self.pk, self.days))[::-1]
        rank = np.empty(self.size, dtype=np.int32)
        rank[order] = np.arange(self.size, dtype=np.int32)
        return rank


def _joined(arrays: list[np.ndarray], dtype) -> np.ndarray:
    """The arrays one after the other, as ``dtype`` (an empty array for none)."""
    return (
        np.concatenate(arrays).astype(dtype, copy=False)
        if arrays
        else np.zeros(0, dtype)
    )
