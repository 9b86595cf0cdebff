"""Facets as readers see them: URL values to index values, and back to labels.

The engine counts facets over index values (ids of sources, authors and
tags; years; codes); this module resolves the slugs and codes of a search to
those values (a query per registry) and gives the counted values their
labels and URL values.
"""

from collections import Counter
from dataclasses import dataclass

from archive.models import Article, Author, Source, Tag
from search.engine.facets import Selection
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
class Resolved:
    """A search's facet filters in index values, and the values that match nothing."""

    selection: Selection
    unknown: tuple[tuple[str, str], ...] = ()

    def notices(self) -> tuple[str, ...]:
        return tuple(
            NOTICE_UNKNOWN.format(name=LABELS[name].lower(), value=value)
            for name, value in self.unknown
        )


def resolve_selection(params: SearchParams) -> Resolved:
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
    return Resolved(Selection(tuple(selected), tuple(excluded)), tuple(unknown))


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
