"""Updates change only what a record says; different URLs are different articles."""

import datetime
import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from archive.importers import Action
from archive.models import Article, Source
from tests.archive.importers.conftest import DATA, text_input
from tests.factories import AuthorFactory, SourceFactory, TagFactory, make_article

pytestmark = pytest.mark.django_db


def curated_article(**fields) -> Article:
    """A draft a curator has worked on: body, review note, tags, authors, kind."""
    source = SourceFactory(name="Border Signals", slug="border-signals")
    defaults = {
        "title": "Radio listening in Hyesan",
        "url": "https://bordersignals.example/reports/1",
        "source": source,
        "published": datetime.date(2023, 5, 1),
        "kind": Article.Kind.REPORT,
        "summary": "Who listens, and how.",
        "body": "<p>Listeners in Hyesan tune in after midnight.</p>",
        "status": Article.Status.DRAFT,
        "review_note": "Check the interviewee's name.",
        "language": "en",
    }
    defaults.update(fields)
    return make_article(
        authors=[AuthorFactory(name="Lee Min"), AuthorFactory(name="Ahn Soo")],
        tags=[TagFactory(name="radio", slug="radio")],
        **defaults,
    )


def stored(article: Article) -> dict:
    article = Article.objects.get(pk=article.pk)
    return {
        "title": article.title,
        "slug": article.slug,
        "url": article.url,
        "source": article.source.slug,
        "published": article.published,
        "published_is_inferred": article.published_is_inferred,
        "language": article.language,
        "kind": article.kind,
        "summary": article.summary,
        "body": article.body,
        "status": article.status,
        "review_note": article.review_note,
        "authors": [a.name for a in article.byline],
        "tags": sorted(t.slug for t in article.tags.all()),
    }


def test_a_listing_csv_imported_back_with_update_loses_nothing(client, import_files):
    article = curated_article(status=Article.Status.PUBLISHED)
    before = stored(article)
    csv_text = b"".join(client.get("/articles/?format=csv").streaming_content)
    # Unpublished after the export: the import must not publish it again.
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)

    report = import_files(text_input(csv_text, "articles.csv"), update=True)

    # Everything the CSV says, the article already holds.
    assert [o.action for o in report.outcomes] == [Action.UNCHANGED]
    # The CSV has no body, no status and no review note: all stay as stored.
    assert stored(article) == {**before, "status": Article.Status.DRAFT}


def test_a_listing_json_imported_back_with_update_loses_nothing(client, import_files):
    article = curated_article(status=Article.Status.PUBLISHED)
    before = stored(article)
    listing = client.get("/articles/?format=json").content
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)

    report = import_files(text_input(listing, "articles.json"), update=True)

    assert [o.action for o in report.outcomes] == [Action.UNCHANGED]
    assert stored(article) == {**before, "status": Article.Status.DRAFT}


def test_a_partial_record_changes_only_what_it_says(import_files):
    article = curated_article()
    before = stored(article)
    partial = {"url": "https://bordersignals.example/reports/1", "summary": "New."}
    report = import_files(text_input(json.dumps(partial), "a.jsonl"), update=True)
    assert [o.action for o in report.outcomes] == [Action.UPDATED]
    assert stored(article) == {**before, "summary": "New."}


def test_a_field_present_and_empty_clears_it(import_files):
    article = curated_article()
    before = stored(article)
    record = {
        "url": "https://bordersignals.example/reports/1",
        "tags": [],
        "summary": "",
        "review_note": "",
    }
    import_files(text_input(json.dumps(record), "a.jsonl"), update=True)
    assert stored(article) == {**before, "tags": [], "summary": "", "review_note": ""}


def test_status_changes_only_when_the_record_says_so(import_files):
    article = curated_article()
    record = {"url": article.url, "status": "published"}
    import_files(text_input(json.dumps(record), "a.jsonl"), update=True)
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


def test_a_partial_record_cannot_create_an_article(import_files):
    partial = {"url": "https://elsewhere.example/1", "summary": "New."}
    [outcome] = import_files(text_input(json.dumps(partial), "a.jsonl")).outcomes
    assert outcome.action is Action.FAILED
    assert "no title" in outcome.message
    assert not Article.objects.exists()


