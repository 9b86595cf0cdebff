"""Feeds in the admin: on the source's page, their health, the filters and "Poll now"."""

import datetime

import pytest
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from archive.collect.admin import feed_health
from archive.collect.models import Feed
from archive.collect.tasks import poll_feeds
from archive.models import Article, Source
from tests.archive.collect.feeds import rss, serve_feed, serve_items
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

FEEDS = "/admin/collect/feed/"
SOURCES = "/admin/archive/source/"
AGO = datetime.timedelta(days=10)


@pytest.fixture
def feeds():
    """A failing, a quiet and a healthy feed, each of its own source."""
    now = timezone.now()
    return {
        "failing": Feed.objects.create(
            source=SourceFactory(name="Failing News"),
            url="https://failing.example.org/rss",
            last_polled=now,
            last_success=now - AGO,
            failures=3,
            last_error="the server answered 500 Internal Server Error",
        ),
        "quiet": Feed.objects.create(
            source=SourceFactory(name="Quiet News"),
            url="https://quiet.example.org/rss",
            last_polled=now,
            last_success=now,
            last_new_item=now - AGO,
            item_interval=datetime.timedelta(days=1),
            quiet_after=now - AGO + datetime.timedelta(days=3),
        ),
        "healthy": Feed.objects.create(
            source=SourceFactory(name="Busy News"),
            url="https://busy.example.org/rss",
            last_polled=now,
            last_success=now,
            last_new_item=now,
            item_interval=datetime.timedelta(hours=2),
            quiet_after=now + datetime.timedelta(hours=6),
        ),
    }


def listed(html: str, feeds: dict) -> set[str]:
    return {name for name, feed in feeds.items() if feed.url in html}


def test_the_feed_list_shows_each_feeds_health_in_words(editor_client, feeds):
    html = editor_client.get(FEEDS).content.decode()
    assert "Failing (3 failures in a row)" in html
    assert "the server answered 500 Internal Server Error" in html
    assert "Quiet" in html and "Healthy" in html
    for column in ("last success", "last new item", "last error"):
        assert column in html.lower()


@pytest.mark.parametrize(
    "health, expected",
    [("failing", {"failing"}), ("quiet", {"quiet"}), ("healthy", {"healthy"})],
)
def test_the_feed_list_filters_by_health(editor_client, feeds, health, expected):
    html = editor_client.get(FEEDS, {"health": health}).content.decode()
    assert listed(html, feeds) == expected


def source_names(html: str) -> set[str]:
    names = ("Failing News", "Quiet News", "Busy News", "No Feeds")
    return {name for name in names if f">{name}<" in html}


@pytest.mark.parametrize(
    "choice, expected",
    [
        ("failing", {"Failing News"}),
        ("quiet", {"Quiet News"}),
        ("none", {"No Feeds"}),
    ],
)
def test_the_source_list_filters_failing_feeds_and_quiet_sources(
    editor_client, feeds, choice, expected
):
    SourceFactory(name="No Feeds")
    html = editor_client.get(SOURCES, {"feeds": choice}).content.decode()
    assert source_names(html) == expected


def test_a_source_with_one_lively_feed_is_not_quiet(editor_client, feeds):
    Feed.objects.create(
        source=feeds["quiet"].source,
        url="https://quiet.example.org/other.rss",
        quiet_after=timezone.now() + datetime.timedelta(days=1),
    )
    html = editor_client.get(SOURCES, {"feeds": "quiet"}).content.decode()
    assert source_names(html) == set()


def test_feeds_are_edited_on_the_source_page(editor_client):
    source = SourceFactory(name="Daily NK", slug="daily-nk", homepage="")
    page = editor_client.get(f"{SOURCES}{source.pk}/change/").content.decode()
    assert 'name="feeds-0-url"' in page and 'name="trusted"' in page
    response = editor_client.post(
        f"{SOURCES}{source.pk}/change/",
        {
            "name": "Daily NK",
            "slug": "daily-nk",
            "kind": Source.Kind.NEWS_OUTLET,
            "homepage": "",
            "country": "South Korea",
            "trusted": "on",
            "feeds-TOTAL_FORMS": "1",
            "feeds-INITIAL_FORMS": "0",
            "feeds-MIN_NUM_FORMS": "0",
            "feeds-MAX_NUM_FORMS": "1000",
            "feeds-0-url": "https://www.dailynk.com/feed/",
            "feeds-0-active": "on",
            "feeds-0-poll_minutes": "30",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    source.refresh_from_db()
    assert source.trusted
    feed = source.feeds.get()
    assert (feed.url, feed.active, feed.poll_minutes) == (
        "https://www.dailynk.com/feed/",
        True,
        30,
    )


def test_poll_now_asks_the_worker_and_the_worker_polls(
    editor_client, web, django_capture_on_commit_callbacks
):
    serve_feed(web, "/feed.xml", rss(serve_items(web, 1)))
    feed = Feed.objects.create(
        source=SourceFactory(),
        url=web.url("/feed.xml"),
        next_poll=timezone.now() + datetime.timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            FEEDS, {"action": "poll_now", "_selected_action": [feed.pk]}, follow=True
        )
    assert "1 feed will be polled by the background worker" in response.content.decode()
    assert DBTaskResult.objects.filter(
        task_path="archive.collect.tasks.poll_feeds"
    ).exists()
    assert poll_feeds.call() == "1 feeds polled, 1 new items, 0 failed"
    feed.refresh_from_db()
    assert feed.last_success and feed.failures == 0
    assert Article.objects.count() == 1
    html = editor_client.get(FEEDS).content.decode()
    assert "Healthy" in html


def test_health_words_are_translated():
    feed = Feed(pk=1, active=True, failures=2)
    with translation.override("ko"):
        assert feed_health(feed) != "Failing (2 failures in a row)"
