"""The search page and its help: form → one search → the page, JSON, CSV or a feed."""

import dataclasses

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from archive.listing import exports
from archive.listing.querystring import format_url, replace_value
from search.forms import SearchForm
from search.presenters import (
    all_notices,
    continuous_years,
    describe_search,
    results_context,
)
from search.service import search, search_ids
from search.types import SearchPage


@require_safe
def results(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    if form.format_error:
        return exports.bad_format_response(form.format_error)
    stem = f"search {form.params.q}"
    if form.format == "csv":
        return exports.csv_response(
            exports.articles_in_order(search_ids(form.params)),
            filename=exports.export_filename(stem, form.format),
            request=request,
        )
    if form.format in exports.CITATION_FORMATS:
        ids = search_ids(form.params)
        return exports.citations_response(
            exports.articles_in_order(ids[: exports.CITATION_LIMIT]),
            fmt=form.format,
            total=len(ids),
            filename=exports.export_filename(stem, form.format),
            request=request,
        )
    if form.format == "atom":
        return _atom(request, form)
    page = _search(form)
    if form.format == "json":
        return JsonResponse(
            _json(request, page, form), json_dumps_params={"ensure_ascii": False}
        )
    return render(request, "search/results.html", results_context(form, page))


@require_safe
def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "search/help.html", {"nav_section": "help"})


def _search(form: SearchForm) -> SearchPage:
    """Run the search; a page past the last shows the last one, and says so."""
    page = search(form.params)
    if page.pages and form.params.page > page.pages:
        if page.page != page.pages:
            page = search(dataclasses.replace(form.params, page=page.pages))
        notice = _("There is no page %(page)s; showing the last page, %(last)d.") % {
            "page": number_format(form.requested_page, force_grouping=True),
            "last": page.pages,
        }
    elif form.requested_page > form.params.page:
        notice = _(
            "Pages stop at %(page)d; showing page %(page)d "
            "(narrow the search to reach the rest)."
        ) % {"page": form.params.page}
    else:
        return page
    return dataclasses.replace(page, notices=(notice, *page.notices))


def _json(request: HttpRequest, page: SearchPage, form: SearchForm) -> dict:
    return exports.listing_json(
        query=form.params.q,
        total=page.total,
        page=page.page,
        pages=page.pages,
        results=[(hit.article, hit.snippet) for hit in page.hits],
        facets=page.facets,
        histogram=continuous_years(page.histogram),
        also_matched=page.also_matched,
        suggestion=page.suggestion,
        notices=all_notices(form, page),
        request=request,
    )


def _atom(request: HttpRequest, form: SearchForm) -> HttpResponse:
    path = reverse("search:results")
    query = form.querydict()
    newest = dataclasses.replace(form.params, sort="newest", page=1)
    ids = list(search_ids(newest, limit=exports.FEED_SIZE))
    title = describe_search(
        total=None,
        params=form.params,
        labels=form.labels,
        from_text=form.date_from_text,
        to_text=form.date_to_text,
    )
    return exports.atom_response(
        exports.articles_in_order(ids),
        title=f"{title} · {_(exports.SITE_NAME)}",
        page_url=request.build_absolute_uri(replace_value(query, "page", None, path)),
        feed_url=request.build_absolute_uri(format_url(query, "atom", path)),
        request=request,
    )
