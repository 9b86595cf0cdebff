"""JSON, JSON Lines and CSV: the archive's own exports re-import, broken records are named."""

import csv
import datetime
import io
import json

import pytest

from archive.importers import Action
from archive.models import Article, Author, Source, Tag
from tests.archive.importers.conftest import DATA, text_input
from tests.factories import make_article

pytestmark = pytest.mark.django_db

SITE = "https://archive.example.org"
EXPORT_CSV_HEADER = [
    "id", "title", "url", "original_url", "source", "source_slug", "published",
    "authors", "tags", "language", "kind", "summary",
]  # fmt: skip


def sample_articles() -> list[Article]:
    bbc = Source.objects.create(name="BBC Korean", slug="bbc-korean")
    nk = Source.objects.create(name="NK News", slug="nk-news")
    lee = Author.objects.create(name="Lee Min-ji", slug="lee-min-ji")
    roe = Author.objects.create(name="Jane Roe", slug="jane-roe")
    radio = Tag.objects.create(name="radio", slug="radio")
    phones = Tag.objects.create(name="Mobile phones", slug="mobile-phones")
    return [
        make_article(
            title="Radio still reaches the North",
            source=bbc,
            authors=[lee, roe],
            tags=[radio],
            url="https://www.bbc.example/korean/radio-2019",
            published=datetime.date(2019, 6, 12),
            language="en",
            kind="analysis",
            summary="Shortwave radio remains a lifeline.\nA second summary line.",
            body="<p>Radio remains the <em>one</em> medium.</p>\n<h2>Cheap sets</h2>\n<p>Sets are cheap.</p>",
            status="published",
        ),
        make_article(
            title="휴대전화 사용 실태",
            source=nk,
            tags=[phones, radio],
            url="",
            published=datetime.date(2021, 1, 5),
            language="ko",
            kind="report",
            summary="",
            body="<p>휴대전화 사용자가 늘었다.</p>",
            status="published",
        ),
        make_article(
            title="-10 degrees and no power: a winter report",
            source=nk,
            authors=[roe],
            url="https://nknews.example/2022/winter",
            published=datetime.date(2022, 2, 1),
            language="en",
            kind="news",
            summary="=Power cuts lasted all week.",
            body="<p>Power cuts lasted all week in the capital.</p>",
            status="published",
        ),
    ]


def as_export_json(article: Article) -> dict:
    """One result in the shape of the archive's JSON export (search page)."""
    return {
        "id": article.pk,
        "title": article.title,
        "url": f"{SITE}/articles/{article.pk}/{article.slug}/",
        "original_url": article.url,
        "source": {"name": article.source.name, "slug": article.source.slug},
        "published": article.published.isoformat(),
        "published_is_inferred": article.published_is_inferred,
        "authors": [{"name": a.name, "slug": a.slug} for a in article.authors.all()],
        "tags": [{"name": t.name, "slug": t.slug} for t in article.tags.all()],
        "language": article.language,
        "kind": article.kind,
        "snippet": "…",
        "summary": article.summary,
        "body": article.body,
    }


