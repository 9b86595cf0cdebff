"""Previous/next links on an article page, within the listing the reader came from.

A listing's article links carry ``back`` (the listing's query string) and
``from`` (``browse`` or ``search``). The article page rebuilds that listing
from them: browse through the same FilterSet, search through the search
service. Whatever arrives there is untrusted: a listing that cannot be
rebuilt just gives no previous/next links.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.urls import reverse

from archive.filters import ArticleFilter
from archive.listing.querystring import listing_link_query
from archive.listing.searching import search_listing
from archive.listing.types import PAGE_SIZE
from archive.models import Article

ORIGINS = ("browse", "search")
# Longer than any listing query string a page of ours writes.
MAX_BACK_LENGTH = 4000


@dataclass(frozen=True)
class ListingNav:
    origin: str
    back_url: str  # the listing, at the page that holds this article
    previous: Article | None
    next: Article | None
    previous_url: str
    next_url: str
    position: int  # 1-based; 0 when the article is not in the listing
    total: int


def listing_nav(article: Article, data: QueryDict) -> ListingNav | None:
    """Rebuild the listing named by ``data`` (``back``, ``from``) around ``article``."""
    origin = data.get("from", "")
    back = data.get("back", "")
    if origin not in ORIGINS or len(back) > MAX_BACK_LENGTH:
        return None
    listing = QueryDict(back)
    if origin == "browse":
        return _browse_nav(article, listing)
    found = search_listing(listing)
    if found is None:
        return None
    return _search_nav(article, *found)


def _browse_nav(article: Article, listing: QueryDict) -> ListingNav:
    filterset = ArticleFilter(listing)
    query = filterset.querydict()
    articles = filterset.qs
    path = reverse("archive:article-list")
    if not articles.filter(pk=article.pk).exists():
        return _outside("browse", query, path)
    previous, following, position = keyset_neighbours(
        articles, article, filterset.ordering
    )
    return _nav(
        "browse", query, path, (previous, following), position, articles.count()
    )


def _search_nav(article: Article, query: QueryDict, ids: list[int]) -> ListingNav:
    path = reverse("search:results")
    if article.pk not in ids:
        return _outside("search", query, path)
    index = ids.index(article.pk)
    neighbours = Article.objects.published().in_bulk(
        [i for i in (ids[index - 1] if index else None, _at(ids, index + 1)) if i]
    )
    previous = neighbours.get(ids[index - 1]) if index else None
    following = neighbours.get(_at(ids, index + 1))
    return _nav("search", query, path, (previous, following), index + 1, len(ids))


def _at(ids: list[int], index: int) -> int | None:
    return ids[index] if index < len(ids) else None


def keyset_neighbours(
    articles: QuerySet, article: Article, ordering: tuple[str, str]
) -> tuple[Article | None, Article | None, int]:
    """Return the articles before and after ``article`` in ``ordering``, and its position.

    ``ordering`` is a field and ``id`` in one direction, as in ``SORT_ORDERS``;
    comparing on both keeps the walk stable when many articles share a date.
    """
    field = ordering[0].lstrip("-")
    descending = ordering[0].startswith("-")
    value = getattr(article, field)
    earlier, later = ("gt", "lt") if descending else ("lt", "gt")
    before = Q(**{f"{field}__{earlier}": value}) | Q(
        **{field: value, f"pk__{earlier}": article.pk}
    )
    after = Q(**{f"{field}__{later}": value}) | Q(
        **{field: value, f"pk__{later}": article.pk}
    )
    reverse_ordering = [o[1:] if o.startswith("-") else f"-{o}" for o in ordering]
    previous = articles.filter(before).order_by(*reverse_ordering).first()
    following = articles.filter(after).order_by(*ordering).first()
    position = articles.filter(before).count() + 1
    return previous, following, position


def _listing_url(query: QueryDict, path: str, position: int) -> str:
    page = (position - 1) // PAGE_SIZE + 1 if position else 1
    query = query.copy()
    query.pop("page", None)
    if page > 1:
        query["page"] = str(page)
    encoded = query.urlencode()
    return f"{path}?{encoded}" if encoded else path


def _article_url(article: Article | None, query: QueryDict, origin: str) -> str:
    if article is None:
        return ""
    return f"{article.get_absolute_url()}?{listing_link_query(query, origin)}"


def _nav(origin, query, path, neighbours, position, total) -> ListingNav:
    # Links carry the listing without its page: each article page works out
    # the page that holds it from its position.
    previous, following = neighbours
    return ListingNav(
        origin=origin,
        back_url=_listing_url(query, path, position),
        previous=previous,
        next=following,
        previous_url=_article_url(previous, query, origin),
        next_url=_article_url(following, query, origin),
        position=position,
        total=total,
    )


def _outside(origin: str, query: QueryDict, path: str) -> ListingNav:
    """The article is not in the listing (any more): just a way back to it."""
    return ListingNav(origin, _listing_url(query, path, 0), None, None, "", "", 0, 0)
