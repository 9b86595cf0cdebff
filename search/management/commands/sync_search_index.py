"""Apply the search index log: every change not yet in the index.

Run it after loading data (make run does), from cron, or as a service with
--loop beside the web workers. On a machine without an index, or with one
built for another schema version, it builds one from the database first.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from search import conf
from search.backend import get_backend
from search.drift import reconcile
from search.indexing import (
    SYNC_BATCH,
    RebuildInProgress,
    apply_pending_log,
    rebuild_index,
)
from search.management.commands._progress import ProgressBar
from search.servers import prune_log, server_name


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
        "The search index had no record of how far it applied the log: compared "
        "it with the database and repaired %(count)d articles."
    )
    DROPPED = (
        "This server (%(name)s) was not heard from for more than %(away)s, so "
        "it was dropped from the servers following the index log and missed "
        "changes the others have pruned: rebuilding its index from the database."
    )
    REJOINED = (
        "Rebuilt this server's search index with %(documents)d articles in "
        "%(seconds).1f s; it follows the index log again."
    )
    DROPPED_OTHER = (
        "Dropped server %(name)s from the index log's followers: not heard from for "
        "more than %(away)s. It rebuilds its index when it returns."
    )
    PRUNED = "Removed %(count)d log entries that every live server has applied."
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
        report = apply_pending_log(
            time_budget=None, batch_size=SYNC_BATCH, merge="SEARCH_MERGE_ON_SYNC"
        )
        if report.dropped:
            self.stdout.write(
                self.style.WARNING(
                    self.DROPPED % {"name": server_name(), "away": _away()}
                )
            )
            self.build(message=self.REJOINED)
        elif report.missing:
            drift, _ = reconcile(repair=True)
            self.stdout.write(self.RECONCILED % {"count": len(drift.article_ids)})
        elif report.locked:
            self.stdout.write(self.style.WARNING(self.BUSY))
        elif report.rows:
            self.stdout.write(self.APPLIED % vars(report))
        elif not quiet:
            self.stdout.write(self.UP_TO_DATE)
        self.prune()

    def build(self, message: str | None = None) -> None:
        if message is None:
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

    def prune(self) -> None:
        count, dropped = prune_log()
        for name in dropped:
            self.stdout.write(
                self.style.WARNING(self.DROPPED_OTHER % {"name": name, "away": _away()})
            )
        if count:
            self.stdout.write(self.PRUNED % {"count": count})


def _away() -> str:
    """Return ``SEARCH_SERVER_TIMEOUT`` in words ("7 days", "1 minute")."""
    seconds = conf.get("SEARCH_SERVER_TIMEOUT")
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = round(seconds / size, 1)
            return f"{n:g} {unit}{'' if n == 1 else 's'}"
    return f"{seconds:g} seconds"
