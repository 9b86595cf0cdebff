import csv
import datetime
import html
import io
import json
import re
from urllib.parse import parse_qsl

import bibtexparser
import feedparser
import jsonschema
import pytest
import rispy
from django.http import QueryDict

from archive.listing import exports
from archive.listing.exports import (
    CSV_HEADER,
    UnknownFormat,
    articles_in_order,
    csv_safe,
    requested_format,
)
from archive.models import Article
from tests.archive.sample_archive import build_sample_archive
from tests.archive.test_citations import CSL_SCHEMA
from tests.factories import AuthorFactory, SourceFactory, make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    return build_sample_archive()


def read_csv(response) -> list[dict]:
    assert response.streaming
    data = b"".join(response.streaming_content)
    assert data.startswith("\ufeff".encode()), "Excel needs the byte-order mark"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


# --- Atom -------------------------------------------------------------------


def test_atom_feed_parses_cleanly_with_the_matching_entries(client, archive):
    response = client.get("/articles/?tag=radio&format=atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [e.title for e in feed.entries] == [
        archive.korean_2023.title,
        archive.radio_2019.title,
        archive.radio_2012.title,
    ]
    entry = feed.entries[1]
    assert entry.link == f"http://testserver{archive.radio_2019.get_absolute_url()}"
    assert entry.id == f"http://testserver/articles/{archive.radio_2019.pk}/"
    assert entry.published_parsed[:3] == (2019, 9, 1)
    assert [t.term for t in entry.tags] == ["radio"]
    assert "radio" in feed.feed.title
    assert feed.feed.links[0].href == "http://testserver/articles/?tag=radio"


def test_atom_feed_holds_the_newest_fifty_whatever_the_sort(client):
    source = SourceFactory(name="Wire", slug="wire")
    for n in range(55):
        make_article(
            title=f"Wire {n:02d}",
            source=source,
            published=datetime.date(2020, 1, 1) + datetime.timedelta(days=n),
        )
    feed = feedparser.parse(client.get("/articles/?sort=oldest&format=atom").content)
    assert feed.bozo == 0
    assert len(feed.entries) == 50
    assert feed.entries[0].title == "Wire 54"
    assert feed.entries[-1].title == "Wire 05"


def test_atom_feed_carries_authors_and_escaped_summaries(client):
    article = make_article(title="A & B <c>", summary="Fish & chips < 5 won")
    article.authors.add(AuthorFactory(name="Kim Ji-hoon"))
    feed = feedparser.parse(client.get("/articles/?format=atom").content)
    assert feed.bozo == 0
    (entry,) = feed.entries
    assert entry.title == "A & B <c>"  # plain text kept as typed, escaped in the XML
    assert entry.summary == "Fish &amp; chips &lt; 5 won"  # HTML that reads as the text
    assert entry.author == "Kim Ji-hoon"


def test_an_empty_feed_is_still_valid(client, archive):
    feed = feedparser.parse(client.get("/articles/?year=1999&format=atom").content)
    assert feed.bozo == 0
    assert feed.entries == []


# --- CSV --------------------------------------------------------------------


