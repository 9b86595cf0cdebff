"""Facet counts and year histograms from the database, in the search contract's shapes.

The browse page and the registry pages count here what the search page counts
in the index, under the same rule: a facet's counts apply every filter except
that facet's own, so the alternatives to a choice stay visible.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear

from archive.filters import FACET_LIMIT, PAGE_SIZE, ArticleFilter
from archive.models import Article
from archive.params import CHOICE_LABELS
from archive.querystring import FACET_LABELS
from search.types import FACET_NAMES, Facet, FacetValue, YearCount


def value_counts(
    queryset: QuerySet, facet: str, limit: int | None
) -> list[tuple[str, str, int]]:
    """Return ``(value, label, count)`` for ``facet`` over ``queryset``, most common first.

    Years come newest first instead. With ``limit``, at most ``limit + 1`` rows
    are read so the caller can tell whether more exist.
    """
    articles = queryset.order_by()
    if facet in ("tag", "author"):
        through = Article.tags.through if facet == "tag" else Article.authors.through
        rows = (
            through.objects.filter(article_id__in=articles.values("pk"))
            .values_list(f"{facet}__slug", f"{facet}__name")
            .annotate(n=Count("article_id"))
            .order_by("-n", f"{facet}__name")
        )
    elif facet == "source":
        rows = (
            articles.values_list("source__slug", "source__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "source__name")
        )
    elif facet == "year":
        rows = (
            articles.annotate(y=ExtractYear("published"))
            .values_list("y", "y")
            .annotate(n=Count("pk"))
            .order_by("-y")
        )
    else:
        field = "language" if facet == "lang" else facet
        rows = (
            articles.values_list(field, field)
            .annotate(n=Count("pk"))
            .order_by("-n", field)
        )
    if limit is not None:
        rows = rows[: limit + 1]
    labels = CHOICE_LABELS.get(facet, {})
    return [
        (str(value), labels.get(str(value), str(label)), n) for value, label, n in rows
    ]


def facet_counts(filterset: ArticleFilter) -> tuple[Facet, ...]:
    """Count every facet's values over the filtered articles, each ignoring its own filter.

    A facet lists its top ``FACET_LIMIT`` values (all of them when named in
    ``more``), plus any chosen or excluded value that fell outside the list.
    """
    params = filterset.params()
    facets = []
    for name in FACET_NAMES:
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
                label=FACET_LABELS[name],
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
                label=FACET_LABELS[name],
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


def browse_page(filterset: ArticleFilter) -> BrowsePage:
    """Run the filters: the asked-for page (the last one if it was past it), facets, years."""
    notices = list(filterset.notices)
    paginator = Paginator(filterset.qs.with_relations(), PAGE_SIZE)
    number = filterset.page
    if number > paginator.num_pages:
        if paginator.count:
            notices.append(
                f"There is no page {number}; showing the last page, {paginator.num_pages}."
            )
        number = paginator.num_pages
    page = paginator.page(number)
    return BrowsePage(
        articles=tuple(page.object_list),
        total=paginator.count,
        page=number,
        pages=paginator.num_pages if paginator.count else 0,
        facets=facet_counts(filterset),
        histogram=year_histogram(filterset.qs),
        notices=tuple(notices),
    )
