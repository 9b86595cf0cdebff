"""Titles and summaries are plain text kept as typed and escaped on every output."""

import csv
import io
import json

import bibtexparser
import feedparser
import pytest
import rispy

from archive.importers import Action
from archive.models import Article
from tests.archive.importers.conftest import import_files, text_input  # noqa: F401
from tests.factories import make_article

pytestmark = pytest.mark.django_db

TITLE = "Why <Juche> matters & A<B"
SUMMARY = "Line <one>\nA<B, and <b>not bold</b>"


@pytest.fixture
def article():
    return make_article(title=TITLE, summary=SUMMARY)


def test_the_title_and_summary_are_stored_as_typed(article):
    article.refresh_from_db()
    assert (article.title, article.summary) == (TITLE, SUMMARY)


def test_pages_show_them_escaped(client, article):
    for url in (article.get_absolute_url(), "/articles/", "/"):
        page = client.get(url).content.decode()
        assert "Why &lt;Juche&gt; matters &amp; A&lt;B" in page, url
        assert "<Juche>" not in page and "<B" not in page
    detail = client.get(article.get_absolute_url()).content.decode()
    assert "Line &lt;one&gt;" in detail


def test_feeds_exports_and_citations_carry_them_whole(client, article):
    atom = feedparser.parse(client.get("/articles/?format=atom").content)
    assert atom.bozo == 0 and atom.entries[0].title == TITLE
    listing = json.loads(client.get("/articles/?format=json").content)
    assert listing["results"][0]["title"] == TITLE
    assert listing["results"][0]["summary"] == SUMMARY
    text = b"".join(client.get("/articles/?format=csv").streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert (rows[0]["title"], rows[0]["summary"]) == (TITLE, SUMMARY)
    ris = client.get(f"/articles/{article.pk}/cite.ris").content.decode()
    assert rispy.loads(ris)[0]["title"] == TITLE
    bib = client.get(f"/articles/{article.pk}/cite.bib").content.decode()
    assert "Juche" in bibtexparser.parse_string(bib).entries[0]["title"]
    csl = json.loads(client.get(f"/articles/{article.pk}/cite.json").content)
    item = csl[0] if isinstance(csl, list) else csl
    assert item["title"] == TITLE


def test_an_imported_title_with_angle_brackets_is_kept(import_files):  # noqa: F811
    record = {
        "title": TITLE,
        "summary": SUMMARY,
        "source": "S",
        "published": "2024-01-01",
        "body": "<p>Body.</p>",
    }
    report = import_files(text_input(json.dumps(record), "a.jsonl"))
    assert [o.action for o in report.outcomes] == [Action.CREATED]
    assert Article.objects.get().title == TITLE
    assert Article.objects.get().summary == SUMMARY


def test_text_readers_would_miss_stays_in_the_body():
    article = make_article(
        body='<p>Kim <img src="k.png" alt="Kim at the plant"> spoke: '
        "<math><mi>x</mi><mo>=</mo><mn>2</mn></math></p><script>x()</script>"
    )
    assert article.body == "<p>Kim [Kim at the plant] spoke: x=2</p>"
