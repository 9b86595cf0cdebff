"""The search page and its help: form → one search → the page, JSON, CSV or a feed."""

import dataclasses

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from archive import exports
from archive.navigation import listing_link_query
from archive.querystring import (
    active_filters,
    clear_filters_url,
    filter_inputs,
    format_url,
    link_facets,
    page_links,
    replace_value,
)
from search.forms import SearchForm
from search.presenters import continuous_years, describe_search, sort_links
from search.service import search, search_ids
from search.types import SearchPage

# The search box on the results page shows these itself; the other filters
# ride along as hidden inputs.
OWN_INPUTS = ("from", "to", "exact")


@require_safe
def results(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    if form.format_error:
        return exports.bad_format_response(form.format_error)
    if form.format == "csv":
        return exports.csv_response(
            exports.articles_in_order(search_ids(form.params)),
            filename="search.csv",
            request=request,
        )
    if form.format == "atom":
        return _atom(request, form)
    page = _search(form)
    if form.format == "json":
        return JsonResponse(
            _json(request, page, form), json_dumps_params={"ensure_ascii": False}
        )
    return render(request, "search/results.html", _context(form, page))


@require_safe
def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "search/help.html", {"nav_section": "help"})


def _search(form: SearchForm) -> SearchPage:
    """Run the search; a page past the last shows the last one, and says so."""
    page = search(form.params)
    if page.pages and form.params.page > page.pages:
        if page.page != page.pages:
            page = search(dataclasses.replace(form.params, page=page.pages))
        notice = (
            f"There is no page {form.requested_page:,}; "
            f"showing the last page, {page.pages}."
        )
    elif form.requested_page > form.params.page:
        notice = (
            f"Pages stop at {form.params.page}; showing page {form.params.page} "
            "(narrow the search to reach the rest)."
        )
    else:
        return page
    return dataclasses.replace(page, notices=(notice, *page.notices))


def _notices(form: SearchForm, page: SearchPage) -> list[str]:
    return list(dict.fromkeys([*form.notices, *page.notices]))


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
        notices=_notices(form, page),
        request=request,
    )


def _atom(request: HttpRequest, form: SearchForm) -> HttpResponse:
    path = reverse("search:results")
    query = form.querydict()
    newest = dataclasses.replace(form.params, sort="newest", page=1)
    ids = list(search_ids(newest, limit=exports.FEED_SIZE))
    title = describe_search(
        total=len(ids),
        params=form.params,
        labels=form.labels,
        from_text=form.date_from_text,
        to_text=form.date_to_text,
    )
    return exports.atom_response(
        exports.articles_in_order(ids),
        title=f"Search: {title} · {exports.SITE_NAME}",
        page_url=request.build_absolute_uri(replace_value(query, "page", None, path)),
        feed_url=request.build_absolute_uri(format_url(query, "atom", path)),
        request=request,
    )


def _context(form: SearchForm, page: SearchPage) -> dict:
    path = reverse("search:results")
    query = form.querydict()
    # Links are built from the page actually shown (it may have been clamped).
    if page.page > 1:
        query["page"] = str(page.page)
    else:
        query.pop("page", None)
    params = form.params
    filters = active_filters(query, form.labels, path)
    return {
        "nav_section": "search",
        # No words and no filters: the page to start a search from.
        "blank": not params.q and not filters,
        "params": params,
        "result": page,
        "notices": _notices(form, page),
        "summary": describe_search(
            total=page.total,
            params=params,
            labels=form.labels,
            from_text=form.date_from_text,
            to_text=form.date_to_text,
        ),
        "date_from": form.date_from_text,
        "date_to": form.date_to_text,
        "hidden_inputs": [
            (name, value)
            for name, value in filter_inputs(query)
            if name not in OWN_INPUTS
        ],
        "first_number": (page.page - 1) * params.page_size + 1,
        "filter_query": query,
        "path": path,
        "facets": link_facets(page.facets, query, path),
        "active_filters": filters,
        "clear_url": clear_filters_url(query, path) if filters else "",
        "pagination": page_links(query, page.page, page.pages, path),
        "sort_links": sort_links(query, params.sort, path) if page.total else [],
        "histogram": continuous_years(page.histogram),
        "article_query": listing_link_query(query, "search"),
        "exports": {
            fmt: format_url(query, fmt, path) for fmt in ("atom", "csv", "json")
        },
        "exact_url": replace_value(query, "exact", "1", path),
        "variants_url": replace_value(query, "exact", None, path),
        "suggestion_url": replace_value(query, "q", page.suggestion, path)
        if page.suggestion
        else "",
    }
