import pytest
from django_tasks_db.models import DBTaskResult

from tests.archive.jobs.recorded import record

pytestmark = pytest.mark.django_db

TASKS = "/admin/django_tasks_database/dbtaskresult/"


def test_editors_see_queued_and_failed_jobs_with_the_error(editor_client):
    record.enqueue("queued")
    failed = DBTaskResult.objects.get(pk=record.enqueue("broken").id)
    failed.claim("worker-1")
    failed.set_failed(RuntimeError("the feed host refused the connection"))

    listing = editor_client.get(TASKS, {"status__exact": "FAILED"})
    assert listing.status_code == 200
    assert listing.content.decode().count("record") == 1

    detail = editor_client.get(f"{TASKS}{failed.pk}/change/")
    assert detail.status_code == 200
    assert "the feed host refused the connection" in detail.content.decode()
    assert "Ready" in editor_client.get(TASKS).content.decode()


def test_editors_see_when_periodic_jobs_run_next(editor_client):
    from archive.jobs.schedule import enqueue_due

    enqueue_due()
    page = editor_client.get("/admin/jobs/scheduledjob/")
    assert page.status_code == 200
    assert "prune_task_results" in page.content.decode()
