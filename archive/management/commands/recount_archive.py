"""Count the published articles again from scratch for the home and registry pages.

Every save keeps the counts current (archive/tally.py); this is for after
articles were changed around the application (SQL, a restored database).
"""

from django.core.management.base import BaseCommand

from archive import tally


class Command(BaseCommand):
    help = (
        "Count the published articles by source, tag, author, language, kind and "
        "year again from scratch (after editing articles with SQL or restoring)."
    )
    DONE = "Counted %(count)d published articles."

    def handle(self, **options):
        self.stdout.write(self.DONE % {"count": tally.recount_all()})