def test_csv_holds_every_article_of_the_result_set(client):
    source = SourceFactory(name="Wire", slug="wire")
    made = {make_article(title=f"Wire {n}", source=source).pk for n in range(45)}
    make_article(title="Elsewhere")
    response = client.get("/articles/?source=wire&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert {int(row["id"]) for row in rows} == made


def test_csv_columns_and_joined_lists(client, archive):
    rows = read_csv(client.get("/articles/?format=csv&source=38-north"))
    assert tuple(rows[0].keys()) == CSV_HEADER
    (row,) = [r for r in rows if r["id"] == str(archive.intranet.pk)]
    assert row == {
        "id": str(archive.intranet.pk),
        "title": "Kwangmyong: the national intranet",
        "url": f"http://testserver{archive.intranet.get_absolute_url()}",
        "original_url": "",
        "source": "38 North",
        "source_slug": "38-north",
        "published": "2015-03-01",
        "published_is_inferred": "",
        "authors": "Martyn Williams;Jieun Baek",
        "tags": "internet",
        "language": "en",
        "kind": "analysis",
        "summary": "",
        "at_source": "unchecked",
        "checked": "",
    }


def test_csv_header_line_is_exact(client, archive):
    response = client.get("/articles/?format=csv")
    first_line = b"".join(response.streaming_content).decode().splitlines()[0]
    assert first_line == (
        "\ufeffid,title,url,original_url,source,source_slug,published,"
        "published_is_inferred,authors,tags,language,kind,summary,at_source,checked"
    )


def test_csv_flags_an_inferred_date_and_is_named_after_the_listing_and_day(client):
    source = SourceFactory(name="Wire", slug="wire")
    make_article(title="Undated", source=source, published_is_inferred=True)
    response = client.get("/articles/?source=wire&format=csv")
    (row,) = read_csv(response)
    assert row["published_is_inferred"] == "true"
    today = datetime.date.today().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="articles-source-wire-{today}.csv"'
    )


def test_search_csv_is_named_after_the_query(client):
    make_article(title="Kim Jong Un visits a factory")
    response = client.get("/search/?q=Kim+Jong-un&format=csv")
    today = datetime.date.today().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="search-kim-jong-un-{today}.csv"'
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Plain title", "Plain title"),
        ("", ""),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(value, expected):
    assert csv_safe(value) == expected


def test_csv_export_neutralizes_formulas_in_titles_and_summaries(client):
    make_article(title="=cmd|' /C calc'!A0", summary="@SUM(1+1)")
    (row,) = read_csv(client.get("/articles/?format=csv"))
    assert row["title"] == "'=cmd|' /C calc'!A0"
    assert row["summary"] == "'@SUM(1+1)"


def test_articles_in_order_keeps_order_across_chunks_and_skips_drafts(archive):
    ids = [*[a.pk for a in archive.published][::-1], archive.draft.pk, 10**9]
    loaded = list(articles_in_order(ids, chunk_size=3))
    assert [a.pk for a in loaded] == [a.pk for a in archive.published][::-1]


# --- JSON -------------------------------------------------------------------


def test_json_has_the_api_shape(client, archive):
    response = client.get("/articles/?tag=radio&format=json")
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert set(data) >= {
        "query", "total", "page", "pages", "results", "facets",
        "also_matched", "suggestion", "histogram",
    }  # fmt: skip
    assert data["total"] == 3 and data["page"] == 1 and data["pages"] == 1
    first = data["results"][0]
    assert first["id"] == archive.korean_2023.pk
    assert first["url"] == f"http://testserver{archive.korean_2023.get_absolute_url()}"
    assert first["source"] == {"name": "Daily NK", "slug": "daily-nk"}
    assert first["published"] == "2023-02-02"
    assert first["language"] == "ko"
    assert first["kind"] == "news"
    assert {"name": "radio", "slug": "radio"} in first["tags"]
    assert set(data["facets"]) == {
        "source",
        "tag",
        "author",
        "year",
        "language",
        "kind",
        "at_source",
    }
    radio = next(v for v in data["facets"]["tag"] if v["value"] == "radio")
    assert radio == {"value": "radio", "label": "radio", "count": 3, "selected": True}
    assert data["histogram"][0] == {"year": 2012, "count": 1}
    assert data["also_matched"] == [] and data["suggestion"] is None


def test_json_pages_like_the_html(client):
    for n in range(21):
        make_article(title=f"Story {n:02d}")
    data = json.loads(client.get("/articles/?format=json&page=2&sort=title").content)
    assert data["page"] == 2 and data["pages"] == 2
    assert [r["title"] for r in data["results"]] == ["Story 20"]


def test_json_snippets_are_escaped_html(client):
    make_article(title="Escapes", summary="<b>not bold</b> & more")
    (result,) = json.loads(client.get("/articles/?format=json").content)["results"]
    assert result["snippet"] == "&lt;b&gt;not bold&lt;/b&gt; &amp; more"


