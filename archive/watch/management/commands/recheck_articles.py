"""Re-check articles at their original URLs: still there, changed, or gone.

    manage.py recheck_articles --due            # what the schedule says is due
    manage.py recheck_articles --all            # every article with a URL
    manage.py recheck_articles --source kcna    # one source's articles
    manage.py recheck_articles 12 345           # these articles

A run over --all, --source or ids that is interrupted continues where it
stopped when started again with the same selection.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from archive.models import Source
from archive.watch import runs

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Re-check articles at their original URLs and record what changed or went."

    NOTHING = "No articles to check."
    INTERRUPTED = "Interrupted: run the same command again to continue."
    RESUMING = "Resuming the run started {started} ({done} already checked)."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--due", action="store_true", help="the articles due now")
        which.add_argument("--all", action="store_true", help="every article")
        which.add_argument("--source", metavar="SLUG", help="one source's articles")
        parser.add_argument("ids", nargs="*", type=int, metavar="ARTICLE_ID")
        parser.add_argument(
            "--limit", type=int, help="check at most this many articles"
        )

    def _selection(self, options) -> tuple[str, object]:
        if options["ids"]:
            if options["due"] or options["all"] or options["source"]:
                raise CommandError("Give article ids, or one of --due/--all/--source.")
            ids = sorted(set(options["ids"]))
            return "ids:" + ",".join(map(str, ids)), runs.watched().filter(pk__in=ids)
        if options["source"]:
            source = Source.objects.filter(slug=options["source"]).first()
            if source is None:
                raise CommandError(f"There is no source “{options['source']}”.")
            return f"source:{source.slug}", runs.watched().filter(source=source)
        if options["all"]:
            return "all", runs.watched()
        if options["due"]:
            return "", runs.due(timezone.now())
        raise CommandError("Say which articles: --due, --all, --source SLUG or ids.")

    def handle(self, *args, **options):
        selection, articles = self._selection(options)
        run = None
        if selection:
            run, resumed = runs.start_or_resume(selection)
            if resumed:
                done = articles.filter(checked__gte=run.started_at).count()
                started = f"{run.started_at:%Y-%m-%d %H:%M} UTC"
                self.stdout.write(self.RESUMING.format(started=started, done=done))
            articles = runs.not_done(articles, run)
        if not articles.exists():
            self.stdout.write(self.NOTHING)
            if run is not None:
                runs.finish(run, runs.Tally())
            return
        try:
            tally = runs.run_checks(
                articles, limit=options["limit"], progress=self._progress()
            )
        except KeyboardInterrupt:
            raise CommandError(self.INTERRUPTED) from None
        if sys.stderr.isatty():
            self.stderr.write("")
        if run is not None and options["limit"] is None:
            runs.finish(run, tally)
        elif run is not None:
            run.checked += tally.done
            run.save(update_fields=["checked"])
        self.stdout.write(tally.summary())

    def _progress(self):
        live = sys.stderr.isatty()

        def show(tally: runs.Tally) -> None:
            if live:
                filled = BAR_WIDTH * tally.done // max(tally.total, 1)
                bar = "#" * filled + "-" * (BAR_WIDTH - filled)
                self.stderr.write(
                    f"\r[{bar}] {tally.done}/{tally.total} {tally.summary()}", ending=""
                )
                self.stderr.flush()
            elif tally.done % 100 == 0 or tally.done == tally.total:
                self.stderr.write(f"{tally.done}/{tally.total}: {tally.summary()}")

        return show
