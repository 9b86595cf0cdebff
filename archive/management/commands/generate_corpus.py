"""Write a synthetic corpus of published articles for the search benchmark.

The articles are bulk-inserted, which bypasses model signals and the search
index log: rebuild the search index afterwards (``make bench`` does, and times
it). Everything written is marked synthetic: URLs under ``synthetic.example``,
sources named "Synthetic …", the tag ``synthetic-corpus`` and summaries that
start with "[Synthetic]".
"""

import itertools
import multiprocessing
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from archive import services, tally
from archive.models import Article, Author, Source, Tag
from archive.rows import insert_rows
from archive.synthetic import registries
from archive.synthetic.corpus import ArticleSpec, CorpusGenerator, corpus_url_prefix

PROGRESS_EVERY = 10_000


class Command(BaseCommand):
    help = (
        "Write N synthetic (clearly marked) published articles with skewed sources, "
        "tags, dates and a Zipf-like vocabulary, deterministically for a seed. "
        "They are bulk-inserted without signals: rebuild the search index afterwards."
    )
    EXISTING = (
        "%(count)d synthetic articles from seed %(seed)d already exist; "
        "pass --clear to replace them."
    )
    CLEARED = "Removed %(count)d synthetic articles."
    NOT_A_START = (
        "The %(count)d synthetic articles from seed %(seed)d are not the start of "
        "its corpus; pass --clear to write it again."
    )
    RESUMED = "Kept the first %(count)d articles written before."
    DONE = "Wrote %(count)d synthetic articles (seed %(seed)d) in %(seconds).1f s."

    def add_arguments(self, parser):
        parser.add_argument(
            "--count", type=int, default=1000, help="How many articles to write."
        )
        parser.add_argument(
            "--seed", type=int, default=42, help="The same seed writes the same corpus."
        )
        parser.add_argument(
            "--clear",
            action="store_true",
            help="First delete earlier synthetic articles (only those) and the "
            "synthetic sources and tag left without articles.",
        )
        parser.add_argument(
            "--resume",
            action="store_true",
            help="Keep the articles an interrupted run of this seed wrote (the "
            "start of its corpus) and write the rest.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="Articles inserted per transaction.",
        )

    def handle(self, *, count, seed, clear, resume, batch_size, verbosity, **options):
        if count < 1 or batch_size < 1:
            raise CommandError("--count and --batch-size must be at least 1.")
        if clear:
            removed = clear_synthetic_articles()
            self.stdout.write(self.CLEARED % {"count": removed})
        written = Article.objects.filter(url_key__startswith=corpus_url_prefix(seed))
        existing = written.count()
        if existing and not resume:
            raise CommandError(self.EXISTING % {"count": existing, "seed": seed})
        if existing:
            # Batches are written whole, so an interrupted run leaves the
            # first articles of the corpus, numbered 1 to ``existing``.
            last = CorpusGenerator.url_key(seed, existing)
            if (
                existing >= count
                or not written.filter(url_key=last).exists()
                or written.filter(url_key__gt=last).exists()
            ):
                raise CommandError(self.NOT_A_START % {"count": existing, "seed": seed})
            self.stdout.write(self.RESUMED % {"count": existing})
        started = time.perf_counter()
        writer = _CorpusWriter(ensure_registries())
        writer.written = existing
        next_report = PROGRESS_EVERY if verbosity and count > PROGRESS_EVERY else None
        if next_report:
            next_report = (existing // PROGRESS_EVERY + 1) * PROGRESS_EVERY
        for batch in _generated_batches(seed, count, batch_size, skip=existing):
            writer.write(batch)
            if next_report and writer.written >= next_report:
                next_report += PROGRESS_EVERY
                rate = (writer.written - existing) / (time.perf_counter() - started)
                self.stdout.write(
                    f"  {writer.written:,} / {count:,} articles ({rate:,.0f}/s)"
                )
        # The bulk inserts sent no signals: count the archive again for the
        # home and registry pages (archive/tally.py).
        tally.recount_all()
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.DONE % {"count": count - existing, "seed": seed, "seconds": seconds}
        )


@dataclass(frozen=True)
class _Registries:
    sources: list[Source]
    tags: list[Tag]
    latin_authors: list[Author]
    hangul_authors: list[Author]
    synthetic_tag: Tag


