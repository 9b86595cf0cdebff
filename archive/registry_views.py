"""Registry pages: sources, tags and authors, each with its published articles."""

from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from archive import browse, tally
from archive.listing.facets import facet_spec
from archive.listing.querystring import link_facets, page_links
from archive.listing.searching import counted_listing
from archive.listing.types import PAGE_SIZE, SearchParams
from archive.models import Article, Author, Source, Tag
from archive.navigation import listing_link_query
from archive.paging import KeysetPage, keyset_page, listed_page, read_cursor
from archive.views import public_cache

NEWEST_FIRST = ("-published", "-id")


@require_safe
@public_cache
def source_list(request):
    counts = tally.value_totals("source")
    covered: dict[int, list[int]] = {}
    for key, year in tally.years_of("source"):
        covered.setdefault(int(key), []).append(year)
    sources = list(Source.objects.filter(pk__in=[int(pk) for pk in counts]))
    for source in sources:
        source.article_count = counts[str(source.pk)]
        years = covered.get(source.pk) or [0]
        source.first_year, source.last_year = min(years), max(years)
    context = {"sources": sources, "nav_section": "sources"}
    return render(request, "archive/source_list.html", context)


def _registry_list(request, model, template: str, nav_section: str):
    counts = tally.value_totals(model._meta.model_name)
    entries = list(model.objects.filter(pk__in=[int(pk) for pk in counts]))
    for entry in entries:
        entry.article_count = counts[str(entry.pk)]
    return render(request, template, {"entries": entries, "nav_section": nav_section})


@require_safe
@public_cache
def tag_list(request):
    return _registry_list(request, Tag, "archive/tag_list.html", "tags")


@require_safe
@public_cache
def author_list(request):
    return _registry_list(request, Author, "archive/author_list.html", "")


def _registry_detail(request, entry, facet: str, template: str):
    """A registry entry's page: its published articles, 20 a page, and years covered."""
    relation = "source" if facet == "source" else f"{facet}s"
    articles = Article.objects.published().filter(**{relation: entry})
    within = (facet, entry.pk)
    page_obj, notices = _page(
        request, articles, tally.value_total(*within), facet, entry
    )
    # The entry's listing is the browse listing filtered to it: its links,
    # year bars and the article pages' previous/next all walk that listing.
    query = _one_filter(facet, entry.slug)
    browse_path = reverse("archive:article-list")
    others = [f for f in ("source", "tag", "author") if f != facet]
    context = {
        "entry": entry,
        "page_obj": page_obj,
        "notices": notices,
        "total": page_obj.total,
        "histogram": browse.year_histogram(None, within=within),
        "histogram_query": query,
        "browse_url": f"{browse_path}?{query.urlencode()}",
        "browse_path": browse_path,
        "nav_section": "tags" if facet == "tag" else f"{facet}s",
        "article_query": listing_link_query(query, "browse"),
        "pagination": page_links(
            QueryDict(), page_obj.number, page_obj.pages, cursors=page_obj.cursors
        ),
        "overview": link_facets(
            browse.top_values(others, limit=8, within=within), query, browse_path
        ),
    }
    return render(request, template, context)


def _one_filter(facet: str, value: str) -> QueryDict:
    query = QueryDict(mutable=True)
    query[facet] = value
    return query


def _page(
    request, articles, total: int, facet: str, entry
) -> tuple[KeysetPage, list[str]]:
    """The page of ``articles`` (``total`` of them, newest first) asked for by ``?page=``.

    The search index lists the entry's page when it can (any page as cheaply
    as the first); else the database seeks it.
    """
    pages = max(-(-total // PAGE_SIZE), 1)
    raw = request.GET.get("page", "1")
    cursor = read_cursor(request.GET)
    notices = []
    try:
        number = int(raw)
    except ValueError:
        number, cursor = 1, None
        notices.append(_("That page number was not understood; showing page 1."))
    if number < 1 or number > pages:
        clamped = min(max(number, 1), pages)
        notices.append(
            _("There is no page %(page)d; showing page %(shown)d.")
            % {"page": number, "shown": clamped}
        )
        number, cursor = clamped, None
    listing = SearchParams(
        selected=frozenset({(facet, entry.slug)}), sort="newest", page=number
    )
    counted = counted_listing(listing)
    if counted and counted.ids is not None:
        return listed_page(counted.ids, number=number, total=total), notices
    page = keyset_page(
        articles, NEWEST_FIRST, number=number, total=total, cursor=cursor
    )
    return page, notices


_FACET_OF = {Source: "source", Tag: "tag", Author: "author"}


def _public_entry(model, slug: str):
    """The entry with this slug; 404 while its only articles are drafts.

    A tag, source or author filed only on drafts is not public yet: its page
    would show its name (and that drafts exist) to everyone.
    """
    entry = get_object_or_404(model, slug=slug)
    registry = facet_spec(_FACET_OF[model]).values
    if not model.objects.filter(registry.public(), pk=entry.pk).exists():
        raise Http404("No such entry.")
    return entry


@require_safe
@public_cache
def source_detail(request, slug: str):
    source = _public_entry(Source, slug)
    return _registry_detail(request, source, "source", "archive/source_detail.html")


@require_safe
@public_cache
def tag_detail(request, slug: str):
    tag = _public_entry(Tag, slug)
    return _registry_detail(request, tag, "tag", "archive/tag_detail.html")


@require_safe
@public_cache
def author_detail(request, slug: str):
    author = _public_entry(Author, slug)
    return _registry_detail(request, author, "author", "archive/author_detail.html")
