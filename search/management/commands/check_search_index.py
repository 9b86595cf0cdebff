"""Compare the search index with the database; --repair fixes the difference.

Reports published articles missing from the index, articles indexed from
older data (e.g. a renamed source the index did not follow), and indexed
articles that are no longer published or no longer exist.
"""

from django.core.management.base import BaseCommand, CommandError

from search.drift import reconcile
from search.management.commands._progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Report articles missing from the search index, stale in it, or in it "
        "but unpublished or deleted; --repair fixes them."
    )

    NO_INDEX = "There is no search index yet: run manage.py sync_search_index."
    CLEAN = "The search index matches the database: %(indexed)d articles indexed, %(published)d published."
    SEGMENTS = (
        "The index is in %(segments)d segments; rebuild_search_index would make "
        "searches a little faster."
    )
    MANY_SEGMENTS = 60
    FOUND = {
        "missing": "%(count)d published articles are missing from the index",
        "stale": "%(count)d articles are indexed from older data",
        "unpublished": "%(count)d unpublished articles are still in the index",
        "deleted": "%(count)d deleted articles are still in the index",
        "duplicated": "%(count)d articles are in the index more than once",
    }
    REPAIRED = "Repaired: %(indexed)d articles re-indexed, %(removed)d removed."
    DRIFT = "The search index differs from the database: run with --repair."

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair", action="store_true", help="Re-index or remove what differs."
        )

    def handle(self, *, repair, verbosity, **options):
        bar = ProgressBar(self.stdout, "Checking", enabled=verbosity > 1)
        try:
            drift, report = reconcile(repair=repair, progress=bar)
        except FileNotFoundError:
            raise CommandError(self.NO_INDEX) from None
        finally:
            bar.finish()
        if drift.clean:
            self.stdout.write(
                self.style.SUCCESS(
                    self.CLEAN
                    % {"indexed": drift.indexed, "published": drift.published}
                )
            )
            return
        for name, message in self.FOUND.items():
            ids = getattr(drift, name)
            if ids:
                sample = ", ".join(f"#{pk}" for pk in ids[:10])
                more = " …" if len(ids) > 10 else ""
                self.stdout.write(f"{message % {'count': len(ids)}}: {sample}{more}")
        if report is None:
            raise CommandError(self.DRIFT)
        self.stdout.write(
            self.style.SUCCESS(
                self.REPAIRED % {"indexed": report.indexed, "removed": report.removed}
            )
        )
