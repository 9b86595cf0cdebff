"""Following feeds against real local servers: new items, 304s, fallbacks, hostile feeds."""

import datetime
import time

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from archive.collect.feeds import poll_due
from archive.collect.models import Capture, Feed
from archive.jobs.schedule import site_jobs
from archive.models import Article
from tests.archive.collect.feeds import rss, serve_feed, serve_items
from tests.archive.collect.pages import KOREAN_TEXT
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def make_feed(web, path="/feed.xml", **fields) -> Feed:
    source = fields.pop("source", None) or SourceFactory(name="Border Signals")
    return Feed.objects.create(source=source, url=web.url(path), **fields)


def due_again() -> None:
    Feed.objects.update(next_poll=timezone.now() - datetime.timedelta(seconds=1))


def test_new_items_become_drafts_with_their_captures(web, capsys):
    items = serve_items(web, 3)
    serve_feed(web, "/feed.xml", rss(items), etag='"v1"')
    feed = make_feed(web)
    call_command("collect")
    out = capsys.readouterr().out
    assert "3 items listed, 3 new, 0 already in the archive" in out
    assert "1 feeds polled, 3 new items." in out
    articles = Article.objects.order_by("title")
    assert [a.title for a in articles] == [f"Listeners report {n}" for n in (1, 2, 3)]
    for article in articles:
        assert article.status == Article.Status.DRAFT
        assert article.source == feed.source
        capture = article.captures.get()
        assert capture.origin == Capture.Origin.FEED and capture.http_status == 200
    feed.refresh_from_db()
    assert feed.failures == 0 and feed.last_error == ""
    assert feed.last_success and feed.last_new_item == feed.last_success
    assert (feed.etag, feed.last_modified) == ('"v1"', "Tue, 12 Mar 2024 09:00:00 GMT")
    assert feed.next_poll - feed.last_success == datetime.timedelta(minutes=60)
    # The feed asked for what feeds are, not for a web page.
    assert "application/rss+xml" in web.hits("/feed.xml")[0].headers["Accept"]


def test_a_second_poll_answered_304_captures_nothing(web, capsys):
    items = serve_items(web, 2)
    serve_feed(web, "/feed.xml", rss(items), etag='"v1"')
    feed = make_feed(web)
    call_command("collect")
    first_success = Feed.objects.get().last_success
    due_again()
    call_command("collect")
    assert "not modified since the last poll" in capsys.readouterr().out
    second = web.hits("/feed.xml")[1].headers
    assert second["If-None-Match"] == '"v1"'
    assert second["If-Modified-Since"] == "Tue, 12 Mar 2024 09:00:00 GMT"
    assert Capture.objects.count() == 2 and Article.objects.count() == 2
    assert len(web.hits("/item-1")) == 1
    feed.refresh_from_db()
    assert feed.last_success > first_success
    assert feed.last_new_item == first_success


def test_a_feed_not_yet_due_is_left_alone(web, capsys):
    serve_feed(web, "/feed.xml", rss(serve_items(web, 1)))
    make_feed(web, next_poll=timezone.now() + datetime.timedelta(minutes=5))
    call_command("collect")
    assert "No feed is due." in capsys.readouterr().out
    assert not web.hits("/feed.xml")
    call_command("collect", "--all")
    assert len(web.hits("/feed.xml")) == 1


def test_a_changed_feed_files_only_its_new_items(web):
    items = serve_items(web, 2)
    serve_feed(web, "/feed.xml", rss(items))
    make_feed(web)
    poll_due()
    serve_feed(web, "/feed.xml", rss(items + serve_items(web, 1, first=3)))
    due_again()
    [outcome] = poll_due()
    assert (outcome.new, outcome.known) == (1, 2), outcome.message
    assert len(web.hits("/item-1")) == 1  # not fetched again
    assert Article.objects.count() == 3


def test_an_item_whose_page_is_gone_is_filed_from_the_feed_and_says_so(web):
    web.page("/gone", "<p>Not here</p>", status=404)
    text = "Receivers smuggled across the river sell well at the markets. " * 8
    serve_feed(
        web,
        "/feed.xml",
        rss([{"title": "Receivers in demand", "link": web.url("/gone"), "text": text}]),
    )
    make_feed(web)
    [outcome] = poll_due()
    assert (outcome.new, outcome.from_feed) == (1, 1), outcome.message
    assert "1 of them from the feed's text" in outcome.message
    article = Article.objects.get()
    assert article.title == "Receivers in demand"
    assert "Receivers smuggled across the river" in article.body_text
    assert article.url == web.url("/gone")
    assert article.status == Article.Status.DRAFT
    assert (
        f"the page {web.url('/gone')} could not be fetched "
        "(the server answered 404 Not Found): filed from the feed's entry, "
        "with no capture of the page"
    ) in article.review_note
    assert not article.captures.exists()


def test_an_item_whose_host_is_unreachable_is_filed_from_the_feed(web):
    serve_feed(
        web,
        "/feed.xml",
        rss([{"title": "Unreachable", "link": "http://127.0.0.1:9/story"}]),
    )
    make_feed(web)
    [outcome] = poll_due()
    assert outcome.from_feed == 1, outcome.message
    assert "could not connect to 127.0.0.1" in Article.objects.get().review_note


