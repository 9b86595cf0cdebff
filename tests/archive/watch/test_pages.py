"""The article page's statement, the versions page, the difference and the changes page."""

import datetime
import re

import pytest
from django.utils import timezone

from archive.models import Article
from archive.watch.diff import word_diff
from archive.watch.recheck import recheck_article
from tests import test_untranslated as korean
from tests.archive.watch.pages import (
    CLOSING,
    NAMED,
    OPENING,
    UNNAMED,
    article_page,
    filed_article,
)

pytestmark = pytest.mark.django_db

# Records the messages a Korean page renders without a translation.
untranslated = korean.untranslated

DAY = datetime.timedelta(days=1)


@pytest.fixture
def edited(web):
    """A published article whose source removed a name from a paragraph."""
    article = filed_article(web)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
    article.refresh_from_db()
    start = timezone.now()
    recheck_article(article, now=start)
    web.page("/story", article_page(OPENING, UNNAMED, CLOSING))
    recheck_article(article, now=start + DAY)
    article.refresh_from_db()
    return article


def marked(html: str, tag: str) -> list[str]:
    """The text of every <del> or <ins>, without its screen-reader label."""
    found = re.findall(rf'<{tag} class="diff__\w+">(.*?)</{tag}>', html, re.S)
    return [re.sub(r'<span class="visually-hidden">.*?</span>', "", f) for f in found]


def test_the_word_difference_shows_exactly_the_name_removed():
    difference = word_diff(
        "\n".join([OPENING, NAMED, CLOSING]), "\n".join([OPENING, UNNAMED, CLOSING])
    )
    changed = [p for para in difference.paragraphs for p in para if p.changed]
    assert [(p.kind, p.text) for p in changed] == [("removed", "Jang Song Thaek,")]
    assert (difference.removed, difference.added) == (3, 0)
    assert len(difference.paragraphs) == 3


def test_the_article_page_says_it_changed_and_links_the_difference(client, edited):
    page = client.get(edited.get_absolute_url()).content.decode()
    day = timezone.now() + DAY
    assert "Changed at the source</strong> on " in page
    assert f"{day.day} {day:%B} {day.year} (2 versions)" in page
    assert f"/articles/{edited.pk}/versions/compare/" in page


def test_the_compare_page_marks_the_removed_name_and_escapes_the_text(client, edited):
    page = client.get(f"/articles/{edited.pk}/versions/compare/").content.decode()
    assert marked(page, "del") == ["Jang Song Thaek,"]
    assert marked(page, "ins") == []
    assert "3 words removed, 0 words added" in page
    assert "[removed:" in page  # said, not only coloured


def test_the_versions_page_lists_every_version_with_its_capture(client, edited):
    page = client.get(f"/articles/{edited.pk}/versions/").content.decode()
    assert "Version 1" in page and "Version 2" in page
    for version in edited.versions.all():
        assert f"/captures/{version.capture_id}.warc.gz" in page


@pytest.mark.parametrize("query", ["?from=9&to=1", "?from=abc", "?to=-1&from=%00"])
def test_a_comparison_of_versions_that_do_not_exist_says_so(client, edited, query):
    response = client.get(f"/articles/{edited.pk}/versions/compare/{query}")
    assert response.status_code == 200
    assert "There is no version" in response.content.decode()


def test_text_from_the_source_is_escaped_in_the_difference(web, client):
    article = filed_article(web)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
    recheck_article(article, now=timezone.now())
    web.page(
        "/story",
        article_page(
            OPENING, NAMED + " &lt;script&gt;alert(1)&lt;/script&gt;", CLOSING
        ),
    )
    recheck_article(article, now=timezone.now() + DAY)
    page = client.get(f"/articles/{article.pk}/versions/compare/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_gone_article_says_since_when_and_from_when_the_copy_is(
    web, client, settings
):
    settings.WATCH_GONE_FAILURES = 2
    settings.WATCH_GONE_AFTER = DAY
    article = filed_article(web)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
    start = timezone.now()
    recheck_article(article, now=start)
    web.page("/story", "<h1>Not found</h1>", status=404)
    recheck_article(article, now=start + DAY)
    recheck_article(article, now=start + 3 * DAY)
    page = client.get(article.get_absolute_url()).content.decode()
    since, copy = start + DAY, article.captures.order_by("fetched_at")[0].fetched_at
    assert (
        f"No longer at the source</strong> since {since.day} {since:%B} {since.year} "
        f"(HTTP 404); the archived copy below is from {copy.day} {copy:%B} {copy.year}."
    ) in page


