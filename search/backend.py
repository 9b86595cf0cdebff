"""The search backend this process uses, configured from the settings.

Everything on the Django side that reads or writes the index goes through
the object ``get_backend()`` returns (see ``search/engine/api.py``). The
index's facet layout comes from the listing's facet declarations.
"""

from django.db.models import Max, Min

from archive.listing.facets import facets
from archive.listing.types import MAX_QUERY_LENGTH
from archive.models import Article
from search import conf
from search.engine.documents import FacetField, Layout
from search.engine.query import QueryLimits
from search.engine.whoosh_backend import WhooshBackend


def get_backend() -> WhooshBackend:
    """Return the backend for the current settings (cheap: no index is opened).

    A search asks for it several times; one is kept per combination of the
    settings it is made of, so a changed setting (tests) makes another.
    """
    key = (
        str(conf.index_dir()),
        index_layout(),
        conf.get("SEARCH_PREFIX_MIN_LENGTH"),
        conf.get("SEARCH_PREFIX_MAX_TERMS"),
        conf.get("SEARCH_CACHE_SIZE"),
    )
    backend = _backends.get(key)
    if backend is None:
        index_dir, layout, min_length, max_terms, cache_size = key
        backend = WhooshBackend(
            index_dir,
            layout,
            limits=QueryLimits(
                max_length=MAX_QUERY_LENGTH,
                prefix_min_length=min_length,
                prefix_max_terms=max_terms,
            ),
            cache_size=cache_size,
            text_of=article_text,
        )
        if len(_backends) > 100:
            _backends.clear()
        _backends[key] = backend
    return backend


_backends: dict = {}


def index_layout() -> Layout:
    """Return what the index stores per document: one field per declared facet."""
    declared = facets()
    if _layout[0] is not declared:
        _layout[:] = [declared, _declared_layout(declared)]
    return _layout[1]


# The facet declarations a layout was last made of, and that layout.
_layout: list = [None, None]


def _declared_layout(declared) -> Layout:
    return Layout(
        fields=tuple(
            FacetField(spec.name, spec.values.stored, spec.multi) for spec in declared
        ),
        histogram=next(
            (spec.name for spec in declared if spec.values.chronological), None
        ),
    )


def article_text(pk: int) -> str | None:
    """Return the searchable text of article ``pk`` (for "did you mean"), or None."""
    article = (
        Article.objects.filter(pk=pk)
        .select_related("source")
        .prefetch_related("authors")
        .first()
    )
    if article is None:
        return None
    return " ".join(
        [
            article.title,
            article.summary,
            article.source.name,
            *(a.name for a in article.authors.all()),
            article.body_text,
        ]
    )


# The most frequent words whose postings a serving process reads before its
# first request (the broad searches an analyst starts with).
WARM_TERMS = 20
# Articles, spread over the archive, whose words a serving process analyses
# before its first request: a first search's snippets then find most words'
# terms already known instead of stemming them one by one (at 100,000
# articles the first sight of the analyst queries met 25,800 unknown words
# without, 3,441 with; about 0.4 s of CPU at the start).
WARM_ARTICLES = 1000
_WARM_CHUNK = 250


def _sample_texts(count: int):
    """The title, summary and body of about ``count`` published articles spread by id."""
    bounds = Article.objects.published().aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return
    step = max(1, (bounds["high"] - bounds["low"]) // count)
    ids = range(bounds["low"], bounds["high"] + 1, step)
    for start in range(0, len(ids), _WARM_CHUNK):
        rows = (
            Article.objects.published()
            .filter(pk__in=ids[start : start + _WARM_CHUNK])
            .order_by()
            .values_list("title", "summary", "body_text")
        )
        for row in rows:
            yield from row


def warm_for_serving(*, keep_files: bool = True) -> bool:
    """Open the index and read what searches need before this process serves.

    gunicorn calls it in the arbiter before it forks workers (``keep_files``
    False: the open files are let go, what was read stays in memory that the
    workers share) and in each worker before its first request. Returns
    False when there is no index to warm (searches then say so).
    """
    from django.db import connections

    from search.engine.api import IndexUnavailable

    backend = get_backend()
    try:
        backend.warm(common_terms=WARM_TERMS, texts=_sample_texts(WARM_ARTICLES))
    except IndexUnavailable:
        return False
    finally:
        if not keep_files:
            backend.close(keep_cache=True)
            # Forked workers must not share the arbiter's database connections.
            connections.close_all()
    return True