def test_a_trusted_source_publishes_its_new_items(web):
    serve_feed(web, "/feed.xml", rss(serve_items(web, 2)))
    make_feed(web, source=SourceFactory(name="Daily NK", trusted=True))
    poll_due()
    statuses = set(Article.objects.values_list("status", flat=True))
    assert statuses == {Article.Status.PUBLISHED}


def test_the_same_link_in_two_feeds_makes_one_article(web):
    [item] = serve_items(web, 1)
    tracked = {**item, "link": item["link"] + "?utm_source=rss&utm_medium=feed"}
    serve_feed(web, "/a.xml", rss([item]))
    serve_feed(web, "/b.xml", rss([tracked], title="Other"))
    make_feed(web, "/a.xml")
    make_feed(web, "/b.xml", source=SourceFactory(name="Aggregator"))
    outcomes = poll_due(threads=1)
    assert sorted((o.new, o.known) for o in outcomes) == [(0, 1), (1, 0)]
    assert Article.objects.count() == 1 and Capture.objects.count() == 1
    assert len([seen for seen in web.requests if "/item-1" in seen.path]) == 1


HOSTILE = {
    "html": (
        "<!DOCTYPE html><html><head><title>Home</title></head><body><p>Hi</p></body></html>",
        "not a feed: the address answered with a web page (HTML), not RSS or Atom",
    ),
    "text": ("just words, no markup", "not a feed: the answer is not well-formed XML"),
    "malformed": (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>"
        "<item><title>Broken</titl><link>http://x/1</link></item></channel></rss>",
        "the feed's XML is malformed (mismatched tag at line 1, column 103)",
    ),
    "billion laughs": (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<rss version="2.0"><channel><title>&lol3;</title><item><title>&lol3;</title>'
        "<link>http://x/1</link></item></channel></rss>",
        "the feed declares its own XML entities (a DTD)",
    ),
    "external entity": (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<rss version="2.0"><channel><title>x</title><item><title>&xxe;</title>'
        "<link>http://x/1</link></item></channel></rss>",
        "the feed declares its own XML entities (a DTD)",
    ),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_or_broken_feed_is_a_clear_error_on_the_feed(web, kind, capsys):
    body, message = HOSTILE[kind]
    serve_feed(web, "/feed.xml", body)
    feed = make_feed(web)
    with pytest.raises(CommandError, match="1 feeds failed"):
        call_command("collect")
    err = capsys.readouterr().err
    assert f"{web.url('/feed.xml')} (Border Signals): FAILED: {message}" in err
    feed.refresh_from_db()
    assert feed.last_error.startswith(message) and feed.failures == 1
    assert feed.last_success is None
    assert not Article.objects.exists() and not Capture.objects.exists()


def test_a_huge_slow_or_failing_feed_is_a_clear_error(web, settings):
    settings.CAPTURE_MAX_BYTES = 50_000
    settings.CAPTURE_TIMEOUT = 1
    web.page("/huge.xml", rss([{"title": "x" * 100_000, "link": web.url("/1")}]))
    web.page("/slow.xml", rss([]), delay=3)
    web.page("/broken.xml", "oops", status=500)
    for path in ("/huge.xml", "/slow.xml", "/broken.xml"):
        make_feed(web, path)
    outcomes = {outcome.url: outcome for outcome in poll_due()}
    errors = {
        path: outcomes[web.url(path)].message
        for path in ("/huge.xml", "/slow.xml", "/broken.xml")
    }
    assert errors == {
        "/huge.xml": "the page is larger than the limit of 48.8\xa0KB",
        "/slow.xml": "127.0.0.1 stopped answering (timed out)",
        "/broken.xml": "the server answered 500 Internal Server Error",
    }
    assert set(Feed.objects.values_list("failures", flat=True)) == {1}


def test_failures_back_off_and_a_success_resets_them(web):
    web.page("/feed.xml", "oops", status=500)
    feed = make_feed(web, poll_minutes=30)
    for failures, wait in ((1, 60), (2, 120), (3, 240)):
        due_again()
        poll_due()
        feed.refresh_from_db()
        assert feed.failures == failures
        assert feed.next_poll - feed.last_polled >= datetime.timedelta(minutes=wait)
        assert feed.next_poll - feed.last_polled < datetime.timedelta(minutes=wait + 1)
    assert poll_due() == []  # backing off: not due
    assert len(web.hits("/feed.xml")) == 3
    serve_feed(web, "/feed.xml", rss(serve_items(web, 1)))
    due_again()
    poll_due()
    feed.refresh_from_db()
    assert (feed.failures, feed.last_error) == (0, "")
    assert feed.last_new_item is not None


def test_back_off_stops_at_a_day():
    feed = Feed(poll_minutes=60, failures=12)
    from archive.collect.feeds import backoff

    assert backoff(feed) == datetime.timedelta(days=1)


def test_a_feed_is_quiet_after_three_of_its_usual_intervals(web):
    days = [datetime.datetime(2024, 3, d, 9, tzinfo=datetime.UTC) for d in (10, 12, 14)]
    items = [
        dict(item, date=day)
        for item, day in zip(serve_items(web, 3), days, strict=True)
    ]
    serve_feed(web, "/feed.xml", rss(items))
    feed = make_feed(web)
    poll_due()
    feed.refresh_from_db()
    assert feed.item_interval == datetime.timedelta(days=2)
    assert feed.quiet_after == feed.last_new_item + datetime.timedelta(days=6)
    assert not Feed.objects.quiet().exists()
    assert Feed.objects.quiet(feed.quiet_after).get() == feed


def test_feeds_of_one_host_are_paced_across_threads(web, settings, transactional_db):
    settings.CAPTURE_HOST_DELAY = 0.3
    for number in range(4):
        serve_feed(web, f"/feed-{number}.xml", rss([]))
        make_feed(web, f"/feed-{number}.xml")
    started = time.monotonic()
    outcomes = poll_due(threads=4)
    assert all(outcome.ok for outcome in outcomes), [o.message for o in outcomes]
    # Each request waits for its own slot, 0.3 s after the one before (a
    # request may arrive late, never early).
    arrivals = sorted(seen.at - started for seen in web.requests)
    assert len(arrivals) == 4
    assert all(at >= 0.3 * n - 0.01 for n, at in enumerate(arrivals)), arrivals


def test_feeds_of_different_hosts_are_polled_at_once(web, settings, transactional_db):
    settings.CAPTURE_HOST_DELAY = 0
    for number in range(4):
        web.page(f"/feed-{number}.xml", rss([]), delay=1.0)
    source = SourceFactory()
    for number, host in enumerate(["127.0.0.1", "localhost", "127.0.0.1", "localhost"]):
        Feed.objects.create(
            source=source, url=web.url(f"/feed-{number}.xml", host=host)
        )
    started = time.monotonic()
    outcomes = poll_due(threads=4)
    assert all(outcome.ok for outcome in outcomes), [o.message for o in outcomes]
    assert time.monotonic() - started < 3.0  # one after another: 4 s at least


def test_a_private_address_is_refused_for_feeds_too(web, settings):
    settings.CAPTURE_ALLOW_PRIVATE_NETWORKS = False
    serve_feed(web, "/feed.xml", rss([]))
    feed = make_feed(web)
    [outcome] = poll_due()
    assert "points to a private or local network address" in outcome.message
    assert not web.requests
    feed.refresh_from_db()
    assert feed.failures == 1


def test_the_worker_polls_feeds_on_its_schedule(web):
    assert "archive.collect.tasks.poll_feeds" in site_jobs()
    serve_feed(web, "/feed.xml", rss(serve_items(web, 1)))
    make_feed(web)
    from archive.collect.tasks import poll_feeds

    assert poll_feeds.call() == "1 feeds polled, 1 new items, 0 failed"


def test_a_second_poller_takes_no_feed_already_claimed(web):
    serve_feed(web, "/feed.xml", rss([]))
    make_feed(web)
    from archive.collect.feeds import claim_due

    assert len(claim_due()) == 1
    assert claim_due() == []


def test_a_korean_feed_in_euc_kr_is_read_in_its_encoding(web):
    text = KOREAN_TEXT * 2
    body = rss(
        [
            {
                "title": "평양에서 새 손전화 봉사망 개통",
                "link": web.url("/gone"),
                "text": text,
            }
        ]
    )
    body = body.replace("encoding='utf-8'", "encoding='euc-kr'").encode("cp949")
    web.page("/feed.xml", body, headers={"Content-Type": "application/rss+xml"})
    make_feed(web)
    [outcome] = poll_due()
    assert outcome.from_feed == 1, outcome.message
    article = Article.objects.get()
    assert article.title == "평양에서 새 손전화 봉사망 개통"
    assert "손전화 봉사망이 개통되였다" in article.body_text
    assert article.language == "ko"


@pytest.mark.parametrize(
    "encode",
    [
        lambda xml: xml.encode("utf-16"),  # with its byte order mark
        lambda xml: xml.encode("utf-16-be"),
        lambda xml: xml.encode("utf-32"),
        # A DTD may come after any number of comments.
        lambda xml: xml.replace("?>", "?>" + "<!-- padding -->" * 20_000, 1).encode(),
    ],
)
def test_entities_are_refused_in_any_encoding_and_anywhere_before_the_feed(web, encode):
    body, message = HOSTILE["billion laughs"]
    web.page("/feed.xml", encode(body), headers={"Content-Type": "application/xml"})
    make_feed(web)
    [outcome] = poll_due()
    assert outcome.message.startswith(message)
    assert not Article.objects.exists()


def test_a_feed_another_poller_took_meanwhile_is_left_to_it(web):
    serve_feed(web, "/feed.xml", rss([]))
    make_feed(web)
    from archive.collect.feeds import claim_due, poll_feed

    [feed] = claim_due()
    # This poller's claim ran out during a long run; another poller took the feed.
    Feed.objects.update(claim="another-poller")
    assert poll_feed(feed) is None
    assert not web.requests
    assert Feed.objects.get().claim == "another-poller"
