"""The one read entry point of search: SearchParams in, SearchPage out.

A search parses the query (with spelling variants), finds every matching
document as a set of document numbers, applies the date range and facet
filters to that set, counts the facets, then ranks only what the page shows
and loads those articles from the database in one query. Every step runs
within ``SEARCH_TIME_BUDGET``; past it, the page holds what was found and
says so. Nothing of Whoosh's leaves this module.
"""

import logging
import math
import threading
import time
from collections import Counter
from dataclasses import dataclass

from archive.models import Article
from search import bitmaps, conf
from search.docsets import Deadline, best, matching_docs, rank, related_ids
from search.facets import (
    Selection,
    count_facets,
    count_values,
    describe_facets,
    resolve_selection,
)
from search.highlight import article_snippet
from search.query import CompiledQuery, ParsedQuery, compile_query, parse_query
from search.snapshot import IndexUnavailable, use_snapshot
from search.spelling import suggest_query
from search.types import Hit, SearchPage, SearchParams, YearCount
from search.variants import EMPTY, current_table

logger = logging.getLogger(__name__)

NOTICE_NO_INDEX = (
    "Search is not available right now: the search index has not been built yet."
)
NOTICE_OUTDATED = (
    "Search is not available right now: the search index is being rebuilt for "
    "a new version of the archive."
)
NOTICE_FAILED = (
    "Something went wrong while searching; please try again or simplify the search."
)
NOTICE_PARTIAL = (
    "This search took too long and was stopped early: the results and counts "
    "below are incomplete. Add words or filters to narrow it."
)
_MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class _Evaluation:
    """What a query and its filters match on one snapshot (cached per snapshot)."""

    docs: int  # bitmap of the documents passing every filter
    total: int
    counts: dict[str, Counter]
    histogram: tuple[YearCount, ...]
    partial: bool


@dataclass(frozen=True)
class _Request:
    params: SearchParams
    parsed: ParsedQuery | None
    selection: Selection

    @property
    def key(self):
        p = self.params
        return (self.selection, p.date_from, p.date_to)


def has_filters(params: SearchParams) -> bool:
    """Return True when ``params`` narrow by facets or dates."""
    return bool(
        params.selected or params.excluded or params.date_from or params.date_to
    )


def search(params: SearchParams) -> SearchPage:
    """Return one page of results; never raises for any query or filter."""
    started = time.perf_counter()
    if not params.q.strip() and not has_filters(params):
        return SearchPage(params=params, page=params.page)
    try:
        page = _search(_prepare(params), started)
    except IndexUnavailable as error:
        notice = NOTICE_OUTDATED if error.outdated else NOTICE_NO_INDEX
        page = SearchPage(params=params, page=params.page, notices=(notice,))
    except Exception:
        logger.exception("Search failed for %r", params)
        page = SearchPage(params=params, page=params.page, notices=(NOTICE_FAILED,))
    return page


def _prepare(params: SearchParams) -> _Request:
    parsed = None
    if params.q.strip():
        table = current_table() if params.expand_variants else EMPTY
        parsed = parse_query(params.q, variants=table)
    return _Request(params=params, parsed=parsed, selection=resolve_selection(params))


def _search(request: _Request, started: float) -> SearchPage:
    params, parsed = request.params, request.parsed
    notices = list(parsed.notices if parsed else ()) + list(request.selection.notices())
    if parsed is not None and parsed.is_empty:
        return SearchPage(params=params, page=params.page, notices=tuple(notices))
    size = max(1, min(params.page_size, _MAX_PAGE_SIZE))
    page_number = max(1, min(params.page, conf.get("SEARCH_MAX_PAGE")))
    deadline = Deadline(conf.get("SEARCH_TIME_BUDGET"))
    suggestion = None
    with use_snapshot() as snapshot:
        compiled = compile_query(parsed, snapshot.searcher.reader()) if parsed else None
        notices += compiled.notices if compiled else ()
        evaluation = _evaluate(snapshot, request, compiled, deadline)
        ranked = _rank(
            snapshot, request, compiled, evaluation, page_number * size, deadline
        )
        ranked = ranked[(page_number - 1) * size :]
        pks = [(snapshot.table.pk[docnum], score) for score, docnum in ranked]
        if not evaluation.total and parsed and parsed.typed_terms and not deadline.hit:
            suggestion = suggest_query(
                snapshot.searcher, parsed.text, parsed.typed_terms
            )
    partial = evaluation.partial or deadline.hit
    if partial:
        notices.append(NOTICE_PARTIAL)
    total = evaluation.total
    return SearchPage(
        params=params,
        hits=_hits(pks, compiled, first_rank=(page_number - 1) * size + 1),
        total=total,
        page=page_number,
        pages=min(math.ceil(total / size), conf.get("SEARCH_MAX_PAGE")),
        facets=describe_facets(evaluation.counts, request.selection, params),
        histogram=evaluation.histogram,
        suggestion=suggestion,
        also_matched=parsed.also_matched if parsed else (),
        notices=tuple(dict.fromkeys(notices)),
        partial=partial,
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )


