"""The admin's "Add from URL": queue, worker, results per address."""

import pytest

from archive.collect.models import CaptureRequest
from archive.collect.requests import run_requests
from archive.models import Article
from tests.archive.collect.pages import BLOG_PAGE, NEWS_PAGE

pytestmark = pytest.mark.django_db

ADD = "/admin/collect/capturerequest/add/"


def test_reachable_from_the_import_page_and_the_article_list(editor_client):
    assert ADD in editor_client.get("/admin/archive/article/import/").content.decode()
    assert ADD in editor_client.get("/admin/archive/article/").content.decode()
    assert editor_client.get(ADD).status_code == 200


def test_pasted_urls_are_captured_by_the_worker_and_listed_per_address(
    editor_client, web, django_capture_on_commit_callbacks
):
    web.page("/news", NEWS_PAGE)
    web.page("/blog", BLOG_PAGE)
    web.page("/gone", "<p>no</p>", status=404)
    pasted = "\n".join(
        [web.url("/news"), "", web.url("/blog"), web.url("/gone"), "ftp://x/y"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(ADD, {"urls": pasted})
    assert response.status_code == 302
    batch_page = response["Location"]
    waiting = editor_client.get(batch_page).content.decode()
    assert 'http-equiv="refresh"' in waiting
    assert (
        "only http and https addresses can be captured" in waiting
    )  # answered at once

    assert run_requests() == 3  # what the worker's task does
    page = editor_client.get(batch_page).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "Done: 2 of 4 addresses failed; the others are kept." in page
    assert "the server answered 404" in page
    assert Article.objects.filter(status=Article.Status.DRAFT).count() == 2
    assert "HTTP 200" in page
    states = sorted(CaptureRequest.objects.values_list("state", flat=True))
    assert states == ["done", "done", "failed", "failed"]


def test_a_request_left_running_by_a_dead_worker_is_taken_up_again(web, editor):
    from django.utils import timezone

    web.page("/news", NEWS_PAGE)
    CaptureRequest.objects.create(
        batch="00000000-0000-0000-0000-000000000001",
        url=web.url("/news"),
        state=CaptureRequest.State.RUNNING,
        started_at=timezone.now() - timezone.timedelta(hours=1),
    )
    assert run_requests() == 1
    assert CaptureRequest.objects.get().state == CaptureRequest.State.DONE


def test_an_empty_or_oversized_paste_is_refused_with_a_reason(editor_client):
    assert (
        "Paste at least one URL."
        in editor_client.post(ADD, {"urls": " \n"}).content.decode()
    )
    many = "\n".join(f"https://example.org/{n}" for n in range(201))
    assert (
        "give at most 200" in editor_client.post(ADD, {"urls": many}).content.decode()
    )
