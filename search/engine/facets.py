"""Facet filters and counts (Blacklight/Datasette semantics).

Several values of one facet are ORed, facets are ANDed, excluded values are
removed, and each facet is counted under every filter except its own, so the
alternatives to a chosen value stay visible with their counts. Counting runs
over the value codes of ``doctable`` with NumPy.
"""

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
    column = table.facet(name)
    if wanted:
        base &= bitmaps.from_mask(column.has_any(wanted))
    if unwanted:
        base &= ~bitmaps.from_mask(column.has_any(unwanted))
    return base


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
    own = {}
    for name in passing:
        others = [bm for other, bm in passing.items() if other != name]
        own[name] = table.count(name, reduce(operator.and_, others, base))
    # The facets without a filter of their own are all counted over the
    # same documents, together, and last: the ranking reads those too.
    together = table.count_all(
        [name for name in table.layout.names if name not in passing], final
    )
    counts = {
        name: own[name] if name in passing else together[name]
        for name in table.layout.names
    }
    return final, counts


def count_values(table: DocTable, docs: int, name: str) -> Counter:
    """Count the values of facet ``name`` over the documents in bitmap ``docs``."""
    return table.count(name, docs)