def ensure_registries() -> _Registries:
    """Return the corpus's sources, tags and authors, creating missing ones."""
    sources = [
        services.source_get_or_create(
            name=spec.name,
            homepage=f"https://{registries.SYNTHETIC_DOMAIN}/sources/{n}",
            kind=spec.kind,
            country=spec.country,
        )
        for n, spec in enumerate(registries.SOURCES, start=1)
    ]
    pools = registries.author_pools()
    return _Registries(
        sources=sources,
        tags=[services.tag_get_or_create(name=name) for name in registries.TAGS],
        latin_authors=[services.author_get_or_create(name=n) for n in pools.latin],
        hangul_authors=[services.author_get_or_create(name=n) for n in pools.hangul],
        synthetic_tag=services.tag_get_or_create(name=registries.SYNTHETIC_TAG),
    )


class _CorpusWriter:
    """Inserts batches of articles with their tag and author links."""

    def __init__(self, found: _Registries) -> None:
        self.found = found
        self.written = 0

    def write(self, batch: tuple[ArticleSpec, ...]) -> None:
        with transaction.atomic():
            created = Article.objects.bulk_create(
                [self._article(spec) for spec in batch]
            )
            tag_links, author_links = [], []
            for spec, article in zip(batch, created, strict=True):
                tags = [self.found.tags[i] for i in spec.tags]
                tags.append(self.found.synthetic_tag)
                tag_links.extend((article.pk, tag.pk) for tag in dict.fromkeys(tags))
                pool = (
                    self.found.hangul_authors
                    if spec.language == "ko"
                    else self.found.latin_authors
                )
                author_links.extend((article.pk, pool[i].pk) for i in spec.authors)
            insert_rows(Article.tags.through, ("article", "tag"), tag_links)
            insert_rows(Article.authors.through, ("article", "author"), author_links)
        self.written += len(batch)

    def _article(self, spec: ArticleSpec) -> Article:
        return Article(
            title=spec.title,
            slug=spec.slug,
            source=self.found.sources[spec.source],
            url=spec.url,
            url_key=spec.url_key,
            published=spec.published,
            published_is_inferred=spec.published_is_inferred,
            language=spec.language,
            kind=spec.kind,
            summary=spec.summary,
            body=spec.body,
            body_text=spec.body_text,
            status=Article.Status.PUBLISHED,
            content_hash=spec.content_hash,
        )


@transaction.atomic
def clear_synthetic_articles() -> int:
    """Delete every synthetic article (URL under the reserved domain); return how many."""
    synthetic = Article.objects.filter(
        url_key__startswith=registries.SYNTHETIC_URL_PREFIX
    ).only("pk")
    count = synthetic.count()
    synthetic.delete()
    Source.objects.filter(
        homepage__startswith=registries.SYNTHETIC_URL_PREFIX, articles__isnull=True
    ).delete()
    Tag.objects.filter(slug=registries.SYNTHETIC_TAG, articles__isnull=True).delete()
    return count


# Batches written by the generating process ahead of the inserting one.
_BATCHES_AHEAD = 4


def _generated_batches(
    seed: int, count: int, size: int, *, skip: int = 0
) -> Iterator[tuple[ArticleSpec, ...]]:
    """Yield the corpus in batches, generated in a second process meanwhile.

    Writing the text and inserting it cost about the same, so on two cores
    a million articles take half the time. The generating process never
    touches the database; the order and the text are the seed's, as ever.
    The first ``skip`` articles are generated (the random stream runs through
    them) but not handed over.
    """
    context = multiprocessing.get_context("fork")
    batches = context.Queue(maxsize=_BATCHES_AHEAD)
    generator = context.Process(
        target=_generate, args=(seed, count, size, skip, batches), daemon=True
    )
    generator.start()
    try:
        while (batch := batches.get()) is not None:
            if isinstance(batch, str):
                raise CommandError(f"Generating the corpus failed: {batch}")
            yield batch
    finally:
        generator.kill()
        generator.join()
        batches.close()


def _generate(seed: int, count: int, size: int, skip: int, batches) -> None:
    try:
        articles = itertools.islice(CorpusGenerator(seed).articles(count), skip, None)
        for batch in _batched(articles, size):
            batches.put(batch)
    except Exception as error:  # reported by the inserting process
        batches.put(repr(error))
    else:
        batches.put(None)
    batches.close()
    batches.join_thread()


def _batched(
    items: Iterable[ArticleSpec], size: int
) -> Iterator[tuple[ArticleSpec, ...]]:
    iterator = iter(items)
    while batch := tuple(itertools.islice(iterator, size)):
        yield batch
