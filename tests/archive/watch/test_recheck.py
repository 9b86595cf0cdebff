"""Re-checking articles against real local servers whose pages change between checks."""

import datetime

import pytest
from django.utils import timezone

from archive.models import Article
from archive.watch.models import Check, Version
from archive.watch.recheck import recheck_article
from tests.archive.watch.pages import (
    CLOSING,
    FRONT_PAGE,
    NOT_FOUND_PAGE,
    OPENING,
    UNNAMED,
    article_page,
    filed_article,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
Outcome = Check.Outcome
State = Article.AtSource


def test_an_article_never_checked_is_unchecked(web):
    article = filed_article(web)
    assert article.at_source == State.UNCHECKED
    assert article.checked is None


def test_a_page_as_it_was_is_unchanged_and_the_article_live(web):
    article = filed_article(web)
    now = timezone.now()
    check = recheck_article(article, now=now)
    assert check.outcome == Outcome.UNCHANGED
    assert check.http_status == 200
    article.refresh_from_db()
    assert (article.at_source, article.checked) == (State.LIVE, now)
    # The first version is the captured page, read from its WARC record.
    version = article.versions.get()
    assert version.number == 1 and "Jang Song Thaek" in version.text
    assert version.capture == article.captures.order_by("fetched_at").first()


def test_a_name_removed_at_the_source_makes_a_new_version_and_capture(web):
    article = filed_article(web)
    curated = article.body
    recheck_article(article, now=timezone.now())
    web.page("/story", article_page(OPENING, UNNAMED, CLOSING))
    check = recheck_article(article, now=timezone.now() + DAY)
    assert check.outcome == Outcome.CHANGED
    assert article.captures.count() == 2
    first, second = article.versions.order_by("number")
    assert "Jang Song Thaek" in first.text and "Jang Song Thaek" not in second.text
    assert check.version == second and second.capture == check.capture
    article.refresh_from_db()
    assert article.at_source == State.CHANGED
    assert article.at_source_since == check.checked_at
    assert article.body == curated  # the curated text stays


def test_a_conditional_get_sends_the_validators_and_a_304_is_unchanged(web):
    page = article_page().encode()

    def serve(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.answer(304, b"", {"ETag": '"v1"'})
        else:
            handler.answer(
                200,
                page,
                {"ETag": '"v1"', "Last-Modified": "Sun, 01 Mar 2026 09:00:00 GMT"},
            )

    web.handler("/story", serve)
    from archive.collect.capture import capture_url

    article = Article.objects.get(pk=capture_url(web.url("/story")).article_id)
    recheck_article(article, now=timezone.now())
    check = recheck_article(article, now=timezone.now() + DAY)
    assert check.outcome == Outcome.UNCHANGED and check.http_status == 304
    last = web.hits("/story")[-1].headers
    assert last["If-None-Match"] == '"v1"'
    assert last["If-Modified-Since"] == "Sun, 01 Mar 2026 09:00:00 GMT"


@pytest.mark.parametrize(
    ("serve", "words"),
    [
        (lambda web: web.page("/story", "<h1>Not Found</h1>", status=404), "HTTP 404"),
        (lambda web: web.page("/story", "<h1>Gone</h1>", status=410), "HTTP 410"),
        (
            lambda web: (web.page("/", FRONT_PAGE), web.redirect("/story", "/")),
            "redirected to the front page",
        ),
        (lambda web: web.page("/story", NOT_FOUND_PAGE), "says it was not found"),
        (
            lambda web: (
                web.page(
                    "/other",
                    article_page(
                        "A different story about fishing boats "
                        "in the East Sea and the catch of the season, told at length by "
                        "the fishermen of the cooperative farm near Wonsan.",
                        title="Fishing",
                    ),
                ),
                web.redirect("/story", "/other"),
            ),
            "redirected to an unrelated page",
        ),
    ],
    ids=["404", "410", "front-page", "soft-404", "unrelated"],
)
def test_a_page_that_went_is_gone_but_declared_so_only_after_repeated_failures(
    web, settings, serve, words
):
    settings.WATCH_GONE_FAILURES = 3
    settings.WATCH_GONE_AFTER = 7 * DAY
    article = filed_article(web)
    start = timezone.now()
    recheck_article(article, now=start)
    serve(web)
    first = recheck_article(article, now=start + DAY)
    assert first.outcome == Outcome.GONE and words in first.detail
    assert not first.declared_gone
    article.refresh_from_db()
    assert article.at_source == State.LIVE  # one bad answer declares nothing
    recheck_article(article, now=start + 4 * DAY)
    third = recheck_article(article, now=start + 8 * DAY)
    assert third.declared_gone
    article.refresh_from_db()
    assert article.at_source == State.GONE
    assert article.at_source_since == start + DAY  # since the first failure
    assert third.capture is not None  # the answer kept as evidence


def test_a_server_that_fails_once_and_recovers_is_not_gone(web, settings):
    settings.WATCH_GONE_FAILURES = 2
    settings.WATCH_GONE_AFTER = 2 * DAY
    article = filed_article(web)
    start = timezone.now()
    recheck_article(article, now=start)
    web.page("/story", "<h1>Internal error</h1>", status=500)
    failed = recheck_article(article, now=start + DAY)
    assert failed.outcome == Outcome.UNREACHABLE and "500" in failed.detail
    web.page("/story", article_page())
    back = recheck_article(article, now=start + 3 * DAY)
    assert back.outcome == Outcome.UNCHANGED
    web.page("/story", "<h1>Internal error</h1>", status=503)
    again = recheck_article(article, now=start + 4 * DAY)
    assert not again.declared_gone  # the count started again after the recovery
    article.refresh_from_db()
    assert article.at_source == State.LIVE
    assert article.watch.failures == 1


def test_a_server_that_keeps_failing_is_gone_after_the_configured_time(web, settings):
    settings.WATCH_GONE_FAILURES = 3
    settings.WATCH_GONE_AFTER = 10 * DAY
    article = filed_article(web)
    start = timezone.now()
    recheck_article(article, now=start)
    web.stop()  # nothing answers any more
    web.server = None
    checks = [recheck_article(article, now=start + n * DAY) for n in (1, 2, 3, 6)]
    assert all(c.outcome == Outcome.UNREACHABLE for c in checks)
    assert not any(c.declared_gone for c in checks)  # four failures, but only 5 days
    article.refresh_from_db()
    assert article.at_source == State.LIVE
    last = recheck_article(article, now=start + 11 * DAY)
    assert last.declared_gone and "could not connect" in last.detail
    article.refresh_from_db()
    assert (article.at_source, article.at_source_since) == (State.GONE, start + DAY)


def test_the_schedule_thins_out_with_age(web, settings):
    article = filed_article(web)
    first = article.captures.get().fetched_at
    recheck_article(article, now=first + DAY)
    assert article.watch.next_check == first + 2 * DAY  # daily in the first week
    recheck_article(article, now=first + 30 * DAY)
    article.watch.refresh_from_db()
    assert article.watch.next_check == first + 37 * DAY  # weekly in the first year
    recheck_article(article, now=first + 400 * DAY)
    article.watch.refresh_from_db()
    assert article.watch.next_check == first + 430 * DAY  # monthly after


def test_an_article_without_a_capture_gets_its_first_version_from_the_check(web):
    from tests.factories import make_article

    web.page("/plain", article_page())
    article = make_article(url=web.url("/plain"))
    check = recheck_article(article, now=timezone.now())
    assert check.outcome == Outcome.UNCHANGED and "first version" in check.detail
    assert Version.objects.get(article=article).capture == check.capture
    assert check.capture is not None


def test_a_curators_save_of_an_article_loaded_before_a_check_keeps_its_state(web):
    from archive import services

    article = filed_article(web)
    stale = Article.objects.get(pk=article.pk)
    recheck_article(article, now=timezone.now())
    services.article_update(article=stale, title="A curator's title")
    stale.refresh_from_db()
    assert stale.title == "A curator's title"
    assert stale.at_source == State.LIVE and stale.checked is not None
