"""Check that every capture file has its row and every row its file.

    manage.py check_captures [--repair]

--repair adopts files without a row (a crash between writing the file and
saving the row) and removes partial files a crash left; rows whose file is
missing are reported. Exits non-zero while anything is left unresolved.
"""

from django.core.management.base import BaseCommand, CommandError

from archive.collect.integrity import check_captures


class Command(BaseCommand):
    help = (
        "Compare CAPTURE_DIR with the captures in the database; --repair adopts "
        "files without a row and removes partial files."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true")

    def handle(self, *, repair, **options):
        result = check_captures(repair=repair)
        adopted = {capture.warc_file: capture for capture in result.adopted}
        for path in result.orphans:
            if path in adopted:
                capture = adopted[path]
                to = (
                    f"article #{capture.article_id}"
                    if capture.article_id
                    else "no article"
                )
                self.stdout.write(f"Adopted {path} as capture #{capture.pk} ({to}).")
            elif path in result.unreadable:
                self.stderr.write(f"Unreadable file {path}: {result.unreadable[path]}")
            else:
                self.stderr.write(f"File without a database row: {path}")
        for path in result.partials:
            done = (
                "Removed" if path in result.removed else "Partial file left by a crash:"
            )
            self.stdout.write(f"{done} {path}")
        for capture in result.missing:
            self.stderr.write(
                f"Capture #{capture.pk} ({capture.final_url}) has lost its file "
                f"{capture.warc_file}; restore it from a backup."
            )
        if not result.clean:
            hint = "" if repair else " Run with --repair to adopt and clean up."
            raise CommandError(f"The captures and their files disagree.{hint}")
        self.stdout.write(
            self.style.SUCCESS("Every capture has its file and every file its row.")
        )
