"""Facet counts and year histograms from the database, in the search contract's shapes.

The browse page and the registry pages count here what the search page counts
in the index, under the same rule: a facet's counts apply every filter except
that facet's own, so the alternatives to a choice stay visible.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from archive.filters import ArticleFilter
from archive.listing.facets import facet_names, facet_spec
from archive.listing.types import (
    FACET_LIMIT,
    PAGE_SIZE,
    Facet,
    FacetValue,
    YearCount,
)
from archive.models import Article
from archive.paging import Cursor, keyset_page, read_cursor


def value_counts(
    queryset: QuerySet, name: str, limit: int | None
) -> list[tuple[str, str, int]]:
    """Return ``(value, label, count)`` for facet ``name`` over ``queryset``, most common first.

    Years come newest first instead. With ``limit``, at most ``limit + 1`` rows
    are read so the caller can tell whether more exist.
    """
    rows = facet_spec(name).values.count(queryset.order_by(), limit)
    return [(str(value), str(label), n) for value, label, n in rows]


def facet_counts(filterset: ArticleFilter) -> tuple[Facet, ...]:
    """Count every facet's values over the filtered articles, each ignoring its own filter.

    A facet lists its top ``FACET_LIMIT`` values (all of them when named in
    ``more``), plus any chosen or excluded value that fell outside the list.
    """
    params = filterset.params()
    facets = []
    for name in facet_names():
        limit = None if name in params.expanded_facets else FACET_LIMIT
        rows = value_counts(filterset.queryset_without(name), name, limit)
        truncated = limit is not None and len(rows) > limit
        rows = rows[:limit] if limit is not None else rows
        chosen = set(params.values(name)) | set(params.excluded_values(name))
        listed = {value for value, _, _ in rows}
        # A chosen value whose count is 0 (or outside the top list) must still
        # be shown, or the reader could not unchoose it from the facet.
        rows += [
            (value, filterset.labels.get((name, value), value), 0)
            for value in sorted(chosen - listed)
        ]
        facets.append(
            Facet(
                name=name,
                label=str(facet_spec(name).label),
                values=tuple(
                    FacetValue(
                        value=value,
                        label=label,
                        count=count,
                        selected=value in params.values(name),
                        excluded=value in params.excluded_values(name),
                    )
                    for value, label, count in rows
                ),
                truncated=truncated,
            )
        )
    return tuple(facets)


def year_histogram(queryset: QuerySet) -> tuple[YearCount, ...]:
    """Articles per year over ``queryset``, oldest first, with empty years between filled in."""
    counts = {int(year): n for year, _, n in value_counts(queryset, "year", limit=None)}
    if not counts:
        return ()
    return tuple(
        YearCount(year, counts.get(year, 0))
        for year in range(min(counts), max(counts) + 1)
    )


def top_values(
    queryset: QuerySet, facets: Iterable[str], limit: int = 8
) -> tuple[Facet, ...]:
    """The most common values of ``facets`` over ``queryset`` (nothing chosen): an overview."""
    result = []
    for name in facets:
        rows = value_counts(queryset, name, limit)
        result.append(
            Facet(
                name=name,
                label=str(facet_spec(name).label),
                values=tuple(FacetValue(v, label, n) for v, label, n in rows[:limit]),
                truncated=len(rows) > limit,
            )
        )
    return tuple(result)


@dataclass(frozen=True)
class BrowsePage:
    """One page of the browse listing with everything the page shows about the set."""

    articles: tuple[Article, ...]
    total: int
    page: int
    pages: int
    facets: tuple[Facet, ...]
    histogram: tuple[YearCount, ...]
    notices: tuple[str, ...]
    # Page number -> the cursor that opens it by a seek (the pages linked from this one).
    cursors: dict[int, Cursor] = field(default_factory=dict)


def browse_page(filterset: ArticleFilter) -> BrowsePage:
    """Run the filters: the asked-for page (the last one if it was past it), facets, years."""
    notices = list(filterset.notices)
    total = filterset.qs.count()
    pages = -(-total // PAGE_SIZE)
    number = filterset.page
    cursor = read_cursor(filterset.data)
    if number > pages:
        if total:
            notices.append(
                _("There is no page %(page)s; showing the last page, %(last)d.")
                % {"page": number, "last": pages}
            )
        number, cursor = max(pages, 1), None
    page = keyset_page(
        filterset.qs,
        filterset.ordering,
        number=number,
        total=total,
        cursor=cursor,
    )
    return BrowsePage(
        articles=page.articles,
        total=total,
        page=number,
        pages=pages,
        facets=facet_counts(filterset),
        histogram=year_histogram(filterset.qs),
        notices=tuple(notices),
        cursors=page.cursors,
    )
