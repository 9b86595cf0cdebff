"""Periodic jobs: declared once beside their task, enqueued by the worker.

A job is one declaration in an app's ``tasks.py``::

    @periodic(every=datetime.timedelta(seconds=5))
    @task()
    def apply_search_index_log() -> str: ...

``archive_worker`` calls :func:`enqueue_due` between tasks. A job is enqueued
when its time has come and its previous run has finished (or was abandoned by
a worker that died more than ``stale_after`` ago), so a slow job never piles up.
Queued, it runs once for the whole site, on whichever worker claims it.

Work on a machine's own disk (its search index) is declared with
``each_worker=True``: every worker runs it itself on its own clock
(:class:`WorkerClock`), since a queued task would reach one machine only.
"""

import datetime
import logging
import time
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger("archive.jobs")


@dataclass(frozen=True)
class Periodic:
    """A task and how often the worker enqueues it."""

    task: object  # a django.tasks Task
    every: datetime.timedelta
    stale_after: datetime.timedelta
    each_worker: bool

    @property
    def name(self) -> str:
        return self.task.module_path


SCHEDULE: dict[str, Periodic] = {}


def periodic(
    *,
    every: datetime.timedelta,
    stale_after: datetime.timedelta | None = None,
    each_worker: bool = False,
):
    """Declare that the worker runs the task below every ``every``."""

    def register(task):
        stale = stale_after or max(every * 10, datetime.timedelta(hours=1))
        job = Periodic(task, every, stale, each_worker)
        SCHEDULE[job.name] = job
        return task

    return register


def site_jobs() -> dict[str, Periodic]:
    return {name: job for name, job in SCHEDULE.items() if not job.each_worker}


def enqueue_due(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every declared job that is due; return their names."""
    from archive.jobs.models import ScheduledJob

    now = now or timezone.now()
    jobs = site_jobs()
    known = set(ScheduledJob.objects.values_list("name", flat=True))
    ScheduledJob.objects.bulk_create(
        [ScheduledJob(name=name) for name in jobs if name not in known],
        ignore_conflicts=True,
    )
    due = ScheduledJob.objects.filter(
        Q(next_run__isnull=True) | Q(next_run__lte=now), name__in=list(jobs)
    ).values_list("name", flat=True)
    enqueued = []
    for name in list(due):
        job = jobs[name]
        # On SQLite the settings open transactions IMMEDIATE: the file's write
        # lock stands in for the row lock, so the check and the enqueue are one step.
        with transaction.atomic():
            row = (
                ScheduledJob.objects.select_for_update(skip_locked=True)
                .filter(name=name)
                .first()
            )
            if row is None or (row.next_run and row.next_run > now):
                continue  # another worker holds it, or it is not due
            if still_running(job, row.last_task_id, now):
                continue
            result = job.task.enqueue()
            row.last_task_id = str(result.id)
            row.last_enqueued = now
            row.next_run = now + job.every
            row.save(update_fields=["last_task_id", "last_enqueued", "next_run"])
            enqueued.append(name)
    return enqueued


def still_running(job: Periodic, task_id: str, now: datetime.datetime) -> bool:
    """Whether the job's previous run is queued or running (and not abandoned)."""
    from archive.jobs import TaskResultDoesNotExist, TaskResultStatus

    if not task_id:
        return False
    try:
        result = job.task.get_result(task_id)
    except TaskResultDoesNotExist:
        return False  # pruned
    if result.status == TaskResultStatus.READY:
        return True
    if result.status == TaskResultStatus.RUNNING:
        return result.started_at is None or now - result.started_at < job.stale_after
    return False


class WorkerClock:
    """Runs the ``each_worker`` jobs of one worker process when their time comes."""

    def __init__(self):
        self.next_run: dict[str, float] = {}

    def run_due(self) -> list[str]:
        """Run (in this process) every each-worker job that is due; return their names."""
        ran = []
        for name, job in SCHEDULE.items():
            if not job.each_worker or time.monotonic() < self.next_run.get(name, 0):
                continue
            try:
                job.task.call()
            except Exception:
                logger.exception("%s failed", name)
            self.next_run[name] = time.monotonic() + job.every.total_seconds()
            ran.append(name)
        return ran
