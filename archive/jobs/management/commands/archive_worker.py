"""Run the archive's background worker: periodic jobs and queued tasks.

One loop enqueues what the schedule says is due (the search index log, feed
polls, captures, …) and runs queued tasks through django-tasks-db. Several
workers may run against one database: each task runs once.
"""

import logging

from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string

from archive.jobs.worker import ArchiveWorker


class Command(BaseCommand):
    help = (
        "Run the background worker: enqueue due periodic jobs and run queued tasks "
        "until stopped (Ctrl-C finishes the running task first)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when there is nothing to do (default 1).",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Enqueue what is due, run every queued task, then exit.",
        )
        parser.add_argument(
            "--worker-id",
            default=None,
            help="A name for this worker in the task records (default: random).",
        )

    def handle(self, *, interval, once, worker_id, verbosity, **options):
        if interval <= 0:
            raise CommandError("--interval must be positive.")
        worker_id = worker_id or get_random_string(12)
        if len(worker_id) > 64:
            raise CommandError("--worker-id must be at most 64 characters.")
        level = logging.WARNING if verbosity == 0 else logging.INFO
        for name in ("archive.jobs", "django_tasks"):  # tasks started and finished
            logging.getLogger(name).setLevel(level)
        # The queue runner says "starting" and "no more tasks" at every turn.
        logging.getLogger("django_tasks_db").setLevel(
            logging.INFO if verbosity > 1 else logging.WARNING
        )
        ArchiveWorker(worker_id=worker_id, interval=interval, once=once).run()
