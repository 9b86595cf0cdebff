"""The one read entry point of search: SearchParams in, SearchPage out.

The Django side of a search: it resolves the facet values of the URL to the
values the index stores, asks the backend (``search/engine/``) for the
matches within ``SEARCH_TIME_BUDGET``, then labels the facet counts and
loads the page's articles from the database in one query.
"""

import dataclasses
import datetime
import logging
import math
import threading
import time

from django.db import connections, router
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from archive.listing.types import CountedListing
from archive.models import Article
from search import conf
from search.backend import get_backend
from search.engine.api import IndexUnavailable, Matches, SearchRequest
from search.engine.variants import EMPTY
from search.facets import Resolved, describe_facets, resolve_selection
from search.logstate import LogState, read_state
from search.models import IndexLog
from search.notices import translate_notice
from search.rows import load_rows
from search.snippets import article_snippet
from search.types import Hit, SearchPage, SearchParams, YearCount
from search.variants import current_table

logger = logging.getLogger(__name__)

NOTICE_NO_INDEX = _(
    "Search is not available right now: the search index has not been built yet."
)
NOTICE_OUTDATED = _(
    "Search is not available right now: the search index is being rebuilt for "
    "a new version of the archive."
)
NOTICE_FAILED = _(
    "Something went wrong while searching; please try again or simplify the search."
)
NOTICE_PARTIAL = _(
    "This search took too long and was stopped early: the results and counts "
    "below are incomplete. Add words or filters to narrow it."
)
NOTICE_ESTIMATED = _(
    "This search took too long and was stopped early: the results below are "
    "the best found in part of the archive, and the number of articles and the "
    "counts beside the filters are estimates. Add words or filters to narrow it."
)
_MAX_PAGE_SIZE = 100


def has_filters(params: SearchParams) -> bool:
    """Return True when ``params`` narrow by facets or dates."""
    return bool(
        params.selected or params.excluded or params.date_from or params.date_to
    )


def search(params: SearchParams, *, rows: bool = False) -> SearchPage:
    """Return one page of results; never raises for any query or filter.

    With ``rows`` each hit's ``article`` is a ``search.rows.HitRow`` (what the
    results page and its JSON answer show, read without model instances)
    instead of an Article.
    """
    started = time.perf_counter()
    if not params.q.strip() and not has_filters(params):
        return SearchPage(params=params, page=params.page)
    try:
        page = _search(params, started, rows)
    except IndexUnavailable as error:
        notice = NOTICE_OUTDATED if error.outdated else NOTICE_NO_INDEX
        page = SearchPage(params=params, page=params.page, notices=(str(notice),))
    except Exception:
        logger.exception("Search failed for %r", params)
        page = SearchPage(
            params=params, page=params.page, notices=(str(NOTICE_FAILED),)
        )
    return page


def _request(params: SearchParams, resolved: Resolved, **slice_) -> SearchRequest:
    return SearchRequest(
        hidden=_unpublished_pending(),
        q=params.q,
        variants=current_table() if params.expand_variants else EMPTY,
        selection=resolved.selection,
        day_from=params.date_from.toordinal() if params.date_from else None,
        day_to=params.date_to.toordinal() if params.date_to else None,
        sort=params.sort,
        **slice_,
    )


def _unpublished_pending() -> frozenset[int]:
    """Return the articles the index still shows but the database no longer does.

    Changes wait in the index log until this server applies them (seconds,
    or longer after a crash): meanwhile a draft or deleted article must not
    be counted, let alone found.
    """
    path = get_backend().current()
    state = read_state(path) if path is not None else None
    if state is None:
        return frozenset()
    pending = _pending_articles(state)
    if not pending:
        return frozenset()
    shown = (
        Article.objects.published().filter(pk__in=pending).values_list("pk", flat=True)
    )
    return frozenset(pending.difference(shown))


