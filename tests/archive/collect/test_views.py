"""Captures on the article page: download as .warc.gz, read the captured text, export."""

import gzip
import io
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from warcio.archiveiterator import ArchiveIterator

from archive.collect.capture import capture_url
from archive.collect.models import Capture
from archive.models import Article
from tests.archive.collect.pages import NEWS_PAGE

pytestmark = pytest.mark.django_db

HOSTILE = (
    "<html><head><title>Hostile</title><script>alert('pwned')</script></head><body>"
    "<article><h1>Hostile page</h1><p>Plain words stay <b>readable</b> here.</p>"
    "<img src=x onerror=alert(1)><iframe src='https://evil.example'></iframe></article>"
    "</body></html>"
)


def published_capture(web, path, body, **headers) -> Capture:
    web.page(path, body, headers=headers or None)
    outcome = capture_url(web.url(path), None)
    Article.objects.filter(pk=outcome.article_id).update(
        status=Article.Status.PUBLISHED
    )
    capture = Capture.objects.get(pk=outcome.capture_id)
    assert capture.article_id == outcome.article_id, outcome.message
    return capture


def test_the_article_page_lists_its_captures_with_downloads(client, web):
    capture = published_capture(web, "/radio", NEWS_PAGE)
    article = capture.article
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Captures" in page
    assert capture.sha256 in page
    assert "HTTP 200" in page
    download = f"/articles/{article.pk}/captures/{capture.pk}.warc.gz"
    assert download in page
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/warc"
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    records = list(ArchiveIterator(io.BytesIO(data)))
    assert [r.rec_type for r in records] == ["warcinfo", "response", "request"]


def test_a_drafts_captures_are_not_public(client, web):
    web.page("/radio", NEWS_PAGE)
    outcome = capture_url(web.url("/radio"))
    url = f"/articles/{outcome.article_id}/captures/{outcome.capture_id}.warc.gz"
    assert client.get(url).status_code == 404
    text_url = f"/articles/{outcome.article_id}/captures/{outcome.capture_id}/text/"
    # Staff without the permission to view articles are the public here.
    clerk = get_user_model().objects.create_user("clerk", is_staff=True)
    client.force_login(clerk)
    assert client.get(url).status_code == 404
    assert client.get(text_url).status_code == 404


def test_the_captured_text_is_plain_text_never_the_sites_html(client, web):
    capture = published_capture(web, "/hostile", HOSTILE)
    response = client.get(f"/articles/{capture.article_id}/captures/{capture.pk}/text/")
    page = response.content.decode()
    assert "Plain words stay readable here." in page
    assert "<script>alert" not in page and "onerror" not in page
    assert "<iframe" not in page and "<b>readable" not in page


def test_a_revisit_downloads_with_the_capture_it_refers_to(client, web):
    first = published_capture(web, "/radio", NEWS_PAGE)
    again = capture_url(web.url("/radio"))
    data = b"".join(
        client.get(
            f"/articles/{first.article_id}/captures/{again.capture_id}.warc.gz"
        ).streaming_content
    )
    kinds = [r.rec_type for r in ArchiveIterator(io.BytesIO(data))]
    assert kinds == [
        "warcinfo",
        "revisit",
        "request",
        "warcinfo",
        "response",
        "request",
    ]


def test_export_warc_writes_every_capture_into_one_checked_file(web, tmp_path):
    published_capture(web, "/radio", NEWS_PAGE)
    web.page(
        "/report.pdf", b"%PDF-1.4 tiny", headers={"Content-Type": "application/pdf"}
    )
    capture_url(web.url("/report.pdf"))
    capture_url(web.url("/radio"))  # a revisit
    out = tmp_path / "all.warc.gz"
    call_command("export_warc", str(out))
    with gzip.open(out) as unpacked:
        assert unpacked.read(9) == b"WARC/1.1\r"
    with open(out, "rb") as stream:
        kinds = [r.rec_type for r in ArchiveIterator(stream)]
    assert kinds.count("response") == 2 and kinds.count("revisit") == 1
    for tool in ("check", "index"):
        result = subprocess.run(
            [sys.executable, "-m", "warcio.cli", tool, str(out)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_export_warc_refuses_bad_options_with_a_reason(tmp_path):
    with pytest.raises(CommandError, match="No source has the slug"):
        call_command("export_warc", str(tmp_path / "x.warc.gz"), "--source", "nope")
    with pytest.raises(CommandError, match="--since must be a date"):
        call_command("export_warc", str(tmp_path / "x.warc.gz"), "--since", "yesterday")
