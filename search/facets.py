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

from archive.models import Article, Author, Source, Tag
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


def narrow(
    table: DocTable, docs: list[int], name: str, selection: Selection
) -> list[int]:
    """Return the documents of ``docs`` that pass facet ``name``'s own filter."""
    column = table.columns[name]
    values = map(column.__getitem__, docs)
    wanted = selection.values(name)
    unwanted = selection.excluded_values(name)
    if name in MULTI:
        if wanted:
            keep = map(operator.not_, map(wanted.isdisjoint, values))
            docs = list(itertools.compress(docs, keep))
            values = map(column.__getitem__, docs)
        if unwanted:
            docs = list(itertools.compress(docs, map(unwanted.isdisjoint, values)))
        return docs
    if wanted:
        docs = list(itertools.compress(docs, map(wanted.__contains__, values)))
        values = map(column.__getitem__, docs)
    if unwanted:
        keep = map(operator.not_, map(unwanted.__contains__, values))
        docs = list(itertools.compress(docs, keep))
    return docs


def count_facets(
    table: DocTable, base: list[int], selection: Selection
) -> tuple[list[int], dict[str, Counter]]:
    """Return the documents passing every filter, and each facet's counts.

    A facet's counts use every filter except its own.
    """
    passing = {
        name: set(narrow(table, base, name, selection)) for name in selection.active
    }
    if passing:
        sets = sorted(passing.values(), key=len)
        final = sorted(sets[0].intersection(*sets[1:]))
    else:
        final = base
    counts = {}
    for name in FACET_NAMES:
        if name not in passing:
            docs = final
        else:
            others = [s for other, s in passing.items() if other != name]
            docs = others[0].intersection(*others[1:]) if others else base
        counts[name] = count_values(table, docs, name)
    return final, counts


def count_values(table: DocTable, docs, name: str) -> Counter:
    """Count the values of facet ``name`` over ``docs``."""
    values = map(table.columns[name].__getitem__, docs)
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
        ranked = sorted(
            (key for key, n in counter.items() if n > 0),
            key=lambda key: (-counter[key], key),
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
