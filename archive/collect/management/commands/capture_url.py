"""Capture pages by URL: fetch each, keep it as WARC, file its article as a draft.

    manage.py capture_url URL… [--source SLUG] [--tag SLUG…] [--status draft|published]

Says what happened to each URL; exits non-zero when any failed.
"""

from django.core.management.base import BaseCommand, CommandError

from archive.collect.capture import CaptureOptions, capture_url
from archive.models import Article, Source, Tag


class Command(BaseCommand):
    help = (
        "Fetch pages by URL, keep each as a WARC capture and file its article "
        "(a draft unless --status published). A URL already in the archive "
        "gets a new capture."
    )

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="+", metavar="URL")
        parser.add_argument("--source", metavar="SLUG", help="File under this source.")
        parser.add_argument(
            "--tag", action="append", default=[], metavar="SLUG", help="Add this tag."
        )
        parser.add_argument(
            "--status",
            choices=[Article.Status.DRAFT, Article.Status.PUBLISHED],
            default=Article.Status.DRAFT,
        )

    def handle(self, *, urls, source, tag, status, **options):
        capture_options = CaptureOptions(
            source=self._source(source),
            tags=tuple(self._tag(slug) for slug in tag),
            publish=status == Article.Status.PUBLISHED,
        )
        failed = 0
        for url in urls:
            outcome = capture_url(url, capture_options)
            if outcome.ok:
                self.stdout.write(f"{url}: {outcome.message}")
            else:
                failed += 1
                self.stderr.write(self.style.ERROR(f"{url}: {outcome.message}"))
        done = len(urls) - failed
        if failed:
            raise CommandError(f"{failed} of {len(urls)} URLs failed; {done} captured.")
        self.stdout.write(self.style.SUCCESS(f"{done} of {len(urls)} URLs captured."))

    def _source(self, slug: str | None) -> Source | None:
        if not slug:
            return None
        found = Source.objects.filter(slug=slug).first()
        if found is None:
            raise CommandError(f"No source has the slug “{slug}” (see /sources/).")
        return found

    def _tag(self, slug: str) -> str:
        found = Tag.objects.filter(slug=slug).first()
        if found is None:
            raise CommandError(f"No tag has the slug “{slug}” (see /tags/).")
        return found.name
