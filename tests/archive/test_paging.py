"""Deep pages by seek: every article exactly once, whichever way the reader walks."""

import datetime
import re
from urllib.parse import urljoin

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import SourceFactory, TagFactory, make_article

pytestmark = pytest.mark.django_db

ARTICLE_LINK = re.compile(r'href="/articles/(\d+)/[^"?]*\?')


def _ids(page: str) -> list[int]:
    # Each result links its title once with the listing in the query string.
    return list(dict.fromkeys(int(pk) for pk in ARTICLE_LINK.findall(page)))


def _link(page: str, rel: str) -> str:
    found = re.search(rf'href="([^"]+)" rel="{rel}"', page)
    return found.group(1).replace("&amp;", "&") if found else ""


@pytest.fixture
def crowded():
    """67 articles: many sharing a date, many sharing a title, in two sources."""
    wire, daily = SourceFactory(name="Wire"), SourceFactory(name="Daily")
    radio = TagFactory(name="Radio", slug="radio")
    articles = []
    for n in range(67):
        articles.append(
            make_article(
                title=f"Same title {n % 3}" if n % 2 else f"Story {n:03d}",
                published=datetime.date(2020, 1, 1 + n % 4),
                source=wire if n % 5 else daily,
                tags=[radio] if n % 3 == 0 else [],
                body=f"<p>Text {n}.</p>",
            )
        )
    return articles


def walk(client, url: str, rel: str) -> list[list[int]]:
    pages = []
    while url:
        page = client.get(url).content.decode()
        pages.append(_ids(page))
        link = _link(page, rel)
        url = urljoin(url, link) if link else ""
        assert len(pages) < 20, "the walk does not end"
    return pages


def test_walking_next_and_back_shows_every_article_once(client, crowded):
    for filters in ("", "tag=radio", "not_source=daily"):
        for sort in ("", "sort=oldest", "sort=title"):
            query = "&".join(q for q in (filters, sort) if q)
            forward = walk(client, f"/articles/?{query}", "next")
            seen = [pk for page in forward for pk in page]
            expected = client.get(f"/articles/?{query}&format=json").json()["total"]
            assert len(seen) == expected == len(set(seen)), query
            assert all(len(page) == 20 for page in forward[:-1]), query
            # From the last page back to the first: the same pages, in reverse.
            last_url = f"/articles/?{query}&page={len(forward)}"
            last = client.get(last_url).content.decode()
            backward = walk(client, urljoin(last_url, _link(last, "prev")), "prev")
            assert [_ids(last), *backward] == forward[::-1], query


def test_listing_order_matches_the_sort_with_ties_broken_by_id(client, crowded):
    titles = walk(client, "/articles/?sort=title", "next")
    order = [pk for page in titles for pk in page]
    by_title = sorted(crowded, key=lambda a: (a.title, a.pk))
    assert order == [a.pk for a in by_title]


def test_numbered_links_near_the_page_seek_from_a_neighbour(client, crowded):
    page = client.get("/articles/?page=2").content.decode()
    # Pages 3 (next) and 1 are linked; 3 by the article it follows.
    assert re.search(r'href="/articles/\?page=3&amp;after=\d+" rel="next"', page)
    assert 'href="/articles/" rel="prev"' in page
    # A typed page number without a cursor still shows that page.
    assert _ids(client.get("/articles/?page=3").content.decode()) == _ids(
        client.get(_link(page, "next")).content.decode()
    )


def test_a_deep_page_reads_about_as_many_rows_as_the_first(client):
    source = SourceFactory(name="Wire")
    for n in range(130):
        make_article(title=f"T{n}", source=source, body=f"<p>x {n}</p>")
    page = client.get("/articles/?sort=title&page=5").content.decode()
    deep = _link(page, "next")
    with CaptureQueriesContext(connection) as seek:
        assert client.get(deep).status_code == 200
    # The seek's SQL carries no OFFSET: it starts at the article it follows.
    sql = " ".join(q["sql"] for q in seek.captured_queries)
    assert "OFFSET" not in sql.upper()


