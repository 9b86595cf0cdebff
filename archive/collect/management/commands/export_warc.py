"""Write captures into one WARC file for other web-archive tools.

    manage.py export_warc [--source SLUG] [--since DATE] OUT.warc.gz

Each capture's records are copied as stored (their digests still verify); the
first capture a revisit record points to is included with it.
"""

import datetime
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.collect import warc
from archive.collect.models import Capture
from archive.models import Source


class Command(BaseCommand):
    help = (
        "Write captures (all, or a source's, or since a date) into one .warc.gz file."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT.warc.gz")
        parser.add_argument("--source", metavar="SLUG")
        parser.add_argument("--since", metavar="YYYY-MM-DD")

    def handle(self, *, out, source, since, **options):
        files = self._files(self._captures(source, since))
        missing = [f for f in files if not (warc.root() / f).exists()]
        if missing:
            raise CommandError(
                f"{len(missing)} capture files are missing (run check_captures): {missing[0]}…"
            )
        target = Path(out)
        partial = target.with_name(target.name + ".part")
        with open(partial, "wb") as sink:
            for relative in files:
                with open(warc.root() / relative, "rb") as source_file:
                    while chunk := source_file.read(1 << 20):
                        sink.write(chunk)
        os.replace(partial, target)
        size = target.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {len(files)} captures to {target} ({size} bytes)."
            )
        )

    def _captures(self, source: str | None, since: str | None):
        captures = Capture.objects.select_related("revisit_of").order_by(
            "fetched_at", "pk"
        )
        if source:
            if not Source.objects.filter(slug=source).exists():
                raise CommandError(f"No source has the slug “{source}”.")
            captures = captures.filter(article__source__slug=source)
        if since:
            try:
                day = datetime.date.fromisoformat(since)
            except ValueError:
                raise CommandError(
                    f"--since must be a date like 2024-05-31, not “{since}”."
                ) from None
            captures = captures.filter(fetched_at__date__gte=day)
        return captures

    @staticmethod
    def _files(captures) -> list[str]:
        """Each capture's file, after the one its revisit record refers to."""
        files: list[str] = []
        for capture in captures:
            for holder in (capture.revisit_of, capture):
                if holder is not None and holder.warc_file not in files:
                    files.append(holder.warc_file)
        return files
