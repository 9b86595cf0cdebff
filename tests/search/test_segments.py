"""An index made of many segments answers exactly like a single one."""

import datetime

import pytest
from django.test import override_settings

from archive import services
from archive.listing.types import SearchParams
from archive.models import Article
from search.backend import get_backend
from search.engine import store
from search.indexing import rebuild_index
from search.service import search, search_ids
from tests.factories import SourceFactory, TagFactory, make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def segmented(committed):
    """Nine articles indexed into segments of two documents each."""
    north, south = SourceFactory(name="North Desk"), SourceFactory(name="South Desk")
    radio = TagFactory(name="radio", slug="radio")
    with committed():
        articles = [
            make_article(
                title=f"Radio report {n}" if n % 3 else f"Television piece {n}",
                body=f"<p>Item {n} on state media and radio jamming.</p>",
                source=north if n % 2 else south,
                tags=[radio] if n % 3 else [],
                published=datetime.date(2010 + n, 1, 1),
            )
            for n in range(9)
        ]
    with override_settings(SEARCH_REBUILD_SEGMENT_DOCUMENTS=2):
        rebuild_index(chunk_size=3, procs=1)
    segments = store.open_index(get_backend().current()).reader().leaf_readers()
    assert len(segments) == 5
    return articles


def titles(**params) -> list[str]:
    return [h.article.title for h in search(SearchParams(**params)).hits]


def test_matches_facets_and_dates_span_every_segment(segmented):
    page = search(SearchParams(q="radio"))
    assert page.total == 9
    source = next(f for f in page.facets if f.name == "source")
    assert sorted(v.count for v in source.values) == [4, 5]
    tag = next(f for f in page.facets if f.name == "tag")
    assert [(v.value, v.count) for v in tag.values] == [("radio", 6)]
    assert [y.year for y in page.histogram] == list(range(2010, 2019))
    in_range = search(
        SearchParams(
            q="radio",
            date_from=datetime.date(2013, 1, 1),
            date_to=datetime.date(2015, 12, 31),
        )
    )
    assert in_range.total == 3


def test_phrases_and_sorting_span_every_segment(segmented):
    assert search(SearchParams(q='"state media"')).total == 9
    assert search(SearchParams(q='"media state"')).total == 0
    newest = titles(q="radio", sort="newest")
    assert newest[0] == "Radio report 8" and newest[-1] == "Television piece 0"
    assert search_ids(SearchParams(q="radio", sort="oldest")) == [
        a.pk for a in segmented
    ]


def test_a_change_in_an_early_segment_is_seen(segmented, committed):
    first = segmented[0]
    with committed():
        services.article_unpublish(article=first)
    assert first.title not in titles(q="television")
    with committed():
        services.article_update(
            article=Article.objects.get(pk=segmented[1].pk), title="Renamed walrus"
        )
    assert titles(q="walrus") == ["Renamed walrus"]
    assert search(SearchParams(q="radio")).total == 8


def segment_sizes() -> list[int]:
    reader = store.open_index(get_backend().current()).reader()
    return sorted(r.doc_count_all() for r, _ in reader.leaf_readers())


@override_settings(SEARCH_MERGE_ON_COMMIT=4)
def test_saves_merge_small_segments_and_never_the_large_ones(committed):
    with committed():
        for n in range(6):
            make_article(title=f"Base {n}")
    with override_settings(SEARCH_REBUILD_SEGMENT_DOCUMENTS=3):
        rebuild_index(procs=1)
    assert segment_sizes() == [3, 3]
    for n in range(9):
        with committed():
            make_article(title=f"Saved {n} okapi")
        assert segment_sizes().count(3) == 2  # the rebuild's segments stay
    # Each save adds a one-document segment; the fifth and the ninth merged
    # the four before them into one.
    assert segment_sizes() == [1, 3, 3, 4, 4]
    assert search(SearchParams(q="okapi")).total == 9


@override_settings(SEARCH_TIME_BUDGET=0.0)
def test_a_search_out_of_time_shows_what_it_found_and_estimates_the_rest(
    segmented, client
):
    # No time at all: only the first segment (two of the nine articles) is
    # searched; the page lists its matches and says the counts are estimates.
    page = client.get("/search/", {"q": "radio"}).content.decode()
    assert "about 9 articles matching “radio”" in page
    assert "No articles" not in page
    assert page.count('<article class="result">') == 2
    assert "the counts beside the filters are estimates" in page
    answer = client.get("/search/", {"q": "radio", "format": "json"}).json()
    assert answer["estimated"] is True
    assert answer["total"] == 9
    assert len(answer["results"]) == 2
    assert any("estimates" in notice for notice in answer["notices"])
    # Given time, the same search counts exactly and says nothing of estimates.
    with override_settings(SEARCH_TIME_BUDGET=10.0):
        exact = client.get("/search/", {"q": "radio", "format": "json"}).json()
    assert exact["estimated"] is False
    assert exact["total"] == 9 and len(exact["results"]) == 9