def test_the_changes_page_lists_changes_with_the_difference_and_a_feed(client, edited):
    page = client.get("/changes/").content.decode()
    assert edited.title in page
    assert marked(page, "del") == ["Jang Song Thaek,"]
    feed = client.get("/changes/", {"format": "atom", "source": edited.source.slug})
    assert feed["Content-Type"].startswith("application/atom+xml")
    text = feed.content.decode()
    assert "Changed at the source: " in text and "Jang Song Thaek," in text
    other = client.get("/changes/", {"format": "atom", "source": "nobody-else"})
    assert "Changed at the source" in other.content.decode()  # unknown: every source


def test_the_changes_page_filters_by_source_and_explains_unknown_ones(client, edited):
    from tests.factories import SourceFactory

    SourceFactory(slug="quiet")
    assert edited.title not in client.get("/changes/?source=quiet").content.decode()
    page = client.get("/changes/?source=nope").content.decode()
    assert "There is no source “nope”" in page and edited.title in page
    assert client.get("/changes/?format=pdf").status_code == 400


def test_drafts_stay_private(client, web):
    article = filed_article(web)  # a draft
    recheck_article(article, now=timezone.now())
    assert client.get(f"/articles/{article.pk}/versions/").status_code == 404
    assert article.title not in client.get("/changes/").content.decode()


def day(moment) -> str:
    return f"{moment.day} {moment:%B} {moment.year}"


@pytest.fixture
def unreachable(web):
    """A published article whose source failed its first check (a 503)."""
    web.page("/down", article_page())
    article = filed_article(web, "/down")
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
    web.page("/down", "<h1>Service unavailable</h1>", status=503)
    recheck_article(article, now=timezone.now())
    article.refresh_from_db()
    return article


def test_an_article_whose_first_check_failed_says_so_not_nothing(client, unreachable):
    page = client.get(unreachable.get_absolute_url()).content.decode()
    assert (
        f"<strong>Not yet reached at the source</strong>: the check on "
        f"{day(timezone.now())} failed (HTTP 503)."
    ) in page
    assert "declared gone only after repeated failed checks" in page


def test_a_live_article_that_stops_answering_says_when_it_was_last_reached(web, client):
    article = filed_article(web)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
    start = timezone.now() - 3 * DAY
    recheck_article(article, now=start)
    web.page("/story", "<h1>Service unavailable</h1>", status=503)
    recheck_article(article, now=start + DAY)
    recheck_article(article, now=start + 2 * DAY)
    page = client.get(article.get_absolute_url()).content.decode()
    assert f"Still at the source, unchanged, when last reached on {day(start)}." in page
    assert f"The last 2 checks, since {day(start + DAY)}, failed (HTTP 503)." in page
    web.page("/story", article_page())
    recheck_article(article, now=start + 3 * DAY)
    page = client.get(article.get_absolute_url()).content.decode()
    assert f"when last reached on {day(start + 3 * DAY)}." in page
    assert "failed" not in page


@pytest.fixture
def gone_too(web, settings):
    settings.WATCH_GONE_FAILURES = 1
    settings.WATCH_GONE_AFTER = datetime.timedelta(0)
    article = filed_article(web, "/gone")
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
    recheck_article(article, now=timezone.now())
    web.page("/gone", "<h1>Not found</h1>", status=404)
    recheck_article(article, now=timezone.now() + DAY)
    article.refresh_from_db()
    return article


def test_the_watch_pages_are_korean_in_korean(
    client, edited, gone_too, unreachable, untranslated
):
    from django.utils import translation

    with translation.override("ko"):
        articles = (edited, gone_too, unreachable)
        urls = [article.get_absolute_url() for article in articles]
    urls += [
        f"/ko/articles/{edited.pk}/versions/",
        f"/ko/articles/{edited.pk}/versions/compare/",
        f"/ko/articles/{edited.pk}/versions/compare/?from=7",
        f"/ko/articles/{gone_too.pk}/versions/compare/",
        "/ko/changes/",
        "/ko/changes/?source=nope",
    ]
    for url in urls:
        untranslated.clear()
        korean.assert_korean(client.get(url), untranslated)
