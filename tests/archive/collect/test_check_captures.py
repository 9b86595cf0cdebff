"""A crash between a capture's file and its row: found, adopted, reported."""

import os
import time
import uuid

import pytest
from django.core.management import CommandError, call_command

from archive.collect import warc
from archive.collect.capture import capture_url
from archive.collect.fetch import fetch
from archive.collect.models import Capture
from tests.archive.collect.pages import NEWS_PAGE

pytestmark = pytest.mark.django_db


def age(path, seconds=600):
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_a_file_whose_row_was_never_saved_is_adopted(web, settings, capsys):
    web.page("/radio", NEWS_PAGE)
    first = capture_url(web.url("/radio"))
    # As if the process died after writing the file, before saving the row:
    stored = warc.write_capture(fetch(web.url("/radio")), uuid.uuid4())
    age(settings.CAPTURE_DIR / stored.relative_path)
    with pytest.raises(CommandError, match=r"disagree\. Run with --repair"):
        call_command("check_captures")
    assert (
        f"File without a database row: {stored.relative_path}"
        in capsys.readouterr().err
    )

    call_command("check_captures", "--repair")
    adopted = Capture.objects.get(warc_file=stored.relative_path)
    assert adopted.article_id == first.article_id
    assert adopted.origin == Capture.Origin.ADOPTED
    assert adopted.http_status == 200 and adopted.size == len(NEWS_PAGE.encode())
    assert adopted.sha256 == Capture.objects.get(pk=first.capture_id).sha256
    assert adopted.record_id == stored.record_id
    call_command("check_captures")  # clean now


def test_a_recent_file_is_left_alone_as_a_capture_in_progress(web, settings):
    web.page("/radio", NEWS_PAGE)
    warc.write_capture(fetch(web.url("/radio")), uuid.uuid4())
    call_command("check_captures")


def test_a_partial_file_left_by_a_crash_is_removed(settings, capsys):
    partial = settings.CAPTURE_DIR / "2026" / "01" / f"{uuid.uuid4()}.warc.gz.part"
    partial.parent.mkdir(parents=True)
    partial.write_bytes(b"\x1f\x8b half a record")
    age(partial)
    with pytest.raises(CommandError):
        call_command("check_captures")
    call_command("check_captures", "--repair")
    assert not partial.exists()


def test_a_row_whose_file_is_lost_is_reported(web, settings, capsys):
    web.page("/radio", NEWS_PAGE)
    outcome = capture_url(web.url("/radio"))
    capture = Capture.objects.get(pk=outcome.capture_id)
    (settings.CAPTURE_DIR / capture.warc_file).unlink()
    with pytest.raises(CommandError):
        call_command("check_captures", "--repair")
    assert f"Capture #{capture.pk}" in capsys.readouterr().err