def test_a_cursor_naming_no_article_falls_back_to_the_page_number(client, crowded):
    plain = _ids(client.get("/articles/?page=2").content.decode())
    for bad in ("after=999999", "after=abc", "before=-3", "after=" + "9" * 40):
        response = client.get(f"/articles/?page=2&{bad}")
        assert response.status_code == 200
        assert _ids(response.content.decode()) == plain


def test_registry_page_walks_its_articles_by_seek(client, crowded):
    wire = [a for a in crowded if a.source.name == "Wire"]
    pages = walk(client, wire[0].source.get_absolute_url(), "next")
    seen = [pk for page in pages for pk in page]
    wire = [a.pk for a in wire]
    assert sorted(seen) == sorted(wire) and len(seen) == len(set(seen))


def test_article_page_links_back_to_its_page_and_its_neighbours(client, crowded):
    pages = walk(client, "/articles/?sort=title", "next")
    middle = pages[1][4]  # on page 2 of 4, the fifth
    page = client.get(
        f"/articles/{middle}/x/?back=sort%3Dtitle&from=browse", follow=True
    ).content.decode()
    back = re.search(r'href="([^"]+)">Back to the listing', page).group(1)
    assert "page=2&amp;after=" in back
    listing = client.get(back.replace("&amp;", "&")).content.decode()
    assert _ids(listing) == pages[1]
    order = [pk for p in pages for pk in p]
    at = order.index(middle)
    assert f"/articles/{order[at - 1]}/" in _link(page, "prev")
    assert f"/articles/{order[at + 1]}/" in _link(page, "next")


def test_an_article_reached_from_a_listing_says_its_place_without_counting(
    client, crowded
):
    for query, filtered in (("sort=title", False), ("tag=radio&sort=oldest", True)):
        listing = client.get(f"/articles/?{query}&page=2").content.decode()
        link = re.search(r'href="(/articles/\d+/[^"]+)"', listing).group(1)
        link = link.replace("&amp;", "&")
        assert link.endswith("&at=21"), link
        total = client.get(f"/articles/?{query}&format=json").json()["total"]
        with CaptureQueriesContext(connection) as queries:
            page = client.get(link, follow=True).content.decode()
        assert f"(21 of {total})" in page
        if not filtered:  # filtered, the count is the database's without an index
            assert not [q for q in queries if "COUNT(" in q["sql"]]
        following = _link(page, "next").replace("&amp;", "&")
        assert following.endswith("&at=22")
        assert f"(22 of {total})" in client.get(following, follow=True).content.decode()


def test_a_typed_page_number_shows_the_page_walking_there_shows(client, crowded):
    """Pages past the middle are read backwards from the end: the same articles."""
    for filters in ("", "tag=radio", "not_source=daily"):
        for sort in ("", "sort=oldest", "sort=title"):
            query = "&".join(q for q in (filters, sort) if q)
            walked = walk(client, f"/articles/?{query}", "next")
            for number, ids in enumerate(walked, start=1):
                typed = client.get(f"/articles/?{query}&page={number}")
                assert _ids(typed.content.decode()) == ids, (query, number)


def test_a_page_loads_its_articles_by_id_not_in_the_listing_order(client, crowded):
    """Asked for in the listing's order (newest first), SQLite without statistics
    walked every published article in that order to find the page's twenty:
    150 ms of a deep page at a million articles, on any page."""
    for path in ("/articles/?sort=title&page=3", "/articles/?page=2"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        loads = [
            q["sql"]
            for q in queries.captured_queries
            if '"archive_article"."body"' in q["sql"] and " IN (" in q["sql"]
        ]
        assert loads, path
        assert not [sql for sql in loads if "ORDER BY" in sql], path
