"""Big admin imports run in the background worker, with a page that reports each record."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from archive.jobs import TaskResultStatus
from archive.models import Article, ImportFile, ImportJob

pytestmark = pytest.mark.django_db


def records(n: int, start: int = 0) -> bytes:
    lines = [
        json.dumps(
            {
                "title": f"Broadcast report {k}",
                "url": f"https://news.example.org/story-{k}",
                "source": "Example News",
                "published": "2021-05-0" + str(1 + k % 9),
                "body": f"<p>Radio listening in the provinces, part {k}.</p>",
                "status": "published",
            }
        )
        for k in range(start, start + n)
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    def post(client, data: bytes, **fields):
        upload = SimpleUploadedFile("batch.jsonl", data)
        # The job is enqueued once its transaction commits.
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("admin:archive_article_import"), {"files": [upload], **fields}
            )

    return post


def run_queued_imports() -> int:
    """Run the queued import tasks as archive_worker would; return how many ran.

    (The worker itself closes the database connection between turns, which a
    test's transaction cannot survive; tests/archive/jobs runs it for real.)
    """
    queued = DBTaskResult.objects.filter(
        task_path="archive.tasks.run_import_job", status=TaskResultStatus.READY
    )
    ran = 0
    for result in queued:
        task_result = result.task_result
        result.task.call(*task_result.args, **task_result.kwargs)
        ran += 1
    queued.update(status=TaskResultStatus.SUCCESSFUL)
    return ran


@pytest.fixture
def small_threshold(settings):
    settings.IMPORT_BACKGROUND_BYTES = 2000


def test_a_big_upload_is_queued_then_the_worker_imports_it_with_a_report(
    editor_client, small_threshold, post
):
    data = records(40)
    assert len(data) > 2000
    response = post(editor_client, data)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:archive_article_import_job", args=[job.pk]
    )
    waiting = editor_client.get(response["Location"])
    assert "Waiting for the background worker" in waiting.content.decode()
    assert waiting["Refresh"] == "3"
    assert not Article.objects.exists()

    assert run_queued_imports() == 1

    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert Article.objects.count() == 40
    assert not ImportFile.objects.exists()  # the upload is not kept
    page = editor_client.get(response["Location"])
    html = page.content.decode()
    assert not page.has_header("Refresh")
    assert "40 created, 0 updated, 0 skipped as duplicates, 0 failed" in html
    links = re.findall(r'href="(/admin/archive/article/\d+/change/)"', html)
    assert len(links) == 40
    assert "batch.jsonl, line 40" in html


def test_the_report_names_every_failed_and_duplicate_record(
    editor_client, small_threshold, post
):
    post(editor_client, records(40))
    run_queued_imports()
    broken = records(30, start=30) + b'{"title": "no body or date"\n' + b"not json\n"
    response = post(editor_client, broken)
    run_queued_imports()
    html = editor_client.get(response["Location"]).content.decode()
    assert "20 created, 0 updated, 10 skipped as duplicates, 2 failed" in html
    assert html.count("Already in the archive") == 10
    assert "batch.jsonl, line 31" in html and "batch.jsonl, line 32" in html
    # The import page lists both jobs with links to their pages.
    listing = editor_client.get(reverse("admin:archive_article_import"))
    for job in ImportJob.objects.all():
        url = reverse("admin:archive_article_import_job", args=[job.pk])
        assert f'href="{url}"' in listing.content.decode()


def test_a_small_upload_is_still_imported_while_the_page_waits(
    editor_client, small_threshold, post
):
    response = post(editor_client, records(3))
    assert response.status_code == 200
    assert "3 created" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_someone_who_may_not_import_cannot_see_a_report(
    client, django_user_model, editor_client, small_threshold, post
):
    response = post(editor_client, records(40))
    viewer = django_user_model.objects.create_user(
        "viewer", password="x", is_staff=True
    )
    client.force_login(viewer)
    assert client.get(response["Location"]).status_code == 403