def as_export_csv(articles: list[Article]) -> str:
    """The rows of the archive's CSV export (formula-like cells quoted as it does)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_CSV_HEADER)
    for a in articles:
        row = [
            str(a.pk), a.title, f"{SITE}/articles/{a.pk}/{a.slug}/", a.url, a.source.name,
            a.source.slug, a.published.isoformat(),
            ";".join(x.name for x in a.authors.all()), ";".join(t.name for t in a.tags.all()),
            a.language, a.kind, a.summary,
        ]  # fmt: skip
        writer.writerow(
            ["'" + c if c.startswith(("=", "+", "-", "@")) else c for c in row]
        )
    return out.getvalue()


def snapshot(*, with_body: bool = True) -> dict:
    """What a reader sees of every article, keyed by title."""
    return {
        a.title: {
            "source": (a.source.name, a.source.slug),
            "url": a.url,
            "authors": sorted(x.name for x in a.authors.all()),
            "tags": sorted(t.slug for t in a.tags.all()),
            "published": a.published,
            "kind": a.kind,
            "language": a.language,
            "summary": a.summary,
            "status": a.status,
            **({"body": a.body} if with_body else {}),
        }
        for a in Article.objects.all()
    }


def empty_the_archive() -> None:
    Article.objects.all().delete()
    for model in (Source, Author, Tag):
        model.objects.all().delete()


def test_the_json_export_imported_into_an_empty_archive_reproduces_the_articles(
    import_files,
):
    articles = sample_articles()
    before = snapshot()
    page = {"query": "", "total": 3, "results": [as_export_json(a) for a in articles]}
    empty_the_archive()
    report = import_files(text_input(json.dumps(page), "search.json"))
    assert report.summary() == "3 created, 0 updated, 0 skipped as duplicates, 0 failed"
    assert snapshot() == before


def test_the_csv_export_imported_into_an_empty_archive_reproduces_the_articles(
    import_files,
):
    articles = sample_articles()
    before = snapshot(with_body=False)
    exported = as_export_csv(articles)
    empty_the_archive()
    report = import_files(text_input("\ufeff" + exported, "browse.csv"))
    assert report.summary() == "3 created, 0 updated, 0 skipped as duplicates, 0 failed"
    assert snapshot(with_body=False) == before


def test_importing_an_export_again_skips_every_article(import_files):
    articles = sample_articles()
    page = [as_export_json(a) for a in articles]
    report = import_files(text_input(json.dumps(page), "export.json"))
    assert [o.action for o in report.outcomes] == [Action.DUPLICATE] * 3
    csv_report = import_files(text_input(as_export_csv(articles), "export.csv"))
    assert [o.action for o in csv_report.outcomes] == [Action.DUPLICATE] * 3
    assert Article.objects.count() == 3


def test_plain_shape_records_keep_their_own_status_and_metadata(import_files):
    import_files(DATA / "export.json")
    record = {
        "title": "Phones in Sinuiju markets",
        "source": "Border Signals",
        "url": "https://bordersignals.example/phones",
        "authors": ["Min-ji Kang"],
        "published": "2023-05-02",
        "language": "en",
        "kind": "Blog post",
        "tags": ["Mobile phones", "radio"],
        "summary": "Second-hand phones are sold openly.",
        "body": "Traders sell phones.\n\nPrices fell.",
        "status": "draft",
    }
    report = import_files(text_input(json.dumps([record]), "one.json"))
    assert report.summary().startswith("1 created")
    article = Article.objects.get(title="Phones in Sinuiju markets")
    assert article.status == "draft"
    assert article.kind == "blog"
    assert article.body == "<p>Traders sell phones.</p>\n<p>Prices fell.</p>"
    assert sorted(t.slug for t in article.tags.all()) == ["mobile-phones", "radio"]
    assert Tag.objects.filter(slug="radio").count() == 1


def test_a_json_lines_file_imports_every_good_record_and_names_every_broken_one(
    import_files,
):
    report = import_files(DATA / "mixed.jsonl")
    created = {o.location for o in report.of(Action.CREATED)}
    assert created == {"line 1", "line 6", "line 11"}
    failed = {o.location: o.message for o in report.failed}
    assert set(failed) == {f"line {n}" for n in (2, 3, 4, 5, 7, 8, 9, 10)}
    assert failed["line 2"] == "no title"
    assert "not a real date" in failed["line 3"]
    assert "invalid JSON" in failed["line 4"]
    assert "kind “gossip”" in failed["line 5"]
    assert "expected an article object" in failed["line 7"]
    assert "give a default source (--source)" in failed["line 8"]
    assert "language “xx”" in failed["line 9"]
    assert "status “secret”" in failed["line 10"]
    scrubbed = Article.objects.get(title="Script in the body is removed")
    assert scrubbed.body == "<p>Safe text.</p>"


def test_a_semicolon_csv_with_bom_and_any_header_case_is_read(import_files):
    report = import_files(DATA / "mixed_semicolon.csv")
    assert {o.location for o in report.of(Action.CREATED)} == {"line 2", "line 6"}
    failed = {o.location: o.message for o in report.failed}
    assert failed == {
        "line 3": "no title",
        "line 4": "published: “not-a-date” is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)",
        "line 5": "11 fields where the header names 10",
    }
    coders = Article.objects.get(title="Coders for hire")
    assert sorted(a.name for a in coders.authors.all()) == ["Jae Lee", "Min-ji Kang"]
    assert (coders.published, coders.published_is_inferred) == (
        datetime.date(2022, 1, 1),
        True,
    )


def test_records_of_a_json_array_are_located_by_number_and_line(import_files):
    text = '[\n  {"title": "Good", "source": "S", "published": "2020-01-01"},\n\n  {"title": ""}\n]'
    report = import_files(text_input(text, "array.json"))
    assert [(o.action, o.location) for o in report.outcomes] == [
        (Action.CREATED, "record 1 (line 2)"),
        (Action.FAILED, "record 2 (line 4)"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"title": "x",}]', "invalid JSON at line 1, column 16"),
        ("[" * 100_000 + "]" * 100_000, "nests too deeply"),
        ('"just a string"', "neither an article"),
        ("Name;Source\nRadio;BBC\n", "no “title” column (columns: name, source)"),
        ("Title;Source\n", "holds no articles (read as CSV)"),
    ],
)
def test_unreadable_data_files_fail_as_a_whole_with_the_reason(
    import_files, text, message
):
    name = "bad.json" if text.startswith(("[", '"')) else "bad.csv"
    [outcome] = import_files(text_input(text, name)).outcomes
    assert outcome.action is Action.FAILED
    assert message in outcome.message


def test_a_data_record_without_a_date_fails_unless_one_is_given(import_files):
    record = json.dumps({"title": "Undated", "source": "S", "body": "<p>Text.</p>"})
    [outcome] = import_files(text_input(record, "a.json")).outcomes
    assert (
        outcome.message
        == "no publication date: give “published” in the record or a default date (--published)"
    )
    import_files(text_input(record, "a.json"), published=datetime.date(2020, 5, 1))
    article = Article.objects.get(title="Undated")
    assert (article.published, article.published_is_inferred) == (
        datetime.date(2020, 5, 1),
        True,
    )


def test_a_body_nested_to_exhaust_the_sanitizer_fails_that_record_only(import_files):
    records = [
        {
            "title": "Deep",
            "source": "S",
            "published": "2020-01-01",
            "body": "<div>" * 10_000 + "x",
        },
        {
            "title": "Fine",
            "source": "S",
            "published": "2020-01-01",
            "body": "<p>ok</p>",
        },
    ]
    report = import_files(text_input(json.dumps(records), "a.json"))
    assert [o.action for o in report.outcomes] == [Action.FAILED, Action.CREATED]
    assert "more than 100 levels deep" in report.outcomes[0].message
