"""Rebuild the search index from the database, then switch to it atomically.

Searches keep using the current index until the new one is complete. Use it
after a schema change (the system check says so), after restoring the
database from a backup, or when check_search_index finds much drift.
"""

from django.core.management.base import BaseCommand, CommandError

from archive.models import Article
from search import conf
from search.indexing import RebuildInProgress, rebuild_index
from search.management.commands._progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the database into a new folder, then switch "
        "to it atomically. Searches keep working meanwhile."
    )

    CONFIRM = (
        "This rebuilds the search index in %(dir)s from the %(count)d published "
        "articles in the database. Searches keep using the current index until "
        "the new one is ready. Continue? [y/N] "
    )
    CANCELLED = "Cancelled; the search index was not changed."
    NO_ANSWER = (
        "No answer (end of input), so nothing was rebuilt; "
        "run with --noinput from scripts and cron."
    )
    BUSY = "Another rebuild of the search index is running; wait for it to finish."
    BUSY_PID = (
        "Another rebuild of the search index is running (process %(pid)d); "
        "wait for it to finish."
    )
    DONE = (
        "Rebuilt the search index: %(documents)d articles in %(seconds).1f s "
        "(%(rate).0f articles/s), now in use from %(path)s."
    )
    CAUGHT_UP = "Applied %(rows)d changes made while it was being built."

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=1000,
            help="Articles read from the database at a time (default 1000).",
        )
        parser.add_argument(
            "--procs",
            type=int,
            default=None,
            help="Indexing processes (default SEARCH_REBUILD_PROCS).",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *, chunk_size, procs, interactive, verbosity, **options):
        if chunk_size < 1 or (procs is not None and procs < 1):
            raise CommandError("--chunk-size and --procs must be at least 1.")
        if interactive:
            count = Article.objects.published().count()
            try:
                answer = input(self.CONFIRM % {"dir": conf.index_dir(), "count": count})
            except EOFError:  # no terminal: cron, a script, stdin closed
                raise CommandError(self.NO_ANSWER) from None
            if answer.strip().lower() not in ("y", "yes"):
                self.stdout.write(self.CANCELLED)
                return
        bar = ProgressBar(self.stdout, "Indexing", enabled=verbosity > 0)
        try:
            report = rebuild_index(chunk_size, progress=bar, procs=procs)
        except RebuildInProgress as busy:
            message = self.BUSY_PID % {"pid": busy.holder} if busy.holder else self.BUSY
            raise CommandError(message) from None
        finally:
            bar.finish()
        self.stdout.write(
            self.style.SUCCESS(
                self.DONE
                % {
                    "documents": report.documents,
                    "seconds": report.seconds,
                    "rate": report.documents / max(report.seconds, 1e-6),
                    "path": report.path,
                }
            )
        )
        if report.caught_up.rows:
            self.stdout.write(self.CAUGHT_UP % {"rows": report.caught_up.rows})
