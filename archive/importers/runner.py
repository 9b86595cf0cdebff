"""The batch runner: read every input, check every record, save through the services.

Records are saved in batches, each batch in one short transaction
(``batch_size`` records or about ``BATCH_SECONDS``) and each record in a
savepoint of its own, so a record that fails leaves the good ones of its batch
alone, an interrupted import loses at most its unfinished batch, and other
writers get their turn between batches.
Rerunning an import is safe: a record whose URL or text is already in the
archive is skipped (or, with ``update``, updated), never saved twice. A dry run
reads and validates only: it writes nothing and opens no transaction, so it
blocks no one.
"""

import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, connection, transaction
from django.utils.module_loading import import_string
from django.utils.text import slugify

from archive import services
from archive.importers.detect import Decoded, Format, ImportInput, open_input
from archive.importers.records import (
    BrokenRecord,
    FileProblem,
    ImportDefaults,
    PreparedRecord,
    RawRecord,
    RecordError,
    Ref,
    prepare,
)
from archive.importers.report import Action, ImportReport, Outcome, Progress
from archive.models import Article, Author, Source, Tag, content_hash
from archive.sanitize import html_to_text, sanitize_html
from archive.urlnorm import normalize_url

logger = logging.getLogger(__name__)

# A batch of a real import is one transaction; others wait for it to end.
BATCH_SECONDS = 1.0
# On SQLite a waiting writer polls the lock (at most every 100 ms): the pause
# between batches lets it in before the next batch takes the lock again.
SQLITE_PAUSE = 0.15

# Why a record matched an article already in the archive.
SAME_URL = "same URL"
SAME_TEXT = "same text"
SAME_TITLE = "same title, source and date"

# Loaded when first needed: trafilatura and feedparser take a while to import,
# and every process that loads the admin would otherwise pay for them.
READERS = {
    Format.JSON: "archive.importers.structured.parse_json",
    Format.JSON_LINES: "archive.importers.structured.parse_json_lines",
    Format.CSV: "archive.importers.structured.parse_csv",
    Format.FEED: "archive.importers.feeds.parse_feed",
    Format.HTML: "archive.importers.pages.parse_page",
    Format.TEXT: "archive.importers.captures.parse_capture",
}


def read_records(decoded: Decoded) -> list[RawRecord | BrokenRecord]:
    """The records in ``decoded``, read by the parser for its format."""
    return import_string(READERS[decoded.format])(decoded)


@dataclass(frozen=True)
class ImportOptions:
    """How to import: defaults for missing metadata, update or skip duplicates, dry run."""

    defaults: ImportDefaults = field(default_factory=ImportDefaults)
    update: bool = False
    dry_run: bool = False
    batch_size: int = 100