# --- Formats ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", "html"), ("format=CSV", "csv"), ("format=atom&format=x", "atom")],
)
def test_requested_format(query, expected):
    assert requested_format(QueryDict(query)) == expected


@pytest.mark.parametrize("value", ["xml", "rss", "x\x00ml", "a" * 500])
def test_unknown_formats_raise_a_readable_error(value):
    query = QueryDict(mutable=True)
    query["format"] = value
    with pytest.raises(UnknownFormat) as error:
        requested_format(query)
    message = str(error.value)
    assert "format=json" in message
    assert len(message) < 200
    assert "\x00" not in message


def test_exports_respect_exclusions(client, archive):
    rows = read_csv(client.get("/articles/?format=csv&not_source=daily-nk"))
    assert len(rows) == 4
    assert Article.objects.published().count() == 8


# --- Citations of a whole result set ------------------------------------------


def streamed_text(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def test_ris_of_a_listing_holds_every_match_with_structured_names(client):
    source = SourceFactory(name="Wire", slug="wire", kind="wire")
    author = AuthorFactory(name="Kim Tong-hyung")
    made = [
        make_article(title=f"Wire {n}", source=source, authors=[author])
        for n in range(45)
    ]
    make_article(title="Elsewhere")
    response = client.get("/articles/?source=wire&format=ris")
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    today = datetime.date.today().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="articles-source-wire-{today}.ris"'
    )
    records = rispy.loads(streamed_text(response))
    assert {r["title"] for r in records} == {a.title for a in made}
    assert {r["type_of_reference"] for r in records} == {"NEWS"}
    assert records[0]["authors"] == ["Kim, Tong-hyung"]
    assert "X-Export-Notice" not in response


def test_search_citations_follow_the_ranking_in_bibtex_and_csl_json(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Radio jamming", body="<p>radio radio radio</p>")
        make_article(title="A note", body="<p>one radio</p>")
        make_article(title="Unrelated", body="<p>phones</p>")
    library = bibtexparser.parse_string(
        streamed_text(client.get("/search/?q=radio&format=bibtex"))
    )
    assert not library.failed_blocks
    assert [e.fields_dict["title"].value for e in library.entries] == [
        "Radio jamming",
        "A note",
    ]
    items = json.loads(streamed_text(client.get("/search/?q=radio&format=csljson")))
    jsonschema.validate(items, CSL_SCHEMA)
    assert [item["title"] for item in items] == ["Radio jamming", "A note"]


def test_an_empty_result_set_is_an_empty_but_valid_file(client):
    assert json.loads(streamed_text(client.get("/search/?q=zzz&format=csljson"))) == []
    assert streamed_text(client.get("/articles/?source=none&format=ris")) == ""


def test_a_large_set_is_capped_with_a_notice(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "CITATION_LIMIT", 3)
    source = SourceFactory(name="Wire", slug="wire")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            make_article(title=f"Wire {n}", source=source)
    response = client.get("/articles/?source=wire&format=bibtex")
    text = streamed_text(response)
    notice = "This file holds the first 3 of 5 matches"
    assert response["X-Export-Notice"].startswith(notice)
    library = bibtexparser.parse_string(text)
    assert len(library.entries) == 3
    assert notice in library.comments[0].comment
    assert (
        len(rispy.loads(streamed_text(client.get("/search/?q=wire&format=ris")))) == 3
    )
    page = client.get("/articles/?source=wire").content.decode()
    assert "Citation files hold the first 3 matches" in page


def test_listings_link_the_citation_files_and_carry_coins_for_zotero(client, archive):
    page = client.get("/articles/?tag=radio").content.decode()
    for fmt in ("ris", "bibtex", "csljson"):
        assert f"tag=radio&amp;format={fmt}" in page
    spans = re.findall(r'<span class="Z3988" title="([^"]+)"', page)
    assert len(spans) == 3  # one per listed article: "save these 3 items"
    pairs = parse_qsl(html.unescape(spans[0]))
    assert ("rft.type", "newspaperArticle") in pairs
    assert ("rft.title", archive.korean_2023.title) in pairs
