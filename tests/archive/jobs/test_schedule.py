import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from archive.jobs import schedule
from archive.jobs.models import ScheduledJob
from archive.jobs.schedule import WorkerClock, enqueue_due, periodic
from tests.archive.jobs.recorded import record, recorded

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def schedule_of(monkeypatch):
    """Replace the declared schedule by the jobs the test declares."""
    monkeypatch.setattr(schedule, "SCHEDULE", {})

    def declare(task, **when):
        return periodic(**when)(task)

    return declare


def queued(task) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=task.module_path))


def test_every_app_declares_its_jobs_in_tasks_py():
    names = set(schedule.SCHEDULE)
    assert "search.tasks.apply_search_index_log" in names
    assert "archive.jobs.tasks.prune_task_results" in names
    assert schedule.SCHEDULE["search.tasks.apply_search_index_log"].each_worker


def test_a_due_job_is_enqueued_once_then_waits_for_its_interval(schedule_of):
    schedule_of(record, every=MINUTE)
    now = timezone.now()
    assert enqueue_due(now) == [record.module_path]
    DBTaskResult.objects.update(status="SUCCESSFUL")
    assert enqueue_due(now + MINUTE / 2) == []
    assert enqueue_due(now + MINUTE) == [record.module_path]
    assert len(queued(record)) == 2
    job = ScheduledJob.objects.get(name=record.module_path)
    assert job.next_run == now + 2 * MINUTE


def test_a_job_whose_last_run_is_still_queued_is_not_enqueued_again(schedule_of):
    schedule_of(record, every=MINUTE)
    now = timezone.now()
    enqueue_due(now)
    assert enqueue_due(now + 5 * MINUTE) == []
    assert len(queued(record)) == 1


def test_a_run_abandoned_by_a_dead_worker_does_not_block_the_job(schedule_of):
    schedule_of(record, every=MINUTE, stale_after=10 * MINUTE)
    now = timezone.now()
    enqueue_due(now)
    DBTaskResult.objects.update(status="RUNNING", started_at=now)
    assert enqueue_due(now + 5 * MINUTE) == []  # may still be running
    assert enqueue_due(now + 11 * MINUTE) == [record.module_path]


def test_each_worker_jobs_run_in_the_worker_itself_on_its_own_clock(
    schedule_of, tmp_path, monkeypatch
):
    monkeypatch.setenv("RECORD_FILE", str(tmp_path / "runs"))
    schedule_of(record, every=datetime.timedelta(hours=1), each_worker=True)
    clock = WorkerClock()
    assert clock.run_due() == [record.module_path]
    assert clock.run_due() == []  # not due again for an hour
    assert WorkerClock().run_due() == [record.module_path]  # another worker's clock
    assert enqueue_due() == []
    assert queued(record) == []
    assert len(recorded(tmp_path / "runs")) == 2
