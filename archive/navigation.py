"""Previous/next links on an article page, within the listing the reader came from.

A listing's article links carry ``back`` (the listing's query string) and
``from`` (``browse`` or ``search``). The article page rebuilds that listing
from them: browse through the same FilterSet, search through the search
service. Whatever arrives there is untrusted: a listing that cannot be
rebuilt just gives no previous/next links.

A browse listing's links also carry the article's place in it (``at``), so
the page says "81,234 of 1,000,000" and links back to the right page
without counting the articles before it; a link without one (an old
bookmark) is counted. A wrong ``at`` only misnumbers that reader's page.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse

from archive.browse import listing_extent
from archive.filters import ArticleFilter
from archive.listing.querystring import listing_link_query
from archive.listing.searching import search_listing
from archive.listing.types import PAGE_SIZE
from archive.models import Article
from archive.paging import Cursor, reverse_ordering, seek_condition

ORIGINS = ("browse", "search")
# Longer than any listing query string a page of ours writes.
MAX_BACK_LENGTH = 4000
# The parameter an article link carries its place in a browse listing in.
POSITION_PARAM = "at"


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
        return _browse_nav(article, listing, _position_hint(data.get(POSITION_PARAM)))
    found = search_listing(listing)
    if found is None:
        return None
    return _search_nav(article, *found)


def _position_hint(value: str | None) -> int | None:
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and 0 < len(value) <= 12:
        return int(value)
    return None


def _browse_nav(article: Article, listing: QueryDict, hint: int | None) -> ListingNav:
    filterset = ArticleFilter(listing)
    query = filterset.querydict()
    path = reverse("archive:article-list")
    if not filterset.qs.filter(pk=article.pk).exists():
        return _outside("browse", query, path)
    total, articles = listing_extent(filterset)
    previous, following = (
        # Only published ones (the few ids the index found carry no status).
        neighbour if neighbour is not None and neighbour.is_published else None
        for neighbour in keyset_neighbours(articles, article, filterset.ordering)
    )
    if hint and hint <= total:
        position = hint
    else:
        position = listing_position(articles, article, filterset.ordering)
    cursor = _page_cursor(articles, article, filterset.ordering, position, total)
    return _nav(
        "browse", query, path, (previous, following), position, total, cursor=cursor
    )


def _search_nav(article: Article, query: QueryDict, ids: list[int]) -> ListingNav:
    path = reverse("search:results")
    if article.pk not in ids:
        return _outside("search", query, path)
    index = ids.index(article.pk)
    neighbours = Article.objects.published().by_id(
        [i for i in (ids[index - 1] if index else None, _at(ids, index + 1)) if i]
    )
    previous = neighbours.get(ids[index - 1]) if index else None
    following = neighbours.get(_at(ids, index + 1))
    return _nav("search", query, path, (previous, following), index + 1, len(ids))


def _at(ids: list[int], index: int) -> int | None:
    return ids[index] if index < len(ids) else None


def keyset_neighbours(
    articles: QuerySet, article: Article, ordering: tuple[str, str]
) -> tuple[Article | None, Article | None]:
    """Return the articles before and after ``article`` in ``ordering``.

    ``ordering`` is a field and ``id`` in one direction, as in ``SORT_ORDERS``;
    comparing on both keeps the walk stable when many articles share a date.
    """
    values = (getattr(article, ordering[0].lstrip("-")), article.pk)
    before = articles.filter(seek_condition(ordering, values, forward=False))
    after = articles.filter(seek_condition(ordering, values, forward=True))
    previous = before.order_by(*reverse_ordering(ordering)).first()
    following = after.order_by(*ordering).first()
    return previous, following


def listing_position(
    articles: QuerySet, article: Article, ordering: tuple[str, str]
) -> int:
    """Return the 1-based place of ``article`` in ``ordering`` (counts those before it)."""
    values = (getattr(article, ordering[0].lstrip("-")), article.pk)
    return articles.filter(seek_condition(ordering, values, forward=False)).count() + 1


def _page_cursor(
    articles: QuerySet,
    article: Article,
    ordering: tuple[str, str],
    position: int,
    total: int,
) -> Cursor | None:
    """The cursor that opens the listing's page holding ``article`` by a seek.

    None for the first and last pages: those are read from either end.
    """
    page = (position - 1) // PAGE_SIZE + 1
    if page == 1 or page == -(-total // PAGE_SIZE):
        return None
    into_page = (position - 1) % PAGE_SIZE
    values = (getattr(article, ordering[0].lstrip("-")), article.pk)
    earlier = articles.filter(seek_condition(ordering, values, forward=False))
    ids = list(
        earlier.order_by(*reverse_ordering(ordering)).values_list("pk", flat=True)[
            : into_page + 1
        ]
    )
    return Cursor("after", ids[-1]) if len(ids) == into_page + 1 else None


def _listing_url(
    query: QueryDict, path: str, position: int, cursor: Cursor | None = None
) -> str:
    page = (position - 1) // PAGE_SIZE + 1 if position else 1
    query = query.copy()
    query.pop("page", None)
    if page > 1:
        query["page"] = str(page)
        if cursor:
            query.update(cursor.params())
    encoded = query.urlencode()
    return f"{path}?{encoded}" if encoded else path


def _article_url(
    article: Article | None, query: QueryDict, origin: str, position: int = 0
) -> str:
    if article is None:
        return ""
    link = f"{article.get_absolute_url()}?{listing_link_query(query, origin)}"
    if origin == "browse" and position > 0:
        link += f"&{POSITION_PARAM}={position}"
    return link


def _nav(origin, query, path, neighbours, position, total, cursor=None) -> ListingNav:
    # Links carry the listing without its page: each article page works out
    # the page that holds it from its position.
    previous, following = neighbours
    return ListingNav(
        origin=origin,
        back_url=_listing_url(query, path, position, cursor),
        previous=previous,
        next=following,
        previous_url=_article_url(previous, query, origin, position - 1),
        next_url=_article_url(following, query, origin, position + 1),
        position=position,
        total=total,
    )


def _outside(origin: str, query: QueryDict, path: str) -> ListingNav:
    """The article is not in the listing (any more): just a way back to it."""
    return ListingNav(origin, _listing_url(query, path, 0), None, None, "", "", 0, 0)
