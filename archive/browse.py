"""Facet counts and year histograms from the database, in the search contract's shapes.

The browse page and the registry pages count here what the search page counts
in the index, under the same rule: a facet's counts apply every filter except
that facet's own, so the alternatives to a choice stay visible.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from archive import tally
from archive.filters import ArticleFilter
from archive.listing.facets import facet_names, facet_spec
from archive.listing.searching import counted_listing
from archive.listing.types import (
    FACET_LIMIT,
    PAGE_SIZE,
    CountedListing,
    Facet,
    FacetValue,
    YearCount,
)
from archive.models import Article
from archive.paging import Cursor, keyset_page, listed_page, read_cursor


def value_counts(
    queryset: QuerySet, name: str, limit: int | None
) -> list[tuple[str, str, int]]:
    """Return ``(value, label, count)`` for facet ``name`` over ``queryset``, most common first.

    Years come newest first instead. With ``limit``, at most ``limit + 1`` rows
    are read so the caller can tell whether more exist.
    """
    rows = facet_spec(name).values.count(queryset.order_by(), limit)
    return [(str(value), str(label), n) for value, label, n in rows]


def tallied_counts(
    name: str, limit: int | None, *, within: tuple[str, int] | None = None
) -> list[tuple[str, str, int]]:
    """``value_counts`` over every published article (or those of one registry
    entry, ``within=(facet, id)``), read from the kept counts, not the articles."""
    if name == "year":
        key = f"{within[0]}:{within[1]}" if within else ""
        rows = [(str(y), str(y), n) for y, n in sorted(tally.years(key).items())]
        rows.reverse()
    else:
        values = facet_spec(name).values
        found = (
            tally.paired_totals(within[0], within[1], name)
            if within
            else tally.value_totals(name)
        )
        counts = {
            (int(k) if values.stored == "int" else k): n for k, n in found.items()
        }
        labels = values.from_index(counts)
        rows = [(*labels[k], n) for k, n in counts.items() if k in labels]
        # As the database orders them: most common first, then by name (codes by code).
        by_name = values.stored == "int"
        rows.sort(key=lambda row: (-row[2], row[1] if by_name else row[0]))
    return rows if limit is None else rows[: limit + 1]


def _unfiltered(filterset: ArticleFilter) -> bool:
    params = filterset.params()
    return not (
        params.selected or params.excluded or params.date_from or params.date_to
    )


def facet_counts(filterset: ArticleFilter) -> tuple[Facet, ...]:
    """Count every facet's values over the filtered articles, each ignoring its own filter.

    A facet lists its top ``FACET_LIMIT`` values (all of them when named in
    ``more``), plus any chosen or excluded value that fell outside the list.
    """
    params = filterset.params()
    everything = _unfiltered(filterset)
    facets = []
    for name in facet_names():
        limit = None if name in params.expanded_facets else FACET_LIMIT
        if everything:
            rows = tallied_counts(name, limit)
        else:
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


def year_histogram(
    queryset: QuerySet | None, *, within: tuple[str, int] | None = None
) -> tuple[YearCount, ...]:
    """Articles per year over ``queryset``, oldest first, with empty years between filled in.

    Without a queryset: every published article (or one registry entry's,
    ``within=(facet, id)``), from the kept counts.
    """
    rows = (
        value_counts(queryset, "year", limit=None)
        if queryset is not None
        else tallied_counts("year", None, within=within)
    )
    return _filled(YearCount(int(year), n) for year, _, n in rows)


def _filled(years: Iterable[YearCount]) -> tuple[YearCount, ...]:
    """The years oldest first, with the empty years between them filled in."""
    counts = {row.year: row.count for row in years}
    if not counts:
        return ()
    return tuple(
        YearCount(year, counts.get(year, 0))
        for year in range(min(counts), max(counts) + 1)
    )


def top_values(
    facets: Iterable[str], limit: int = 8, *, within: tuple[str, int] | None = None
) -> tuple[Facet, ...]:
    """The most common values of ``facets`` over every published article (or those
    of one registry entry, ``within=(facet, id)``), nothing chosen: an overview."""
    result = []
    for name in facets:
        rows = tallied_counts(name, limit, within=within)
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


def listing_extent(filterset: ArticleFilter) -> tuple[int, QuerySet]:
    """How many articles the filters list (the kept counts, the index's, or a
    count), and the articles to seek in for their order."""
    if _unfiltered(filterset):
        return tally.total(), filterset.qs
    counted = counted_listing(filterset.params())
    if counted is None:
        return filterset.qs.count(), filterset.qs
    return counted.total, _seekable(filterset, counted)


def _seekable(filterset: ArticleFilter, counted: CountedListing | None) -> QuerySet:
    """The filtered articles, as the few ids the index found when it found few.

    The database then looks up those rows and sorts them, instead of
    walking its title index for the rare rows that pass the filters. No
    status condition: it would steer the database back onto that walk, and
    the index lists published articles only (an article unpublished since
    is dropped when the page is loaded).
    """
    if counted is not None and counted.members is not None:
        return Article.objects.filter(pk__in=counted.members)
    return filterset.qs


def browse_page(filterset: ArticleFilter) -> BrowsePage:
    """Run the filters: the asked-for page (the last one if it was past it), facets, years.

    Unfiltered, the counts are the kept ones; filtered, the search index
    counts them (and lists the page, newest or oldest first), and only
    without an index does the database count the matching articles.
    """
    notices = list(filterset.notices)
    everything = _unfiltered(filterset)
    number = filterset.page
    counted = None if everything else counted_listing(filterset.params(page=number))
    if everything:
        total = tally.total()
    else:
        total = counted.total if counted else filterset.qs.count()
    pages = -(-total // PAGE_SIZE)
    cursor = read_cursor(filterset.data)
    if number > pages:
        if total:
            notices.append(
                _("There is no page %(page)s; showing the last page, %(last)d.")
                % {"page": number, "last": pages}
            )
        number, cursor = max(pages, 1), None
        if counted and counted.ids is not None:
            counted = counted_listing(filterset.params(page=number)) or counted
    if counted and counted.ids is not None:
        page = listed_page(counted.ids, number=number, total=total)
    else:
        page = keyset_page(
            _seekable(filterset, counted),
            filterset.ordering,
            number=number,
            total=total,
            cursor=cursor,
        )
    if counted:
        facets, histogram = counted.facets, _filled(counted.histogram)
    else:
        facets = facet_counts(filterset)
        histogram = year_histogram(None if everything else filterset.qs)
    return BrowsePage(
        articles=page.articles,
        total=total,
        page=number,
        pages=pages,
        facets=facets,
        histogram=histogram,
        notices=tuple(notices),
        cursors=page.cursors,
    )
