"""Facet filters and counts (Blacklight/Datasette semantics).

Several values of one facet are ORed, facets are ANDed, excluded values are
removed, and each facet is counted under every filter except its own, so the
alternatives to a chosen value stay visible with their counts. Counting runs
over the per-document lists of ``doctable`` with C-level iteration.
"""

import itertools
import operator
from collections import Counter
from dataclasses import dataclass
from functools import reduce

from search.engine import bitmaps
from search.engine.doctable import DocTable


@dataclass(frozen=True)
class Selection:
    """The facet filters of a search, as the values the index stores."""

    selected: tuple[tuple[str, frozenset], ...] = ()
    excluded: tuple[tuple[str, frozenset], ...] = ()

    def values(self, name: str) -> frozenset:
        return dict(self.selected).get(name, frozenset())

    def excluded_values(self, name: str) -> frozenset:
        return dict(self.excluded).get(name, frozenset())

    @property
    def active(self) -> tuple[str, ...]:
        names = {name for name, _ in self.selected} | {n for n, _ in self.excluded}
        return tuple(sorted(names))


NO_SELECTION = Selection()


def facet_filter(table: DocTable, base: int, name: str, selection: Selection) -> int:
    """Return the documents of ``base`` that pass facet ``name``'s own filter."""
    wanted = selection.values(name)
    unwanted = selection.excluded_values(name)
    by_value = table.value_bitmaps(name)
    if by_value is None:
        return bitmaps.from_docnums(
            narrow(table, bitmaps.to_docnums(base).tolist(), name, selection)
        )
    if wanted:
        base &= reduce(operator.or_, (by_value.get(v, 0) for v in wanted), 0)
    if unwanted:
        base &= ~reduce(operator.or_, (by_value.get(v, 0) for v in unwanted), 0)
    return base


def narrow(
    table: DocTable, docs: list[int], name: str, selection: Selection
) -> list[int]:
    """Return the documents of ``docs`` that pass facet ``name``'s own filter.

    The per-document way, for facets with too many values for bitmaps.
    """
    column = table.columns[name]
    wanted = selection.values(name)
    unwanted = selection.excluded_values(name)
    if wanted:
        test = (
            (lambda vs: not wanted.isdisjoint(vs))
            if name in table.multi
            else wanted.__contains__
        )
        docs = list(itertools.compress(docs, map(test, map(column.__getitem__, docs))))
    if unwanted:
        test = (
            unwanted.isdisjoint
            if name in table.multi
            else (lambda v: v not in unwanted)
        )
        docs = list(itertools.compress(docs, map(test, map(column.__getitem__, docs))))
    return docs


def count_facets(
    table: DocTable, base: int, selection: Selection
) -> tuple[int, dict[str, Counter]]:
    """Return the documents passing every filter, and each facet's counts.

    ``base`` is the bitmap of documents matching the query and date range.
    A facet's counts use every filter except its own.
    """
    passing = {
        name: facet_filter(table, base, name, selection) for name in selection.active
    }
    final = reduce(operator.and_, passing.values(), base)
    counts = {}
    for name in table.layout.names:
        if name in passing:
            others = [bm for other, bm in passing.items() if other != name]
            docs = reduce(operator.and_, others, base)
        else:
            docs = final
        counts[name] = count_values(table, docs, name)
    return final, counts


def count_values(table: DocTable, docs: int, name: str) -> Counter:
    """Count the values of facet ``name`` over the documents in bitmap ``docs``."""
    by_value = table.value_bitmaps(name)
    if by_value is not None:
        counts = Counter()
        for value, bitmap in by_value.items():
            n = (docs & bitmap).bit_count()
            if n:
                counts[value] = n
        return counts
    values = map(table.columns[name].__getitem__, bitmaps.to_docnums(docs).tolist())
    if name in table.multi:
        return Counter(itertools.chain.from_iterable(values))
    return Counter(values)