def _messages(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = []
    for name, messages in error.message_dict.items():
        text = " ".join(messages)
        parts.append(text if name == NON_FIELD_ERRORS else f"{name}: {text}")
    return "; ".join(parts)


def _url_key(url: str) -> str:
    try:
        return normalize_url(url)
    except ValueError:
        return ""  # the model reports the malformed URL


def find_duplicate(prepared: PreparedRecord) -> tuple[Article, str] | None:
    """The article already holding this record, and why it matches.

    Records with different URLs are different articles, even when their texts
    match (a feed's teaser is not the story, a syndicated story at a second
    address is a second publication): the text is compared only when the
    record has no URL.
    """
    fields = prepared.fields
    url_key = _url_key(fields.get("url", ""))
    if url_key:
        match = Article.objects.filter(url_key=url_key).first()
        return (match, SAME_URL) if match else None
    text_hash = content_hash(html_to_text(sanitize_html(fields.get("body", ""))))
    if text_hash and (match := Article.objects.filter(content_hash=text_hash).first()):
        return match, SAME_TEXT
    if not text_hash and prepared.source and fields.get("published"):
        match = Article.objects.filter(
            title__iexact=fields.get("title", ""),
            published=fields["published"],
            source__name__iexact=prepared.source.name,
        ).first()
        if match:
            return match, SAME_TITLE
    return None


def _source(ref: Ref, homepage: str) -> Source:
    if ref.slug and (existing := Source.objects.filter(slug=ref.slug).first()):
        return existing
    extra = {"slug": ref.slug} if ref.slug else {}
    try:
        URLValidator(schemes=["http", "https"])(homepage)
        extra["homepage"] = homepage
    except ValidationError:
        pass  # a missing or odd homepage is no reason to refuse the article
    return services.source_get_or_create(name=ref.name, **extra)


def _existing_source(ref: Ref) -> Source | None:
    if ref.slug and (existing := Source.objects.filter(slug=ref.slug).first()):
        return existing
    return Source.objects.filter(name__iexact=ref.name).first()


def _author(ref: Ref) -> Author:
    if ref.slug and (existing := Author.objects.filter(slug=ref.slug).first()):
        return existing
    return services.author_get_or_create(name=ref.name)


def _tag(ref: Ref) -> Tag:
    # "Mobile phones" from a feed is the archive's "mobile-phones".
    for slug in (ref.slug, slugify(ref.name, allow_unicode=True)):
        if slug and (existing := Tag.objects.filter(slug=slug).first()):
            return existing
    return services.tag_get_or_create(name=ref.name)


class _Importer:
    def __init__(self, options: ImportOptions, report: ImportReport, on_progress):
        self.options = options
        self.report = report
        self.on_progress = on_progress or (lambda progress: None)
        self.seen: dict[str, str] = {}  # a dry run's records so far, by URL or text

    def run(self, inputs: Sequence[ImportInput]) -> None:
        for number, item in enumerate(inputs):
            records = self._read(item)
            position = 0
            while position < len(records):
                position = self._batch(item.name, records, position, number, inputs)
            self.on_progress(Progress(number + 1, len(inputs), 0, 0))

    def _batch(self, name, records, position, number, inputs) -> int:
        """Import one batch from ``position``; return where the next one starts.

        A batch is one transaction: it ends after ``batch_size`` records or
        ``BATCH_SECONDS``, whichever comes first, so another writer (an admin
        save) waits at most that long. A dry run writes nothing and opens no
        transaction at all: on SQLite even an empty one takes the write lock.
        """
        done: list[Outcome] = []
        started = time.monotonic()
        batch = (
            contextlib.nullcontext() if self.options.dry_run else transaction.atomic()
        )
        with batch:
            while position < len(records) and len(done) < self.options.batch_size:
                if done and time.monotonic() - started > BATCH_SECONDS:
                    break
                done.append(self._import(name, records[position]))
                position += 1
                self.on_progress(Progress(number, len(inputs), position, len(records)))
        self.report.outcomes.extend(done)
        more = position < len(records)
        if more and not self.options.dry_run and connection.vendor == "sqlite":
            time.sleep(SQLITE_PAUSE)
        return position

    def _read(self, item: ImportInput) -> list[RawRecord | BrokenRecord]:
        try:
            decoded = open_input(item)
            self.report.formats[item.name] = decoded.format
            records = read_records(decoded)
            if records:
                return records
            message = f"the file holds no articles (read as {decoded.format})"
        except FileProblem as problem:
            message = str(problem)
        except RecursionError:
            message = "the file nests too deeply to be read"
        except Exception as exc:  # one unreadable file must not stop the others
            logger.exception("Import could not read %s", item.name)
            message = f"the file could not be read ({type(exc).__name__}: {exc})"
        self.report.outcomes.append(Outcome(Action.FAILED, item.name, message=message))
        return []

    def _import(self, name: str, record: RawRecord | BrokenRecord) -> Outcome:
        if isinstance(record, BrokenRecord):
            return Outcome(Action.FAILED, name, record.location, message=record.reason)
        title = str(record.data.get("title") or "")[:200]
        try:
            prepared = prepare(record, self.options.defaults)
            if self.options.dry_run:
                return self._check(name, prepared)
            with transaction.atomic():
                return self._save(name, prepared)
        except (RecordError, ValidationError, DatabaseError) as exc:
            message = _messages(exc) if isinstance(exc, ValidationError) else str(exc)
        except Exception as exc:  # reported against this record; the others go on
            logger.exception("Import failed on %s %s", name, record.location)
            message = f"unexpected error ({type(exc).__name__}: {exc})"
        return Outcome(Action.FAILED, name, record.location, title, message)

    def _save(self, name: str, prepared: PreparedRecord) -> Outcome:
        fields = prepared.fields
        found = find_duplicate(prepared)
        if found and not self.options.update:
            article, reason = found
            return Outcome(
                Action.DUPLICATE,
                name,
                prepared.location,
                fields.get("title") or article.title,
                f"already in the archive as #{article.pk} “{article.title}” ({reason})",
                article.pk,
                article.status,
                match_title=article.title,
                match_reason=reason,
            )
        if found:
            article = self._update(found[0], prepared)
            action = Action.UPDATED
        else:
            if prepared.missing:
                raise RecordError("; ".join(prepared.missing))
            article = services.article_create(
                authors=[_author(ref) for ref in prepared.authors or ()],
                tags=[_tag(ref) for ref in _tag_refs(prepared, [])],
                source=_source(prepared.source, prepared.source_homepage),
                **fields,
            )
            action = Action.CREATED
        return Outcome(
            action,
            name,
            prepared.location,
            article.title,
            article_id=article.pk,
            status=article.status,
            needs_review=bool(article.review_note),
        )

    def _check(self, name: str, prepared: PreparedRecord) -> Outcome:
        """What saving would do, found by reading and validating only (a dry run)."""
        fields = prepared.fields
        found = find_duplicate(prepared) or self._seen_earlier(prepared)
        if found and isinstance(found[0], str):
            earlier, reason = found
            action = Action.UPDATED if self.options.update else Action.DUPLICATE
            return Outcome(
                action,
                name,
                prepared.location,
                fields.get("title", ""),
                f"same as {earlier} earlier in this import ({reason})",
            )
        if found and not self.options.update:
            return self._save(name, prepared)  # reports the duplicate, writes nothing
        if found:
            article = Article.objects.get(pk=found[0].pk)
            for key, value in fields.items():
                if key in prepared.given:
                    setattr(article, key, value)
            if "source" in prepared.given:
                article.source = _existing_source(prepared.source) or article.source
            action = Action.UPDATED
        else:
            if prepared.missing:
                raise RecordError("; ".join(prepared.missing))
            article = Article(**fields)
            article.source = _existing_source(prepared.source) or Source(
                name=prepared.source.name
            )
            action = Action.CREATED
        new_source = article.source.pk is None
        article.full_clean(exclude=["source"] if new_source else None)
        self._remember(prepared, name)
        return Outcome(
            action,
            name,
            prepared.location,
            article.title,
            article_id=article.pk,
            status=article.status,
            needs_review=bool(article.review_note),
        )

    def _keys(self, prepared: PreparedRecord) -> list[str]:
        fields = prepared.fields
        url_key = _url_key(fields.get("url", ""))
        if url_key:
            return [f"url {url_key}"]
        text_hash = content_hash(html_to_text(sanitize_html(fields.get("body", ""))))
        return [f"text {text_hash}"] if text_hash else []

    def _seen_earlier(self, prepared: PreparedRecord) -> tuple[str, str] | None:
        # A dry run saves nothing, so a second record with the URL (or text)
        # of an earlier one is found here rather than in the database.
        for key in self._keys(prepared):
            if key in self.seen:
                return self.seen[key], SAME_URL if key.startswith("url") else SAME_TEXT
        return None

    def _remember(self, prepared: PreparedRecord, name: str) -> None:
        for key in self._keys(prepared):
            self.seen.setdefault(key, f"{name}, {prepared.location}")

    def _update(self, article: Article, prepared: PreparedRecord) -> Article:
        """Change what the record states; what it does not say stays as stored."""
        values = {k: v for k, v in prepared.fields.items() if k in prepared.given}
        if "source" in prepared.given:
            values["source"] = _source(prepared.source, prepared.source_homepage)
        authors = None
        if prepared.authors is not None:
            authors = [_author(ref) for ref in prepared.authors]
        tags = None
        if prepared.tags is not None or prepared.default_tags:
            kept = [] if prepared.tags is not None else list(article.tags.all())
            tags = kept + [_tag(ref) for ref in _tag_refs(prepared, kept)]
        return services.article_update(
            article=article, authors=authors, tags=tags, **values
        )


def _tag_refs(prepared: PreparedRecord, kept: list[Tag]) -> list[Ref]:
    """The record's own tags and the import's, less those ``kept`` already."""
    names = {tag.name.casefold() for tag in kept} | {tag.slug for tag in kept}
    refs = [*(prepared.tags or ()), *prepared.default_tags]
    unique: dict[str, Ref] = {}
    for ref in refs:
        key = ref.name.casefold()
        if key not in unique and key not in names and ref.slug not in names:
            unique[key] = ref
    return list(unique.values())


def run_import(
    inputs: Sequence[ImportInput],
    options: ImportOptions | None = None,
    *,
    on_progress: Callable[[Progress], None] | None = None,
) -> ImportReport:
    """Import ``inputs``; return what happened to each record (interrupted runs included)."""
    options = options or ImportOptions()
    report = ImportReport(dry_run=options.dry_run)
    importer = _Importer(options, report, on_progress)
    try:
        importer.run(inputs)
    except KeyboardInterrupt:
        report.interrupted = True
    return report


def import_record(raw: RawRecord, options: ImportOptions, name: str) -> Outcome:
    """Check and save one record read elsewhere (a fetched page), as an import would."""
    return _Importer(options, ImportReport(), None)._import(name, raw)