def _evaluate(snapshot, request: _Request, compiled, deadline: Deadline) -> _Evaluation:
    key = (compiled.match if compiled else None, request.key)
    cached = snapshot.recall(key)
    if cached is not None:
        return cached
    table = snapshot.table
    if compiled is None:
        docs = table.live
    else:
        docs = matching_docs(snapshot, compiled.match, deadline)
    params = request.params
    if params.date_from or params.date_to:
        docs &= table.date_bitmap(
            params.date_from.toordinal() if params.date_from else None,
            params.date_to.toordinal() if params.date_to else None,
        )
    final, counts = count_facets(table, docs, request.selection)
    years = (
        counts["year"]
        if not request.selection.active
        else count_values(table, final, "year")
    )
    evaluation = _Evaluation(
        docs=final,
        total=final.bit_count(),
        counts=counts,
        histogram=tuple(YearCount(year, n) for year, n in sorted(years.items())),
        partial=deadline.hit,
    )
    if not evaluation.partial:
        snapshot.remember(key, evaluation)
    return evaluation


def _rank(
    snapshot,
    request: _Request,
    compiled: CompiledQuery | None,
    evaluation: _Evaluation,
    limit: int | None,
    deadline: Deadline,
) -> list[tuple[float, int]]:
    """Return (score, docnum) for the best ``limit`` documents (None: all)."""
    sort = request.params.sort
    if compiled is None or not compiled.ranking_terms:
        sort = "oldest" if sort == "oldest" else "newest"
    key = (compiled.match if compiled else None, request.key, sort)
    cached = snapshot.recall(key)
    if cached is not None and (
        len(cached) >= (limit or 0) or len(cached) == evaluation.total
    ):
        return cached[:limit]
    if sort == "relevance":
        ranked = rank(
            snapshot, list(compiled.ranking_terms), evaluation.docs, limit, deadline
        )
    else:
        docnums = bitmaps.to_docnums(evaluation.docs)
        age = snapshot.table.newest_rank[docnums]  # 0 for the newest
        ordered = best(age if sort == "oldest" else -age, docnums, limit)
        ranked = [(0.0, docnum) for _, docnum in ordered]
    if not (evaluation.partial or deadline.hit):
        snapshot.remember(key, ranked)
    return ranked


def _hits(
    pks: list[tuple[int, float]], compiled: CompiledQuery | None, first_rank: int
) -> tuple[Hit, ...]:
    if not pks:
        return ()
    articles = (
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
    terms = compiled.highlight_terms if compiled else frozenset()
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
                snippet=article_snippet(article, terms),
            )
        )
    return tuple(hits)


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
    try:
        request = _prepare(params)
        if request.parsed is not None and request.parsed.is_empty:
            return []
        deadline = Deadline(conf.get("SEARCH_EXPORT_TIME_BUDGET"))
        with use_snapshot() as snapshot:
            parsed = request.parsed
            compiled = (
                compile_query(parsed, snapshot.searcher.reader()) if parsed else None
            )
            evaluation = _evaluate(snapshot, request, compiled, deadline)
            ranked = _rank(snapshot, request, compiled, evaluation, limit, deadline)
            return [snapshot.table.pk[docnum] for _, docnum in ranked]
    except IndexUnavailable:
        return []


def more_like_this(article: Article, n: int = 5) -> tuple[Article, ...]:
    """Return up to ``n`` published articles most like ``article`` (never itself)."""
    text = "\n".join((article.title, article.summary, article.body_text))
    if n < 1 or not text.strip():
        return ()
    key = (article.pk, article.updated, n)
    pks = _related.get(key)
    if pks is None:
        try:
            with use_snapshot() as snapshot:
                pks = related_ids(snapshot, text, exclude=article.pk, limit=n)
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