def test_the_full_export_round_trips_every_field(tmp_path, import_files):
    first = curated_article(slug="hyesan-radio")
    second = curated_article(
        title="Untitled teaser <b>kept</b>",
        url="",
        status=Article.Status.PUBLISHED,
        review_note="",
        kind=Article.Kind.ANALYSIS,
        published_is_inferred=True,
        language="ko",
        body="<p>조선중앙방송 청취자들.</p>",
        summary="Line one.\nLine two.",
    )
    Source.objects.filter(pk=first.source_id).update(homepage="https://bs.example")
    before = [stored(first), stored(second)]
    path = tmp_path / "archive.jsonl"
    call_command("export_articles", str(path), stderr=StringIO())
    lines = path.read_text().splitlines()
    assert len(lines) == 2

    # Alter everything, then restore with --update.
    for article in (first, second):
        Article.objects.filter(pk=article.pk).update(
            title="changed", summary="changed", status="published", review_note="",
            kind="blog", body="<p>changed</p>", body_text="changed",
            slug="changed", published=datetime.date(1999, 1, 1),
        )  # fmt: skip
        Article.objects.get(pk=article.pk).tags.clear()
        Article.objects.get(pk=article.pk).authors.clear()
    # The URL-less article is matched by its text: give it back first.
    Article.objects.filter(pk=second.pk).update(
        body="<p>조선중앙방송 청취자들.</p>", content_hash=second.content_hash
    )
    report = import_files(path, update=True)
    assert [o.action for o in report.outcomes] == [Action.UPDATED] * 2
    assert [stored(first), stored(second)] == before

    # Wiped: the same file rebuilds the archive as it was.
    Article.objects.all().delete()
    report = import_files(path)
    assert [o.action for o in report.outcomes] == [Action.CREATED] * 2
    rebuilt = [stored(a) for a in Article.objects.order_by("pk")]
    assert rebuilt == before
    assert Source.objects.get(slug="border-signals").homepage == "https://bs.example"


def test_two_feed_entries_with_different_links_and_the_same_teaser_are_two_articles(
    import_files,
):
    teaser = "<p>Read the full story on our site: a new report on state TV.</p>"
    entries = "".join(
        f"""<item><title>{title}</title><link>https://news.example/{slug}</link>
        <pubDate>Mon, 0{n} May 2023 10:00:00 GMT</pubDate>
        <description><![CDATA[{teaser}]]></description></item>"""
        for n, (title, slug) in enumerate(
            [("State TV shifts schedule", "tv"), ("Radio goes quiet", "radio")], 1
        )
    )
    feed = f"""<?xml version="1.0"?><rss version="2.0"><channel>
    <title>News Example</title><link>https://news.example/</link>{entries}
    </channel></rss>"""
    report = import_files(text_input(feed, "feed.xml"))
    assert [o.action for o in report.outcomes] == [Action.CREATED] * 2
    again = import_files(text_input(feed, "feed.xml"), update=True)
    assert [o.action for o in again.outcomes] == [Action.UNCHANGED] * 2
    titles = sorted(Article.objects.values_list("title", "url"))
    assert titles == [
        ("Radio goes quiet", "https://news.example/radio"),
        ("State TV shifts schedule", "https://news.example/tv"),
    ]


def test_a_duplicate_links_to_the_article_it_matched(admin_client):
    match = make_article(title="Hyesan radio", url="https://news.example/1")
    upload = json.dumps(
        {"title": "Again", "url": "https://news.example/1", "source": "S",
         "published": "2023-01-01", "body": "x"}
    ).encode()  # fmt: skip
    response = admin_client.post(
        "/admin/archive/article/import/",
        {"files": SimpleUploadedFile("a.jsonl", upload)},
    )
    content = response.content.decode()
    link = f'Matches <a href="/admin/archive/article/{match.pk}/change/">#{match.pk}'
    assert link in content
    assert "Hyesan radio" in content


def test_the_command_names_and_links_the_match(tmp_path):
    match = make_article(title="Hyesan radio", url="https://news.example/1")
    path = tmp_path / "a.jsonl"
    path.write_text(
        json.dumps({"title": "Again", "url": "https://news.example/1/", "source": "S",
                    "published": "2023-01-01", "body": "x"})
    )  # fmt: skip
    out = StringIO()
    call_command("import_articles", str(path), stdout=out, stderr=StringIO())
    assert f"#{match.pk} “Hyesan radio” (same URL)" in out.getvalue()
    assert f"/admin/archive/article/{match.pk}/change/" in out.getvalue()


def test_data_files_still_import(import_files):
    report = import_files(DATA / "mixed.jsonl")
    assert report.of(Action.CREATED)
