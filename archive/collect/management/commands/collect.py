"""Poll every due feed once and capture its new items.

    manage.py collect [--source SLUG] [--all] [--threads N]

Says what each poll did (items new, already in the archive, filed from the
feed's text; or why the feed failed); exits non-zero when some failed.
"""

from django.core.management.base import BaseCommand, CommandError

from archive.collect.feeds import poll_due
from archive.collect.models import Feed
from archive.models import Source


class Command(BaseCommand):
    help = (
        "Poll every active feed that is due (conditional GET), capture each new "
        "item and file it as a draft, or published for a trusted source."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", metavar="SLUG", help="Only this source's feeds."
        )
        parser.add_argument(
            "--all",
            action="store_true",
            dest="poll_all",
            help="Poll every active feed now, due or not (backing off included).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            metavar="N",
            help="Feeds polled at once (default: the COLLECT_THREADS setting).",
        )

    def handle(self, *, source, poll_all, threads, **options):
        feeds = None
        if source:
            found = Source.objects.filter(slug=source).first()
            if found is None:
                raise CommandError(
                    f"No source has the slug “{source}” (see /sources/)."
                )
            feeds = list(found.feeds.values_list("pk", flat=True))
        if poll_all:
            chosen = Feed.objects.filter(active=True)
            if feeds is not None:
                chosen = chosen.filter(pk__in=feeds)
            chosen.update(next_poll=None, claim="")
        outcomes = poll_due(feeds=feeds, threads=threads)
        if not outcomes:
            self.stdout.write("No feed is due.")
            return
        failed = 0
        for outcome in outcomes:
            line = f"{outcome.url} ({outcome.source}): {outcome.message}"
            if outcome.clean:
                self.stdout.write(line)
                continue
            failed += 1
            prefix = "" if outcome.ok else "FAILED: "
            self.stderr.write(
                self.style.ERROR(
                    f"{outcome.url} ({outcome.source}): {prefix}{outcome.message}"
                )
            )
            for problem in outcome.item_failures:
                self.stderr.write(self.style.ERROR(f"  {problem}"))
        new = sum(outcome.new for outcome in outcomes)
        summary = f"{len(outcomes)} feeds polled, {new} new items"
        if failed:
            raise CommandError(
                f"{summary}; {failed} feeds failed or had items that could not be filed."
            )
        self.stdout.write(self.style.SUCCESS(f"{summary}."))
