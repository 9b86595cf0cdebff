"""Public pages of the archive (thin: read, then render)."""

import functools
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from archive import browse, citations, tally
from archive.access import can_view_drafts
from archive.filters import ArticleFilter
from archive.listing import exports
from archive.listing.querystring import (
    active_filters,
    clear_filters_url,
    describe_filters,
    filter_inputs,
    format_url,
    href,
    link_facets,
    listing_link_query,
    page_links,
    replace_value,
)
from archive.listing.searching import related_articles
from archive.listing.types import PAGE_SIZE
from archive.models import Article
from archive.navigation import listing_nav
from archive.sanitize import mark_sanitized

logger = logging.getLogger(__name__)
FALLBACK_500 = (
    "<!doctype html><html lang=en><title>Something went wrong</title>"
    "<h1>Something went wrong</h1><p>Please try again in a moment.</p></html>"
)
# Public pages may be reused by browsers and proxies for this long; the ETag
# (ConditionalGetMiddleware) makes the revalidation after that cheap.
PUBLIC_MAX_AGE = 300
RELATED_COUNT = 5
HOME_LATEST = 10


def public_cache(view):
    """Let caches keep a successful public answer for ``PUBLIC_MAX_AGE`` seconds."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.has_header("Cache-Control"):
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response

    return wrapped


@require_safe
@public_cache
def home(request):
    # Counts come from the kept tallies: no request counts the whole archive.
    published = Article.objects.published()
    overview = browse.top_values(("source", "tag", "kind", "lang"))
    context = {
        "article_count": tally.total(),
        "source_count": len(tally.value_totals("source")),
        "latest": published.with_relations().order_by("-created", "-id")[:HOME_LATEST],
        "overview": link_facets(overview, QueryDict(), reverse("archive:article-list")),
        "histogram": browse.year_histogram(None),
        "browse_url": reverse("archive:article-list"),
    }
    return render(request, "archive/home.html", context)


@require_safe
@public_cache
def article_list(request):
    if request.GET.get("q", "").strip():
        # A query turns browsing into searching, with the same filters.
        return redirect(f"{reverse('search:results')}?{request.GET.urlencode()}")
    try:
        fmt = exports.requested_format(request.GET)
    except exports.UnknownFormat as error:
        return exports.bad_format_response(error)
    filterset = ArticleFilter(request.GET)
    query = filterset.querydict()
    path = reverse("archive:article-list")
    described = describe_filters(active_filters(query, filterset.labels))
    title = (
        _("Articles: %(filters)s") % {"filters": described}
        if described
        else _("All articles")
    )
    stem = f"articles {described}"
    if fmt == "csv":
        return exports.csv_response(
            exports.iterate(filterset.qs),
            filename=exports.export_filename(stem, fmt),
            request=request,
        )
    if fmt in exports.CITATION_FORMATS:
        return exports.citations_response(
            exports.iterate(filterset.qs),
            fmt=fmt,
            total=filterset.qs.count(),
            filename=exports.export_filename(stem, fmt),
            request=request,
        )
    if fmt == "atom":
        newest = filterset.qs.newest_first().with_relations()[: exports.FEED_SIZE]
        return exports.atom_response(
            newest,
            title=f"{title} · {_(exports.SITE_NAME)}",
            page_url=request.build_absolute_uri(href(query, path)),
            feed_url=request.build_absolute_uri(format_url(query, "atom", path)),
            request=request,
        )
    listing = browse.browse_page(filterset)
    if fmt == "json":
        return JsonResponse(
            exports.listing_json(
                query="",
                total=listing.total,
                page=listing.page,
                pages=listing.pages,
                results=[(a, exports.summary_snippet(a)) for a in listing.articles],
                facets=listing.facets,
                histogram=listing.histogram,
                notices=listing.notices,
                request=request,
            ),
            json_dumps_params={"ensure_ascii": False},
        )
    context = {
        "nav_section": "browse",
        "title": title,
        "listing": listing,
        "filter_query": query,
        "first_number": (listing.page - 1) * PAGE_SIZE + 1,
        "sort": filterset.sort_order,
        "facets": link_facets(listing.facets, query, path),
        "active_filters": active_filters(query, filterset.labels, path),
        "clear_url": clear_filters_url(query, path),
        "pagination": page_links(
            query, listing.page, listing.pages, path, cursors=listing.cursors
        ),
        "filter_inputs": filter_inputs(query),
        "sort_links": _sort_links(query, filterset.sort_order, path),
        "article_query": listing_link_query(query, "browse"),
        "exports": exports.export_links(query, path),
        "citation_cap": exports.CITATION_LIMIT
        if listing.total > exports.CITATION_LIMIT
        else None,
    }
    return render(request, "archive/article_list.html", context)


def _sort_links(query, current: str, path: str) -> list[dict]:
    return [
        {
            "label": label,
            "current": name == current,
            "url": replace_value(
                query, "sort", None if name == "newest" else name, path
            ),
        }
        for name, label in (
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("title", _("Title")),
        )
    ]


@require_safe
def article_permalink(request, pk: int):
    article = get_object_or_404(Article.objects.published(), pk=pk)
    return redirect(article, permanent=True)


def _get_article(request, pk: int) -> Article:
    """The article with this id: drafts only for those allowed to view them, else 404."""
    article = get_object_or_404(Article.objects.with_relations(), pk=pk)
    if not article.is_published and not can_view_drafts(request.user):
        raise Http404("No such article.")
    return article


@require_safe
@public_cache
def article_detail(request, pk: int, slug: str):
    article = _get_article(request, pk)
    if slug != article.slug:
        url = article.get_absolute_url()
        if request.META.get("QUERY_STRING"):
            url += "?" + request.META["QUERY_STRING"]
        return HttpResponsePermanentRedirect(url)
    page_url = request.build_absolute_uri(article.get_absolute_url())
    context = {
        "article": article,
        "body": mark_sanitized(article.body),
        "page_url": page_url,
        "nav": listing_nav(article, request.GET),
        "related": related_articles(article, RELATED_COUNT)
        if article.is_published
        else (),
        "citation": citations.cite(article, page_url),
        "reference": citations.formatted_reference(article, page_url),
        "browse_url": reverse("archive:article-list"),
        "captures": article.captures.all(),
    }
    response = render(request, "archive/article_detail.html", context)
    if not article.is_published:
        patch_cache_control(response, private=True, no_store=True)
    return response


CITATION_FORMATS = {
    "ris": (citations.to_ris, "application/x-research-info-systems"),
    "bib": (citations.to_bibtex, "application/x-bibtex"),
    "json": (citations.to_csl_json, "application/vnd.citationstyles.csl+json"),
}


@require_safe
@public_cache
def article_citation(request, pk: int, fmt: str):
    article = _get_article(request, pk)
    render_citation, content_type = CITATION_FORMATS[fmt]
    page_url = request.build_absolute_uri(article.get_absolute_url())
    response = HttpResponse(
        render_citation(article, page_url),
        content_type=f"{content_type}; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{citations.citation_key(article)}.{fmt}"'
    )
    if not article.is_published:
        patch_cache_control(response, private=True, no_store=True)
    return response


# --- Errors -----------------------------------------------------------------


def bad_request(request, exception=None):
    # A form too large to read (a pasted text of many megabytes) is not a
    # malformed address: say which it was, and that nothing was saved.
    too_large = isinstance(exception, RequestDataTooBig)
    context = {"too_large": too_large, "limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    return render(request, "400.html", context, status=400)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without the request, so whatever broke cannot break this page too.
    try:
        body = loader.render_to_string("500.html")
    except Exception:  # e.g. static files not collected: still answer
        logger.exception("The error page could not be rendered.")
        body = FALLBACK_500
    return HttpResponseServerError(body)