def _pending_articles(state: LogState) -> set[int]:
    """Return the articles of the log rows ``state`` has not applied.

    Written out rather than built by the ORM: every search asks, and the
    query is always the same shape (the ranges of ``LogState.pending_ranges``).
    """
    connection = connections[router.db_for_read(IndexLog)]
    name = connection.ops.quote_name
    meta = IndexLog._meta
    seq = name(meta.get_field("seq").column)
    conditions, params = [], []
    for first, last in state.pending_ranges():
        if last is None:
            conditions.append(f"{seq} >= %s")
            params.append(first)
        else:
            conditions.append(f"{seq} BETWEEN %s AND %s")
            params += [first, last]
    # Names from the model's own metadata; every value is a parameter.
    sql = (
        f"SELECT {name(meta.get_field('article_id').column)} "  # noqa: S608
        f"FROM {name(meta.db_table)} WHERE {' OR '.join(conditions)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk for (pk,) in cursor.fetchall()}


def _search(params: SearchParams, started: float, rows: bool) -> SearchPage:
    resolved = resolve_selection(params)
    size = max(1, min(params.page_size, _MAX_PAGE_SIZE))
    page_number = max(1, min(params.page, conf.get("SEARCH_MAX_PAGE")))
    matches = get_backend().search(
        _request(
            params,
            resolved,
            offset=(page_number - 1) * size,
            limit=size,
            budget=conf.get("SEARCH_TIME_BUDGET"),
        )
    )
    notices = [*map(translate_notice, matches.query_notices), *resolved.notices()]
    if not matches.searched:
        return SearchPage(params=params, page=params.page, notices=tuple(notices))
    notices += map(translate_notice, matches.index_notices)
    if matches.estimated:
        notices.append(str(NOTICE_ESTIMATED))
    elif matches.partial:
        notices.append(str(NOTICE_PARTIAL))
    total = matches.total
    return SearchPage(
        params=params,
        hits=_hits(matches, first_rank=(page_number - 1) * size + 1, rows=rows),
        total=total,
        page=page_number,
        pages=min(math.ceil(total / size), conf.get("SEARCH_MAX_PAGE")),
        facets=describe_facets(
            matches.counts, resolved.selection, params, matches.index_version
        ),
        histogram=tuple(YearCount(year, n) for year, n in matches.histogram),
        suggestion=matches.suggestion,
        also_matched=matches.also_matched,
        notices=tuple(dict.fromkeys(notices)),
        partial=matches.partial,
        estimated=matches.estimated,
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )


def _hits(matches: Matches, first_rank: int, rows: bool) -> tuple[Hit, ...]:
    pks = matches.ranked
    if not pks:
        return ()
    articles = load_rows(matches) if rows else _articles(pks)
    terms, phrases = matches.highlight_terms, matches.highlight_phrases
    hits = []
    for pk, score in pks:
        article = articles.get(pk)
        if article is None:  # unpublished a moment ago; the index follows
            continue
        hits.append(
            Hit(
                article=article,
                rank=first_rank + len(hits),
                score=score,
                snippet=article_snippet(article, terms, phrases),
            )
        )
    return tuple(hits)


def _articles(pks) -> dict:
    return (
        Article.objects.published()
        .select_related("source")
        .prefetch_related("authors", "tags")
        # Result lists show the snippet, made from body_text; the HTML body
        # is only read on the article's own page.
        .defer("body")
        # No ORDER BY: the rank order is ours, and sorting by date would make
        # the database walk its date index instead of fetching 20 rows.
        .order_by()
        .in_bulk([pk for pk, _ in pks])
    )


# Related articles of recently shown pages: "related reading" may lag the
# index by a little, so an article page does not pay for it every time.
_related: dict = {}
_related_lock = threading.Lock()
_RELATED_KEPT = 2000


def search_ids(params: SearchParams, *, limit: int | None = None) -> list[int]:
    """Return the ids of the articles ``search(params)`` matches, in its order.

    All of them (or the first ``limit``), for exports and feeds of a whole
    result set; it runs within ``SEARCH_EXPORT_TIME_BUDGET`` and returns what
    it found by then. ``params.page`` is ignored.
    """
    if not params.q.strip() and not has_filters(params):
        return []
    request = _request(
        params,
        resolve_selection(params),
        limit=limit,
        budget=conf.get("SEARCH_EXPORT_TIME_BUDGET"),
        suggest=False,
    )
    try:
        matches = get_backend().search(request)
    except IndexUnavailable:
        return []
    return [pk for pk, _ in matches.ranked]


def count_periods(params: SearchParams, interval: str) -> tuple[dict[str, int], bool]:
    """Return how many articles ``search(params)`` matches per year or month.

    Periods are named "2012" or "2012-05" (those without a match left out);
    the second value says the time budget (``SEARCH_EXPORT_TIME_BUDGET``, as
    for ``search_ids``) ran out and only what was found by then is counted.
    The index counts by its own dates: no article is read from the database.
    """
    if not params.q.strip() and not has_filters(params):
        return {}, False
    request = _request(
        params,
        resolve_selection(params),
        limit=0,
        budget=conf.get("SEARCH_EXPORT_TIME_BUDGET"),
        suggest=False,
    )
    try:
        found = get_backend().count_periods(request, interval)
    except IndexUnavailable:
        return {}, False
    return dict(found.counts), found.partial


def published_per_period(
    date_from: datetime.date | None, date_to: datetime.date | None, interval: str
) -> dict[str, int]:
    """Return how many published articles each year or month holds, as the index has them.

    Between ``date_from`` and ``date_to`` (inclusive; None: open), whatever
    their words, source or tags: the archive a period's matches are a share of.
    """
    request = SearchRequest(
        hidden=_unpublished_pending(),
        day_from=date_from.toordinal() if date_from else None,
        day_to=date_to.toordinal() if date_to else None,
        limit=0,
        budget=conf.get("SEARCH_EXPORT_TIME_BUDGET"),
        suggest=False,
    )
    try:
        return dict(get_backend().count_periods(request, interval).counts)
    except IndexUnavailable:
        return {}


# Orders in which the index can list a filter's matches page by page.
_INDEX_ORDERS = ("newest", "oldest")
# In another order (by title), a listing with at most this many articles is
# handed over whole, for the database to sort just those.
FEW_MEMBERS = 2000


def count_listing(params: SearchParams) -> CountedListing | None:
    """Return the total, facet counts and years of a listing narrowed by filters alone.

    Newest or oldest first, also the ids of page ``params.page`` (no page
    limit); in another order, every id when there are at most
    ``FEW_MEMBERS``. None when the index cannot answer in full: no index
    yet, a query in ``params``, no filter, or the time budget ran out.
    """
    if params.q.strip() or not has_filters(params):
        return None
    # Without words to search there are no spellings to vary.
    params = dataclasses.replace(params, expand_variants=False)
    resolved = resolve_selection(params)
    ordered = params.sort in _INDEX_ORDERS
    size = max(1, min(params.page_size, _MAX_PAGE_SIZE))
    request = _request(
        params,
        resolved,
        offset=(max(params.page, 1) - 1) * size if ordered else 0,
        limit=size if ordered else 0,
        budget=conf.get("SEARCH_TIME_BUDGET"),
        suggest=False,
    )
    members = None
    try:
        matches = get_backend().search(request)
        if not ordered and matches.total <= FEW_MEMBERS and not matches.partial:
            every = get_backend().search(dataclasses.replace(request, limit=None))
            members = tuple(pk for pk, _ in every.ranked)
    except IndexUnavailable:
        return None
    except Exception:
        logger.exception("Counting a listing failed for %r", params)
        return None
    if not matches.searched or matches.partial:
        return None
    return CountedListing(
        total=matches.total,
        facets=describe_facets(
            matches.counts, resolved.selection, params, matches.index_version
        ),
        histogram=tuple(YearCount(year, n) for year, n in matches.histogram),
        ids=tuple(pk for pk, _ in matches.ranked) if ordered else None,
        members=members,
    )


def more_like_this(article: Article, n: int = 5) -> tuple[Article, ...]:
    """Return up to ``n`` published articles most like ``article`` (never itself)."""
    text = "\n".join((article.title, article.summary, article.body_text))
    if n < 1 or not text.strip():
        return ()
    key = (article.pk, article.updated, n)
    pks = _related.get(key)
    if pks is None:
        try:
            pks = get_backend().more_like_this(text, exclude=article.pk, limit=n)
        except IndexUnavailable:
            return ()
        with _related_lock:
            _related[key] = pks
            if len(_related) > _RELATED_KEPT:
                del _related[next(iter(_related))]  # the oldest
    found = (
        Article.objects.published()
        .exclude(pk=article.pk)
        .with_relations()
        .order_by()
        .in_bulk(pks)
    )
    return tuple(found[pk] for pk in pks if pk in found)[:n]


class SearchListings:
    """What archive pages ask of search (``archive.listing.searching``)."""

    def related(self, article: Article, n: int) -> tuple[Article, ...]:
        return more_like_this(article, n)

    def listing(self, query: QueryDict) -> tuple[QueryDict, list[int]]:
        from search.forms import SearchForm

        form = SearchForm(query)
        return form.querydict(), search_ids(form.params)

    def counted(self, params: SearchParams) -> CountedListing | None:
        return count_listing(params)
