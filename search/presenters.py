"""What the search results page says about a search: the sentence, links and chart data.

Everything here works on the cleaned query (``SearchForm.querydict()``), so a
value the form dropped never reappears in a link.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from archive.listing import exports
from archive.listing.exports import export_links
from archive.listing.facets import facets
from archive.listing.params import parse_date
from archive.listing.querystring import (
    active_filters,
    clear_filters_url,
    filter_inputs,
    link_facets,
    listing_link_query,
    page_links,
    replace_value,
)
from archive.listing.types import SearchParams, YearCount
from archive.templatetags.archive_tags import build_chart
from search.forms import SearchForm
from search.markup import facet_list, result_item, year_chart
from search.types import SearchPage

# The search box on the results page shows these itself; the other filters
# ride along as hidden inputs.
OWN_INPUTS = ("from", "to", "exact")
SORT_LABELS = {
    "relevance": gettext_lazy("Relevance"),
    "newest": gettext_lazy("Newest first"),
    "oldest": gettext_lazy("Oldest first"),
}


def join_words(words: Iterable[str], conjunction: str) -> str:
    """Join ``["a", "b", "c"]`` as "a, b and c" (with ``conjunction`` last)."""
    words = list(words)
    if len(words) < 2:
        return "".join(words)
    return _("%(words)s %(conjunction)s %(last)s") % {
        "words": _(", ").join(words[:-1]),
        "conjunction": conjunction,
        "last": words[-1],
    }


def count_phrase(total: int, *, estimated: bool = False) -> str:
    """Return "No articles", "1 article", "12 articles" or "about 310,000 articles"."""
    count = {"count": number_format(total, force_grouping=True)}
    if estimated:
        return (
            ngettext("about %(count)s article", "about %(count)s articles", total)
            % count
        )
    if total == 0:
        return _("No articles")
    return ngettext("%(count)s article", "%(count)s articles", total) % count


def date_phrase(from_text: str, to_text: str) -> str:
    """Say a date range as typed: "2012-2015" (en dash), "from May 2012", "until 9 May 2012"."""
    start, end = (_spoken_date(text) for text in (from_text, to_text))
    if start and end:
        if start == end:
            return _("in %(date)s") % {"date": start}
        return _("%(start)s–%(end)s") % {"start": start, "end": end}  # noqa: RUF001
    if start:
        return _("from %(date)s") % {"date": start}
    if end:
        return _("until %(date)s") % {"date": end}
    return ""


def _spoken_date(text: str) -> str:
    bound = parse_date(text) if text else None
    if bound is None:
        return ""
    if len(bound.text) == 4:
        return bound.text
    if len(bound.text) == 7:
        return format_date(bound.first, get_format("YEAR_MONTH_FORMAT"))
    return format_date(bound.first, get_format("DATE_FORMAT"))


def describe_search(
    *,
    total: int | None,
    params: SearchParams,
    labels: Mapping[tuple[str, str], str],
    from_text: str = "",
    to_text: str = "",
    estimated: bool = False,
) -> str:
    """State a search in words: "12 articles matching “mobile phones” from Bloomberg, 2012-2015".

    With ``total`` None the sentence starts "Articles" (a feed's title);
    an ``estimated`` total reads "about 310,000 articles".
    """
    head = _("Articles") if total is None else count_phrase(total, estimated=estimated)
    if params.q:
        head = _("%(articles)s matching “%(query)s”") % {
            "articles": head,
            "query": params.q,
        }
    parts = []
    # Each facet reads in the sentence as its declaration's phrase says.
    for spec in sorted(facets(), key=lambda spec: spec.phrase.position):
        phrase, name = spec.phrase, spec.name
        for template, values in (
            (phrase.chosen, params.values(name)),
            (phrase.excluded, params.excluded_values(name)),
        ):
            if values:
                words = [labels.get((name, v), v) for v in values]
                parts.append(template.format(join_words(words, phrase.conjunction)))
    # Dates and the spelling switch are not prepositional phrases; they follow
    # after a comma ("…from Bloomberg, 2012-2015").
    tail = [date_phrase(from_text, to_text)]
    if not params.expand_variants and params.q:
        tail.append(_("exact spelling only"))
    described = (
        _("%(articles)s %(filters)s")
        % {"articles": head, "filters": _(", ").join(parts)}
        if parts
        else head
    )
    return _(", ").join([described, *(t for t in tail if t)])


@dataclass(frozen=True)
class SortLink:
    name: str
    label: str
    url: str
    current: bool


def sort_links(query: QueryDict, current: str, path: str = "") -> list[SortLink]:
    """Links to the other sort orders; relevance only when there are words to rank by."""
    has_words = bool(query.get("q"))
    default = "relevance" if has_words else "newest"
    return [
        SortLink(
            name=name,
            label=str(label),
            url=replace_value(query, "sort", None if name == default else name, path),
            current=name == current,
        )
        for name, label in SORT_LABELS.items()
        if has_words or name != "relevance"
    ]


def continuous_years(histogram: Iterable[YearCount]) -> tuple[YearCount, ...]:
    """Return the histogram oldest first with the empty years between filled in."""
    counts = {yc.year: yc.count for yc in histogram if yc.count}
    if not counts:
        return ()
    return tuple(
        YearCount(year, counts.get(year, 0))
        for year in range(min(counts), max(counts) + 1)
    )


def all_notices(form: SearchForm, page: SearchPage) -> list[str]:
    """The form's notices then the engine's, each once."""
    return list(dict.fromkeys([*form.notices, *page.notices]))


def trends_url(query: QueryDict) -> str:
    """The trends page for this search: its words and filters, counted by year."""
    start = query.copy()
    for name in ("page", "sort", "more", "format"):
        start.pop(name, None)
    return replace_value(start, "page", None, reverse("trends"))


def results_context(form: SearchForm, page: SearchPage, request: HttpRequest) -> dict:
    """Everything the results template shows, with every link built from the cleaned query."""
    path = reverse("search:results")
    query = form.querydict()
    # Links are built from the page actually shown (it may have been clamped).
    if page.page > 1:
        query["page"] = str(page.page)
    else:
        query.pop("page", None)
    params = form.params
    filters = active_filters(query, form.labels, path)
    article_query = listing_link_query(query, "search")
    return {
        "nav_section": "search",
        # No words and no filters: the page to start a search from.
        "blank": not params.q and not filters,
        "params": params,
        "result": page,
        "notices": all_notices(form, page),
        "summary": describe_search(
            total=page.total,
            params=params,
            labels=form.labels,
            from_text=form.date_from_text,
            to_text=form.date_to_text,
            estimated=page.estimated,
        ),
        "date_from": form.date_from_text,
        "date_to": form.date_to_text,
        "hidden_inputs": [
            (name, value)
            for name, value in filter_inputs(query)
            if name not in OWN_INPUTS
        ],
        "first_number": (page.page - 1) * params.page_size + 1,
        "active_filters": filters,
        "clear_url": clear_filters_url(query, path) if filters else "",
        "pagination": page_links(query, page.page, page.pages, path),
        "sort_links": sort_links(query, params.sort, path) if page.total else [],
        # The side column (only beside results): as includes/_histogram.html
        # and includes/_facets.html render them (search.markup).
        "year_chart": year_chart(
            build_chart(
                continuous_years(page.histogram), query, path, _("Matches per year")
            )
        )
        if page.total
        else "",
        "facet_list": facet_list(
            link_facets(page.facets, query, path), _("Narrow the results")
        )
        if page.total
        else "",
        "results": [
            result_item(hit.article, hit.snippet, article_query, request)
            for hit in page.hits
        ],
        "exports": export_links(query, path),
        "citation_cap": exports.CITATION_LIMIT
        if page.total > exports.CITATION_LIMIT
        else None,
        "trends_url": trends_url(query),
        "exact_url": replace_value(query, "exact", "1", path),
        "variants_url": replace_value(query, "exact", None, path),
        "suggestion_url": replace_value(query, "q", page.suggestion, path)
        if page.suggestion
        else "",
    }
