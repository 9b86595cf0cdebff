"""Export every article as full records, one JSON object a line, to move an archive.

    manage.py export_articles archive.jsonl
    manage.py export_articles - > archive.jsonl
    manage.py import_articles archive.jsonl --update

Unlike the listings' CSV and JSON downloads (published articles, no body),
each record carries everything a curator filed: the body, status, review
note, slug, byline order and the source's homepage. ``import_articles``
reads the file back; with ``--update`` it restores the stored values of
articles already in the archive (matched by URL, or by text when there is
none). The file is written as it is read, a chunk of articles at a time.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from archive.models import Article

CHUNK_SIZE = 500


def full_record(article: Article) -> dict:
    """Everything stored about ``article`` that an import can restore."""
    return {
        "id": article.pk,
        "title": article.title,
        "slug": article.slug,
        "original_url": article.url,
        "source": {"name": article.source.name, "slug": article.source.slug},
        "source_homepage": article.source.homepage,
        "published": article.published.isoformat(),
        "published_is_inferred": article.published_is_inferred,
        "authors": [{"name": a.name, "slug": a.slug} for a in article.byline],
        "tags": [{"name": t.name, "slug": t.slug} for t in article.tags.all()],
        "language": article.language,
        "kind": article.kind,
        "status": article.status,
        "review_note": article.review_note,
        "summary": article.summary,
        "body": article.body,
    }


class Command(BaseCommand):
    help = (
        "Write every article (drafts included, with body, status and review note) "
        "as JSON Lines that import_articles --update reads back without loss."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", help="file to write, or - for standard output")
        parser.add_argument(
            "--status",
            choices=Article.Status.values,
            default="",
            help="only articles with this status",
        )

    def handle(self, *args, **options):
        articles = Article.objects.all()
        if options["status"]:
            articles = articles.filter(status=options["status"])
        if options["output"] == "-":
            count = self._write(articles, sys.stdout)
        else:
            path = Path(options["output"])
            try:
                with path.open("w", encoding="utf-8") as out:
                    count = self._write(articles, out)
            except OSError as exc:
                raise CommandError(f"cannot write {path}: {exc.strerror}") from None
            self.stderr.write(f"{count} articles written to {path}.")

    def _write(self, articles, out) -> int:
        count = 0
        for chunk in articles.in_chunks(CHUNK_SIZE):
            for article in chunk:
                out.write(json.dumps(full_record(article), ensure_ascii=False) + "\n")
                count += 1
        return count
