"""The kept counts always equal counting the articles, after every kind of write."""

import datetime

import pytest

from archive import browse, services, tally
from archive.models import Article, Tally
from tests.factories import AuthorFactory, SourceFactory, TagFactory, make_article

pytestmark = pytest.mark.django_db

FACETS = ("source", "tag", "author", "lang", "kind", "year")


def counted(queryset=None, within=None):
    """Every facet's counts, straight from the articles (what the tallies stand for)."""
    articles = queryset if queryset is not None else Article.objects.published()
    return {
        name: sorted(browse.value_counts(articles, name, None), key=str)
        for name in FACETS
    }


def tallied(within=None):
    return {
        name: sorted(browse.tallied_counts(name, None, within=within), key=str)
        for name in FACETS
        if not (within and name in ("lang", "kind", "year"))
    }


def assert_current():
    published = Article.objects.published()
    assert tally.total() == published.count()
    assert tallied() == counted()
    # Each registry entry's coverage and the values that go with it.
    for facet, relation in (
        ("source", "source"),
        ("tag", "tags"),
        ("author", "authors"),
    ):
        model = Article._meta.get_field(relation).related_model
        for entry in model.objects.all():
            mine = published.filter(**{relation: entry})
            assert tally.value_total(facet, entry.pk) == mine.count()
            assert browse.year_histogram(
                None, within=(facet, entry.pk)
            ) == browse.year_histogram(mine if mine.exists() else published.none())
            expected = counted(mine)
            got = tallied(within=(facet, entry.pk))
            for other in got:
                if other != facet:
                    assert got[other] == expected[other], (facet, entry, other)


@pytest.fixture
def world():
    wire, daily = SourceFactory(name="Wire"), SourceFactory(name="Daily")
    radio, phones = TagFactory(name="Radio"), TagFactory(name="Phones")
    kim, lee = AuthorFactory(name="Kim"), AuthorFactory(name="Lee")
    articles = [
        make_article(
            source=wire if n % 2 else daily,
            tags=[radio, phones][: n % 3],
            authors=[kim, lee][: n % 3],
            published=datetime.date(2018 + n % 4, 3, 1),
            language="ko" if n % 4 == 0 else "en",
        )
        for n in range(12)
    ]
    return locals()


def test_counts_follow_creates_edits_and_status_changes(world):
    assert_current()
    article = world["articles"][1]
    services.article_update(
        article=article,
        tags=[world["phones"]],
        authors=[world["lee"]],
        published=datetime.date(2010, 1, 1),
        kind=Article.Kind.REPORT,
    )
    assert_current()
    services.article_unpublish(article=article)
    assert_current()
    services.article_publish(article=article)
    services.article_delete(article=world["articles"][2])
    assert_current()
    make_article(status=Article.Status.DRAFT, source=world["wire"])
    assert_current()


def test_counts_follow_bulk_actions_merges_and_deletes(world):
    everything = Article.objects.all()
    services.articles_set_status(
        articles=everything.filter(source=world["wire"]), status=Article.Status.DRAFT
    )
    assert_current()
    services.articles_set_status(articles=everything, status=Article.Status.PUBLISHED)
    services.articles_add_tag(articles=everything, tag=world["radio"])
    assert_current()
    services.articles_remove_tag(
        articles=everything.filter(language="ko"), tag=world["radio"]
    )
    services.tag_merge(tag=world["phones"], into=world["radio"])
    assert_current()
    services.author_merge(author=world["kim"], into=world["lee"])
    services.source_merge(source=world["daily"], into=world["wire"])
    assert_current()
    services.registry_delete(entry=world["lee"])
    world["radio"].articles.clear()
    assert_current()


def test_a_rename_shows_at_once_and_changes_no_count(client, world):
    world["radio"].name = "Shortwave radio"
    services.registry_save(entry=world["radio"])
    assert "Shortwave radio" in client.get("/tags/").content.decode()
    assert "Shortwave radio" in client.get("/").content.decode()
    assert_current()


def test_home_and_registries_show_a_publication_on_the_next_request(client, world):
    before = client.get("/").content.decode()
    assert "<strong>12</strong> articles from <strong>2</strong> sources" in before
    make_article(source=SourceFactory(name="Third"), title="Fresh story")
    after = client.get("/").content.decode()
    assert "<strong>13</strong> articles from <strong>3</strong> sources" in after
    assert "Third" in client.get("/sources/").content.decode()
    assert "Fresh story" in after


def test_recounting_from_scratch_and_folding_give_the_same_counts(world):
    services.articles_add_tag(articles=Article.objects.all(), tag=world["phones"])
    services.article_unpublish(article=world["articles"][0])
    kept = tallied()
    rows = Tally.objects.count()
    assert tally.fold() > 0
    assert Tally.objects.count() < rows
    assert tallied() == kept
    assert tally.recount_all() == Article.objects.published().count()
    assert tallied() == kept
    assert_current()


def test_home_counts_nothing_from_the_articles_table(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
        assert client.get("/tags/").status_code == 200
        assert client.get("/sources/").status_code == 200
    counting = [
        q["sql"]
        for q in queries.captured_queries
        if "COUNT(" in q["sql"].upper() and "archive_article" in q["sql"]
    ]
    assert counting == []


def test_recount_archive_repairs_counts_after_an_edit_in_sql(world):
    from io import StringIO

    from django.core.management import call_command

    Article.objects.filter(pk=world["articles"][0].pk).update(
        status="draft"
    )  # no signal
    assert tally.total() != Article.objects.published().count()
    out = StringIO()
    call_command("recount_archive", stdout=out)
    assert "Counted 11 published articles." in out.getvalue()
    assert_current()
