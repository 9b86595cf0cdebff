"""Capturing pages by URL from real local servers: WARC records, articles, duplicates."""

import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from warcio.archiveiterator import ArchiveIterator

from archive.collect.capture import CaptureOptions, capture_url
from archive.collect.models import Capture
from archive.models import Article
from tests.archive.collect.pages import NEWS_PAGE, korean_page
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def warc_records(settings, capture: Capture) -> list:
    with open(settings.CAPTURE_DIR / capture.warc_file, "rb") as stream:
        return [
            (record.rec_type, record.rec_headers, record.content_stream().read())
            for record in ArchiveIterator(stream)
        ]


def warcio(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "warcio.cli", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_page_becomes_a_draft_with_its_capture_in_a_warc_file(web, settings):
    web.page("/radio", NEWS_PAGE)
    outcome = capture_url(web.url("/radio"))
    assert outcome.ok and outcome.created, outcome.message
    article = Article.objects.get(pk=outcome.article_id)
    assert article.status == Article.Status.DRAFT
    assert article.title.startswith("Gaps in jamming let foreign radio reach")
    assert article.url == web.url("/radio")
    assert f"captured from {web.url('/radio')}" in article.review_note
    capture = article.captures.get()
    assert (capture.http_status, capture.size) == (200, len(NEWS_PAGE.encode()))
    records = warc_records(settings, capture)
    assert [kind for kind, _, _ in records] == ["warcinfo", "response", "request"]
    _, response, payload = records[1]
    assert response.get_header("WARC-Target-URI") == web.url("/radio")
    assert response.get_header("WARC-Payload-Digest").startswith("sha1:")
    assert response.get_header("WARC-Block-Digest").startswith("sha1:")
    assert response.protocol == "WARC/1.1"
    assert payload == NEWS_PAGE.encode()
    path = str(settings.CAPTURE_DIR / capture.warc_file)
    checked = warcio("check", "-v", path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "digest pass" in checked.stdout
    indexed = warcio("index", path)
    assert indexed.returncode == 0 and '"warc-type": "response"' in indexed.stdout


def test_the_same_url_again_is_a_new_capture_of_the_same_article(web, settings):
    web.page("/radio", NEWS_PAGE)
    first = capture_url(web.url("/radio"))
    again = capture_url(web.url("/radio") + "?utm_source=newsletter")
    assert again.ok and not again.created
    assert again.article_id == first.article_id
    assert Article.objects.count() == 1
    captures = list(Capture.objects.order_by("pk"))
    assert len(captures) == 2
    # The identical payload is stored once: the second file holds a revisit.
    assert captures[1].revisit_of == captures[0]
    kinds = [kind for kind, _, _ in warc_records(settings, captures[1])]
    assert kinds == ["warcinfo", "revisit", "request"]
    revisit = warc_records(settings, captures[1])[1][1]
    assert revisit.get_header("WARC-Refers-To") == captures[0].record_id
    assert revisit.get_header("WARC-Profile").endswith(
        "1.1/revisit/identical-payload-digest"
    )
    assert (
        warcio("check", str(settings.CAPTURE_DIR / captures[1].warc_file)).returncode
        == 0
    )


def test_a_redirected_page_is_captured_with_every_hop(web, settings):
    web.redirect("/short", "/radio", status=301)
    web.page("/radio", NEWS_PAGE)
    outcome = capture_url(web.url("/short"))
    capture = Capture.objects.get(pk=outcome.capture_id)
    assert capture.url == web.url("/short") and capture.final_url == web.url("/radio")
    kinds = [kind for kind, _, _ in warc_records(settings, capture)]
    assert kinds == ["warcinfo", "response", "request", "response", "request"]
    assert Article.objects.get().url == web.url("/radio")


@pytest.mark.parametrize(
    "headers, declare",
    [
        ({"Content-Type": "text/html; charset=euc-kr"}, ""),
        ({"Content-Type": "text/html; charset=ks_c_5601-1987"}, ""),
        ({"Content-Type": "text/html"}, "euc-kr"),
        ({"Content-Type": "text/html"}, ""),
        ({"Content-Type": "text/html; charset=utf-8"}, ""),
    ],
)
def test_korean_pages_are_read_in_their_encoding_and_filed_as_korean(
    web, headers, declare
):
    charset = headers["Content-Type"].partition("charset=")[2] or declare or "cp949"
    codec = "utf-8" if charset == "utf-8" else "cp949"
    web.page("/kr", korean_page(declare).encode(codec), headers=headers)
    outcome = capture_url(web.url("/kr"))
    assert outcome.ok, outcome.message
    article = Article.objects.get(pk=outcome.article_id)
    assert article.title == "평양에서 새 손전화 봉사망 개통"
    assert "손전화 봉사망이 개통되였다" in article.body_text
    assert article.language == "ko"


def test_a_pdf_is_captured_as_is_and_the_draft_says_what_it_is(web, settings):
    pdf = b"%PDF-1.4\n" + b"0" * 2000 + b"\n%%EOF"
    web.page("/report.pdf", pdf, headers={"Content-Type": "application/pdf"})
    outcome = capture_url(web.url("/report.pdf"))
    assert outcome.ok, outcome.message
    article = Article.objects.get(pk=outcome.article_id)
    assert "a PDF document (application/pdf, 2.0" in article.review_note
    assert article.title == "report.pdf"
    capture = article.captures.get()
    assert warc_records(settings, capture)[1][2] == pdf


@pytest.mark.parametrize("status", [404, 500])
def test_an_error_answer_files_nothing_and_says_so(web, status):
    web.page("/gone", "<p>no</p>", status=status)
    outcome = capture_url(web.url("/gone"))
    assert not outcome.ok
    assert outcome.message.startswith(f"the server answered {status}")
    assert not Article.objects.exists() and not Capture.objects.exists()


def test_an_error_answer_for_an_archived_article_is_kept_as_evidence(web):
    web.page("/radio", NEWS_PAGE)
    first = capture_url(web.url("/radio"))
    web.page("/radio", "<p>removed</p>", status=404)
    outcome = capture_url(web.url("/radio"))
    assert not outcome.ok and "kept as a capture of" in outcome.message
    assert Capture.objects.filter(article_id=first.article_id).count() == 2


def test_a_page_without_an_article_is_kept_but_not_filed(web):
    web.page("/menu", "<html><body><nav><a href='/'>Home</a></nav></body></html>")
    outcome = capture_url(web.url("/menu"))
    assert not outcome.ok
    assert "captured, but not filed as an article: no article text" in outcome.message
    assert Capture.objects.get().article is None


def test_options_file_under_a_source_with_tags_and_published(web):
    source = SourceFactory(name="Daily NK", slug="daily-nk")
    web.page("/radio", NEWS_PAGE)
    outcome = capture_url(
        web.url("/radio"), CaptureOptions(source=source, tags=("radio",), publish=True)
    )
    article = Article.objects.get(pk=outcome.article_id)
    assert article.source == source
    assert article.status == Article.Status.PUBLISHED
    assert [t.name for t in article.tags.all()] == ["radio"]


def test_the_command_says_what_happened_to_each_url_and_fails_when_one_did(web, capsys):
    web.page("/radio", NEWS_PAGE)
    web.page("/broken", "<p>oops</p>", status=500)
    with pytest.raises(CommandError, match="1 of 3 URLs failed; 2 captured"):
        call_command(
            "capture_url", web.url("/radio"), web.url("/broken"), web.url("/radio")
        )
    out, err = capsys.readouterr()
    assert "filed as #" in out and "kept as a new capture" in out
    assert f"{web.url('/broken')}: the server answered 500" in err
    assert Article.objects.count() == 1


def test_the_command_refuses_an_unknown_source_or_tag(web):
    with pytest.raises(CommandError, match="No source has the slug “nope”"):
        call_command("capture_url", web.url("/a"), "--source", "nope")
    with pytest.raises(CommandError, match="No tag has the slug “nope”"):
        call_command("capture_url", web.url("/a"), "--tag", "nope")
