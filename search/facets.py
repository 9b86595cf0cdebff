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

from archive.models import Article, Author, Source, Tag
from search import bitmaps
from search.doctable import MULTI, DocTable
from search.types import FACET_NAMES, Facet, FacetValue, SearchParams

LABELS = {
    "source": "Source",
    "tag": "Tag",
    "author": "Author",
    "year": "Year",
    "lang": "Language",
    "kind": "Kind",
}
_REGISTRIES = {"source": Source, "tag": Tag, "author": Author}
_CHOICES = {"lang": Article.Language, "kind": Article.Kind}

NOTICE_UNKNOWN = (
    "Ignored a filter that matches nothing in the archive: {name} “{value}”."
)


@dataclass(frozen=True)
class Selection:
    """The facet filters of a search, as the values the index stores."""

    selected: tuple[tuple[str, frozenset], ...] = ()
    excluded: tuple[tuple[str, frozenset], ...] = ()
    unknown: tuple[tuple[str, str], ...] = ()

    def values(self, name: str) -> frozenset:
        return dict(self.selected).get(name, frozenset())

    def excluded_values(self, name: str) -> frozenset:
        return dict(self.excluded).get(name, frozenset())

    @property
    def active(self) -> tuple[str, ...]:
        names = {name for name, _ in self.selected} | {n for n, _ in self.excluded}
        return tuple(name for name in FACET_NAMES if name in names)

    def notices(self) -> tuple[str, ...]:
        return tuple(
            NOTICE_UNKNOWN.format(name=LABELS[name].lower(), value=value)
            for name, value in self.unknown
        )


def resolve_selection(params: SearchParams) -> Selection:
    """Turn the slugs and codes of ``params`` into index values (a query per registry)."""
    selected, excluded, unknown = [], [], []
    for pairs, out in ((params.selected, selected), (params.excluded, excluded)):
        by_name: dict[str, set[str]] = {}
        for name, value in pairs:
            if name in LABELS:
                by_name.setdefault(name, set()).add(value)
        for name in FACET_NAMES:
            if name not in by_name:
                continue
            keys, missing = _keys(name, by_name[name])
            unknown += [(name, value) for value in sorted(missing)]
            if keys:
                out.append((name, frozenset(keys)))
    return Selection(tuple(selected), tuple(excluded), tuple(unknown))


def _keys(name: str, values: set[str]) -> tuple[set, set[str]]:
    if name in _REGISTRIES:
        found = dict(
            _REGISTRIES[name].objects.filter(slug__in=values).values_list("slug", "pk")
        )
        return set(found.values()), values - set(found)
    if name == "year":
        years = {v for v in values if v.isdigit() and 0 < int(v) < 10000}
        return {int(v) for v in years}, values - years
    known = {v for v in values if v in _CHOICES[name].values}
    return known, values - known


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
            if name in MULTI
            else wanted.__contains__
        )
        docs = list(itertools.compress(docs, map(test, map(column.__getitem__, docs))))
    if unwanted:
        test = unwanted.isdisjoint if name in MULTI else (lambda v: v not in unwanted)
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
    for name in FACET_NAMES:
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
    if name in MULTI:
        return Counter(itertools.chain.from_iterable(values))
    return Counter(values)


def describe_facets(
    counts: dict[str, Counter], selection: Selection, params: SearchParams
) -> tuple[Facet, ...]:
    """Return the facets with labels from the database, top values first."""
    facets = []
    for name in FACET_NAMES:
        counter = counts.get(name, Counter())
        pinned = selection.values(name) | selection.excluded_values(name)
        everything = name in params.expanded_facets
        # Years read as a timeline (newest first, as on browse); other facets
        # list their most frequent values first.
        ranked = sorted(
            (key for key, n in counter.items() if n > 0),
            key=(lambda key: -key)
            if name == "year"
            else (lambda key, c=counter: (-c[key], key)),
        )
        limit = len(ranked) if everything else max(params.facet_limit, 0)
        shown = list(dict.fromkeys([*ranked[:limit], *sorted(pinned, key=str)]))
        labels = _labels(name, shown)
        values = [
            FacetValue(
                value=labels[key][0],
                label=labels[key][1],
                count=counter.get(key, 0),
                selected=key in selection.values(name),
                excluded=key in selection.excluded_values(name),
            )
            for key in shown
            if key in labels
        ]
        if name == "year":
            values.sort(key=lambda v: -int(v.value))
        else:
            values.sort(key=lambda v: (-v.count, v.label.casefold()))
        facets.append(
            Facet(
                name=name,
                label=LABELS[name],
                values=tuple(values),
                truncated=len(ranked) > limit,
            )
        )
    return tuple(facets)


def _labels(name: str, keys: list) -> dict:
    """Return {index value: (URL value, label)} for the values shown."""
    if not keys:
        return {}
    if name in _REGISTRIES:
        rows = (
            _REGISTRIES[name]
            .objects.filter(pk__in=keys)
            .values_list("pk", "slug", "name")
        )
        return {pk: (slug, label) for pk, slug, label in rows}
    if name == "year":
        return {key: (str(key), str(key)) for key in keys}
    choices = dict(_CHOICES[name].choices)
    return {key: (key, str(choices.get(key, key))) for key in keys}
