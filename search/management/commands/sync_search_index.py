"""Apply the search index log: every change not yet in the index.

Run it after loading data (make run does), from cron, or as a service with
--loop beside the web workers. On a machine without an index, or with one
built for another schema version, it builds one from the database first.
"""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from search import conf
from search.backend import get_backend
from search.drift import is_stale, reconcile
from search.indexing import (
    SYNC_BATCH,
    RebuildInProgress,
    apply_pending_log,
    rebuild_index,
)
from search.logstate import read_state
from search.management.commands._progress import ProgressBar
from search.models import IndexLog


class Command(BaseCommand):
    help = (
        "Apply pending search index changes (builds the index from the database "
        "if there is none). --loop keeps following the log."
    )

    BUILT = "There was no search index: built one with %(documents)d articles in %(seconds).1f s."
    UPGRADED = (
        "The search index was built for another version of the archive: rebuilt "
        "it with %(documents)d articles in %(seconds).1f s."
    )
    APPLIED = (
        "Applied %(rows)d log entries: %(indexed)d articles indexed, "
        "%(removed)d removed from the index."
    )
    UP_TO_DATE = "The search index is up to date."
    BUSY = (
        "Another process is writing the search index; it applies the pending "
        "changes before it lets go (or run this again)."
    )
    RECONCILED = (
        "The search index had not synced within the log's retention "
        "(%(days)d days): compared it with the database and repaired %(count)d articles."
    )
    PRUNED = "Removed %(count)d log entries older than %(days)d days."
    REBUILDING = "A rebuild of the search index is running; try again when it is done."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop",
            action="store_true",
            help="Keep applying new changes until stopped (Ctrl-C).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds between checks with --loop (default 1).",
        )

    def handle(self, *, loop, interval, verbosity, **options):
        if interval <= 0:
            raise CommandError("--interval must be positive.")
        self.verbosity = verbosity
        self.sync_once(quiet=False)
        if not loop:
            return
        try:
            while True:
                time.sleep(interval)
                self.sync_once(quiet=True)
        except KeyboardInterrupt:
            self.stdout.write("Stopped following the search index log.")

    def sync_once(self, *, quiet: bool) -> None:
        path = get_backend().current()
        if path is None:
            self.build()
            return
        days = conf.get("SEARCH_LOG_RETENTION_DAYS")
        if read_state(path) is not None and is_stale(path, retention_days=days):
            drift, _ = reconcile(repair=True)
            self.stdout.write(
                self.RECONCILED % {"days": days, "count": len(drift.article_ids)}
            )
        report = apply_pending_log(
            time_budget=None, batch_size=SYNC_BATCH, merge="SEARCH_MERGE_ON_SYNC"
        )
        if report.missing:
            drift, _ = reconcile(repair=True)
            self.stdout.write(
                self.RECONCILED % {"days": days, "count": len(drift.article_ids)}
            )
        elif report.locked:
            self.stdout.write(self.style.WARNING(self.BUSY))
        elif report.rows:
            self.stdout.write(self.APPLIED % vars(report))
        elif not quiet:
            self.stdout.write(self.UP_TO_DATE)
        self.prune(days)

    def build(self) -> None:
        message = self.UPGRADED if get_backend().linked() else self.BUILT
        bar = ProgressBar(self.stdout, "Indexing", enabled=self.verbosity > 0)
        try:
            report = rebuild_index(progress=bar)
        except RebuildInProgress:
            raise CommandError(self.REBUILDING) from None
        finally:
            bar.finish()
        self.stdout.write(
            self.style.SUCCESS(
                message % {"documents": report.documents, "seconds": report.seconds}
            )
        )

    def prune(self, days: int) -> None:
        cutoff = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=days)
        old = IndexLog.objects.filter(created__lt=cutoff)
        count, _ = old.delete()
        if count:
            self.stdout.write(self.PRUNED % {"count": count, "days": days})
