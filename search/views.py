"""The search page and its help: form → one search → the page, JSON, CSV or a feed."""

import csv
import dataclasses
import io

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
from search.trend_chart import build_trend_chart, period_label
from search.trends import MAX_SERIES, compare, trends_json, trends_rows
from search.types import SearchPage

TREND_FORMATS = ("html", "json", "csv")


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
    return render(request, "search/results.html", results_context(form, page, request))


@require_safe
def trends(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "").strip().lower() or "html"
    if fmt not in TREND_FORMATS:
        return exports.bad_format_response(
            "Unknown format. Use one of: format=json, format=csv."
        )
    result = compare(request.GET)
    if fmt == "json":
        return JsonResponse(
            trends_json(result), json_dumps_params={"ensure_ascii": False}
        )
    stem = "trends " + " ".join(result.queries)
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(
            [[exports.csv_safe(cell) for cell in row] for row in trends_rows(result)]
        )
        response = HttpResponse(
            exports.CSV_BOM + out.getvalue(), content_type="text/csv; charset=utf-8"
        )
        filename = exports.export_filename(stem, "csv")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    measure = "share" if request.GET.get("measure") == "share" else "count"
    return render(
        request, "search/trends.html", _trends_context(request, result, measure)
    )


def _trends_context(request: HttpRequest, result, measure: str) -> dict:
    path = reverse("trends")
    query = result.filters.copy()
    query.pop("sort", None)
    query.setlist("q", list(result.queries))
    if result.interval != "year":
        query["interval"] = result.interval
    rows = [
        {
            "period": period_label(period),
            "total": result.totals[i],
            "cells": [(s.counts[i], s.shares[i]) for s in result.series],
        }
        for i, period in enumerate(result.periods)
    ]
    boxes = [*result.queries, *[""] * (MAX_SERIES - len(result.queries))]
    return {
        "nav_section": "trends",
        "result": result,
        "chart": build_trend_chart(result, measure),
        "measure": measure,
        "rows": rows,
        "query_boxes": list(enumerate(boxes[:MAX_SERIES], start=1)),
        "hidden_inputs": [
            (k, v)
            for k, vs in result.filters.lists()
            if k not in ("q", "sort")
            for v in vs
        ],
        "measure_urls": {
            "count": replace_value(query, "measure", None, path),
            "share": replace_value(query, "measure", "share", path),
        },
        "interval_urls": {
            "year": replace_value(query, "interval", None, path),
            "month": replace_value(query, "interval", "month", path),
        },
        "csv_url": format_url(query, "csv", path),
        "json_url": format_url(query, "json", path),
        "search_urls": [
            (
                s.query,
                replace_value(result.filters, "q", s.query, reverse("search:results")),
            )
            for s in result.series
        ],
    }


@require_safe
def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "search/help.html", {"nav_section": "help"})


def _search(form: SearchForm) -> SearchPage:
    """Run the search; a page past the last shows the last one, and says so.

    Its hits are lean rows (``search.rows``), what the page and JSON show.
    """
    page = search(form.params, rows=True)
    if page.pages and form.params.page > page.pages:
        if page.page != page.pages:
            page = search(dataclasses.replace(form.params, page=page.pages), rows=True)
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
    answer = exports.listing_json(
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
    # True when the search ran out of time: total, facet counts and histogram
    # are then estimates ("about 310,000"), and the notices say so.
    answer["estimated"] = page.estimated
    return answer


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
