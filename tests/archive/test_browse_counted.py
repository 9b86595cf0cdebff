"""Filtered browse pages counted by the search index: the database's answer, no table scan."""

import datetime

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from archive.browse import browse_page
from archive.filters import ArticleFilter
from archive.models import Article
from search.indexing import rebuild_index
from tests.archive.sample_archive import build_sample_archive
from tests.factories import make_article

pytestmark = pytest.mark.django_db

QUERIES = (
    "tag=radio",
    "tag=radio&year=2019",
    "source=daily-nk&not_tag=radio",
    "tag=radio&tag=internet&sort=oldest",
    "lang=en&kind=analysis&from=2015&to=2023-06",
    "tag=mobile-phones&sort=title",
    "tag=radio&sort=title&page=2",
    "tag=radio&year=2019&sort=title&page=3",
    "year=2012&more=tag",
    "author=martyn-williams&page=2",
    "tag=radio&page=3",
    "tag=radio&page=99",
    "source=kcna&tag=internet",
)


@pytest.fixture
def archive():
    archive = build_sample_archive()
    # Enough radio articles for three pages, many on one day (ties by id).
    for n in range(45):
        make_article(
            title=f"Radio report {n:02d}",
            source=archive.north,
            published=datetime.date(2019, 1 + n % 3, 1),
            tags=[archive.radio],
        )
    return archive


def shown(query: str) -> dict:
    listing = browse_page(ArticleFilter(QueryDict(query)))
    return {
        "articles": [article.pk for article in listing.articles],
        "total": listing.total,
        "page": listing.page,
        "pages": listing.pages,
        "facets": listing.facets,
        "histogram": listing.histogram,
        "notices": listing.notices,
    }


def test_filtered_pages_from_the_index_match_the_database(archive):
    from_database = {query: shown(query) for query in QUERIES}
    rebuild_index(procs=1)
    for query in QUERIES:
        assert shown(query) == from_database[query], query


def test_a_filtered_page_counts_no_rows_of_the_articles_table(archive):
    rebuild_index(procs=1)
    with CaptureQueriesContext(connection) as queries:
        listing = browse_page(ArticleFilter(QueryDict("tag=radio&year=2019&page=2")))
    assert listing.total == 46 and len(listing.articles) == 20
    counting = [
        q["sql"]
        for q in queries
        if '"archive_article"' in q["sql"]
        and ("COUNT(" in q["sql"] or "GROUP BY" in q["sql"])
    ]
    assert counting == []


def test_an_article_unpublished_since_the_index_saw_it_leaves_the_page(archive):
    rebuild_index(procs=1)
    # A change the index has not applied yet (it waits in the index log).
    Article.objects.filter(pk=archive.radio_2019.pk).update(status=Article.Status.DRAFT)
    listing = browse_page(ArticleFilter(QueryDict("tag=radio&year=2019")))
    assert archive.radio_2019.pk not in [a.pk for a in listing.articles]
