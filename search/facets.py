"""Facets as readers see them: URL values to index values, and back to labels.

The engine counts facets over index values (ids of sources, authors and
tags; years; codes); this module resolves the slugs and codes of a search to
those values (a query per registry) and gives the counted values their
labels and URL values.
"""

import heapq
import threading
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from archive.listing.facets import FacetSpec, Registry, facet_spec, facets
from archive.listing.types import Facet, FacetValue, SearchParams
from search.engine.facets import Selection

NOTICE_UNKNOWN = gettext_lazy(
    "Ignored a filter that matches nothing in the archive: {name} “{value}”."
)


@dataclass(frozen=True)
class Resolved:
    """A search's facet filters in index values, and the values that match nothing."""

    selection: Selection
    unknown: tuple[tuple[str, str], ...] = ()

    def notices(self) -> tuple[str, ...]:
        return tuple(
            NOTICE_UNKNOWN.format(name=facet_spec(name).noun, value=value)
            for name, value in self.unknown
        )


def resolve_selection(params: SearchParams) -> Resolved:
    """Turn the slugs and codes of ``params`` into index values (a query per registry)."""
    selected, excluded, unknown = [], [], []
    for pairs, out in ((params.selected, selected), (params.excluded, excluded)):
        by_name: dict[str, set[str]] = {}
        for name, value in pairs:
            by_name.setdefault(name, set()).add(value)
        for spec in facets():
            if spec.name not in by_name:
                continue
            values = by_name[spec.name]
            found = spec.values.to_index(values)
            unknown += [(spec.name, value) for value in sorted(values - set(found))]
            if found:
                out.append((spec.name, frozenset(found.values())))
    return Resolved(Selection(tuple(selected), tuple(excluded)), tuple(unknown))


def describe_facets(
    counts: dict[str, Counter],
    selection: Selection,
    params: SearchParams,
    index_version: str = "",
) -> tuple[Facet, ...]:
    """Return the facets with labels from the database, top values first.

    Labels of counted registry values are kept for ``index_version`` (see
    ``_labels``); chosen and excluded values no indexed article has are
    read afresh.
    """
    described = []
    for spec in facets():
        name, chronological = spec.name, spec.values.chronological
        counter = counts.get(name, Counter())
        pinned = selection.values(name) | selection.excluded_values(name)
        everything = name in params.expanded_facets
        # Years read as a timeline (newest first, as on browse); other facets
        # list their most frequent values first. Only the first ``limit`` are
        # shown, so only those are put in order (a facet of authors counts
        # thousands of values).
        counted = [key for key, n in counter.items() if n > 0]
        order = (
            (lambda key: -key)
            if chronological
            else (lambda key, c=counter: (-c[key], key))
        )
        limit = len(counted) if everything else max(params.facet_limit, 0)
        top = (
            sorted(counted, key=order)
            if limit >= len(counted)
            else heapq.nsmallest(limit, counted, key=order)
        )
        shown = list(dict.fromkeys([*top, *sorted(pinned, key=str)]))
        # A chosen or excluded value no indexed article has may have been
        # renamed without re-indexing anything: its label is read afresh.
        unindexed = frozenset(key for key in pinned if counter.get(key, 0) <= 0)
        labels = _labels(spec, shown, unindexed, index_version) if shown else {}
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
        if chronological:
            values.sort(key=lambda v: -int(v.value))
        else:
            values.sort(key=lambda v: (-v.count, v.label.casefold()))
        described.append(
            Facet(
                name=name,
                label=str(spec.label),
                values=tuple(values),
                truncated=len(counted) > limit,
            )
        )
    return tuple(described)


# (facet, index value) -> (URL value, label) of registry values (sources,
# tags, authors) counted in a search or shown in a result row, for one
# version of the index. Renaming
# or removing a source, tag or author re-indexes its published articles (the
# slug too: see search.signals), so the index's version changes and these
# are read again; a value no indexed article has is never counted, only
# chosen or excluded (counted 0), and those are read afresh every time.
_kept_labels: dict = {}
_kept_version = [""]
_kept_lock = threading.Lock()
_LABELS_KEPT = 50_000


def _labels(
    spec: FacetSpec, keys: list, unindexed: frozenset, index_version: str
) -> dict[object, tuple[str, str]]:
    if not index_version or not isinstance(spec.values, Registry):
        return spec.values.from_index(keys)
    known = registry_labels(
        spec, [k for k in keys if k not in unindexed], index_version
    )
    missing = [key for key in keys if key in unindexed]
    return {**known, **(spec.values.from_index(missing) if missing else {})}


def registry_labels(
    spec: FacetSpec, keys: list, index_version: str
) -> dict[object, tuple[str, str]]:
    """Return ``{id: (slug, name)}`` of registry values the index holds (kept per version)."""
    if not index_version:
        return spec.values.from_index(keys)
    with _kept_lock:
        if _kept_version[0] != index_version:
            _kept_labels.clear()
            _kept_version[0] = index_version
        known = {
            key: _kept_labels[(spec.name, key)]
            for key in keys
            if (spec.name, key) in _kept_labels
        }
    missing = [key for key in keys if key not in known]
    read = spec.values.from_index(missing) if missing else {}
    with _kept_lock:
        if _kept_version[0] == index_version:
            if len(_kept_labels) > _LABELS_KEPT:
                _kept_labels.clear()
            _kept_labels.update(((spec.name, k), label) for k, label in read.items())
    return {**known, **read}
