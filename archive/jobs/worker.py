"""The archive's one background worker: the schedule and the task queue in one loop.

Tasks are claimed and run by django-tasks-db's own worker (a row lock, or
SQLite's write lock, makes each claim exclusive, so two workers never run the
same task). Between batches the loop runs this machine's own periodic jobs and
enqueues the site's periodic jobs that are due.
"""

import logging
import time

from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from archive.jobs.schedule import WorkerClock, enqueue_due

logger = logging.getLogger("archive.jobs")

# Tasks run between two looks at the schedule, so a long queue (a big import
# of URLs) never holds up the index log or the feed polls for long.
TASKS_PER_TURN = 20


class ArchiveWorker:
    """Runs due periodic jobs and queued tasks until stopped (or, with once, idle)."""

    def __init__(self, *, worker_id: str, interval: float, once: bool = False):
        self.worker_id = worker_id
        self.interval = interval
        self.once = once

    def run(self) -> None:
        logger.info("Archive worker %s started", self.worker_id)
        clock = WorkerClock()
        while True:
            close_old_connections()
            clock.run_due()
            for name in enqueue_due():
                logger.info("Scheduled %s", name)
            queue = self.task_runner()
            queue.run()  # returns when the queue is empty or after TASKS_PER_TURN
            if not queue.running:  # stopped by a signal while a task ran
                return
            if self.once and queue.idle:
                return
            if queue.idle:
                time.sleep(self.interval)

    def task_runner(self) -> "QueueTurn":
        turn = QueueTurn(
            queue_names=["*"],
            interval=self.interval,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=TASKS_PER_TURN,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )
        # A signal while no task runs ends the process at once; during a task,
        # the task finishes first (a second Ctrl-C ends it there).
        turn.configure_signals()
        return turn


class QueueTurn(Worker):
    """django-tasks-db's worker for one turn: it stops when idle or after max_tasks."""

    @property
    def idle(self) -> bool:
        return self._run_tasks < (self.max_tasks or 0)
