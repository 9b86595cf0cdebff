"""The archive's one background worker: the schedule and the task queue in one loop.

Tasks are claimed and run by django-tasks-db's own worker (a row lock, or
SQLite's write lock, makes each claim exclusive, so two workers never run the
same task). Between batches the loop runs this machine's own periodic jobs and
enqueues the site's periodic jobs that are due.
"""

import logging
import signal
import sys
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
        self.stopping = False
        self.turn: QueueTurn | None = None

    def run(self) -> None:
        logger.info("Archive worker %s started", self.worker_id)
        self.configure_signals()
        clock = WorkerClock()
        while not self.stopping:
            close_old_connections()
            clock.run_due()
            for name in enqueue_due():
                logger.info("Scheduled %s", name)
            if self.stopping:
                return
            self.turn = self.task_runner()
            self.turn.run()  # returns when the queue is empty, after TASKS_PER_TURN or when stopped
            if self.once and self.turn.idle:
                return
            if self.turn.idle and not self.stopping:
                time.sleep(self.interval)

    def configure_signals(self) -> None:
        for name in ("SIGINT", "SIGTERM", "SIGQUIT"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), self.stop)

    def stop(self, signum, frame) -> None:
        # The first signal lets the work in hand finish: a running task, or one
        # just claimed (django-tasks-db marks it running before it starts, so
        # leaving then would strand it as running forever). A second one ends it.
        if self.stopping:
            logger.warning("Stopped at once; the running task is marked failed")
            sys.exit(1)
        logger.warning(
            "Stopping after the work in hand (send the signal again to stop at once)"
        )
        self.stopping = True
        if self.turn is not None:
            self.turn.running = False

    def task_runner(self) -> "QueueTurn":
        return QueueTurn(
            queue_names=["*"],
            interval=self.interval,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=TASKS_PER_TURN,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )


class QueueTurn(Worker):
    """django-tasks-db's worker for one turn: it stops when idle or after max_tasks."""

    @property
    def idle(self) -> bool:
        return self._run_tasks < (self.max_tasks or 0)
