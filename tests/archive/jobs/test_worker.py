"""archive_worker as real processes on a shared database."""

import signal
import time
from collections import Counter

import pytest

from archive.jobs.schedule import site_jobs
from tests.archive.jobs.recorded import recorded

pytestmark = [pytest.mark.slow]

TASKS = 30

ENQUEUE = """
from tests.archive.jobs.recorded import record
for n in range({count}):
    record.enqueue(f"task-{{n}}", {seconds})
"""

STATUSES = """
import json
from collections import Counter
from django_tasks_db.models import DBTaskResult
print(json.dumps({
    path.rsplit(".", 1)[-1] + ":" + status: count
    for (path, status), count in Counter(
        DBTaskResult.objects.values_list("task_path", "status")
    ).items()
}))
"""


def two_workers_share_the_queue(site, tmp_path):
    runs = tmp_path / "runs"
    site.run(ENQUEUE.format(count=TASKS, seconds=0.1))
    workers = [
        site.start(
            "archive_worker", "--once", f"--worker-id=w{n}", RECORD_FILE=str(runs)
        )
        for n in range(2)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
    labels = Counter(label for label, _ in recorded(runs))
    assert labels == Counter(f"task-{n}" for n in range(TASKS))  # each ran once
    assert len({pid for _, pid in recorded(runs)}) == 2  # both took part
    statuses = site.json(STATUSES)
    periodic = {f"{job.task.name}:SUCCESSFUL": 1 for job in site_jobs().values()}
    # Each periodic job was enqueued once, by one of the two workers.
    assert statuses == {"record:SUCCESSFUL": TASKS, **periodic}


def test_two_workers_on_sqlite_run_each_task_once(sqlite_site, tmp_path):
    two_workers_share_the_queue(sqlite_site, tmp_path)


def test_two_workers_on_postgresql_run_each_task_once(postgres_site, tmp_path):
    two_workers_share_the_queue(postgres_site, tmp_path)


def test_the_worker_builds_and_follows_the_search_index(sqlite_site, settings):
    result = sqlite_site.command("archive_worker", "--once")
    assert result.returncode == 0, result.stderr
    assert (settings.SEARCH_INDEX_DIR / "current").exists()


def test_ctrl_c_lets_the_running_task_finish_then_stops(sqlite_site, tmp_path):
    runs = tmp_path / "runs"
    sqlite_site.run(ENQUEUE.format(count=3, seconds=3))
    worker = sqlite_site.start(
        "archive_worker", "--interval=0.2", RECORD_FILE=str(runs)
    )
    deadline = time.monotonic() + 60
    while sqlite_site.json(STATUSES).get("record:RUNNING") != 1:
        assert time.monotonic() < deadline, "the worker never started a task"
        time.sleep(0.2)
    worker.send_signal(signal.SIGINT)
    _, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err
    statuses = sqlite_site.json(STATUSES)
    # The task running at the signal finished (none cut off), the rest wait.
    assert "record:RUNNING" not in statuses and "record:FAILED" not in statuses
    assert statuses["record:SUCCESSFUL"] == len(recorded(runs)) >= 1
    assert statuses["record:READY"] >= 1  # left for the next start
