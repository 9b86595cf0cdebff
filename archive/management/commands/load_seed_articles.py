"""Load the seed articles into an empty archive (what `make run` does on first start).

A plain `loaddata` would overwrite rows that curators have since edited, so
this loads the fixtures only while the archive holds no articles at all.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from archive.models import Article

SEED_FIXTURES = ("sources", "authors", "tags", "seed_articles")


class Command(BaseCommand):
    help = "Load the seed articles, sources, authors and tags if the archive is empty."

    LOADED = "Loaded the seed articles."
    SKIPPED = "The archive already holds articles; the seed articles were not reloaded."

    def handle(self, *args, **options):
        if Article.objects.exists():
            self.stdout.write(self.SKIPPED)
            return
        call_command("loaddata", *SEED_FIXTURES, verbosity=0)
        self.stdout.write(self.style.SUCCESS(self.LOADED))
