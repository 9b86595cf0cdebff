"""The batch runner: read every input, check every record, save through the services.

Records are read one at a time (a JSON Lines or CSV file of any size is
streamed) and saved in batches of ``batch_size``, each batch in one short
transaction: the batch's articles already in the archive are looked up
together, its new articles are checked one by one and inserted together with
their authors and tags, and their search index log rows and kept counts are
written together. A record that fails is reported and leaves the good ones of
its batch alone; if the database refuses a batch as a whole (another writer
filed the same URL meanwhile), the batch is saved again record by record, each
in a savepoint of its own. An interrupted import loses at most its unfinished
batch, and other writers get their turn between batches.
Rerunning an import is safe: a record whose URL or text is already in the
archive is skipped (or, with ``update``, updated), never saved twice. A dry run
reads and validates only: it writes nothing and opens no transaction, so it
blocks no one.
"""

import difflib
import hashlib
import itertools
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
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
from archive.models import (
    UNKNOWN_SOURCE,
    Article,
    Author,
    Source,
    Tag,
    content_hash,
    in_byline_order,
)
from archive.rows import insert_rows
from archive.sanitize import html_to_text, plain_text, sanitize_html
from archive.signals import articles_changed
from archive.urlnorm import normalize_url

logger = logging.getLogger(__name__)

# A batch of a real import is one transaction; other writers wait for it
# to end. A batch is kept to about BATCH_SECONDS of holding the lock: it
# starts at FIRST_BATCH records and grows towards ``batch_size`` while
# batches take less, and shrinks when a busy machine makes them take more.
# On SQLite a waiting writer polls the lock (at most every 100 ms): after
# about PAUSE_AFTER_SECONDS of batches the lock stays free for at least
# SQLITE_PAUSE (preparing the next batch counts) before it is taken again.
BATCH_SECONDS = 0.5
FIRST_BATCH = 100
PAUSE_AFTER_SECONDS = 1.0
SQLITE_PAUSE = 0.15

# Why a record matched an article already in the archive.
SAME_URL = "same URL"
SAME_TEXT = "same text"
SAME_TITLE = "same title, source and date"
SAME_TITLE_NEAR_TEXT = "same title, nearly the same text"

# Two texts under one title are one article when this share of their words
# match in order: a re-capture that writes "Stella -" for "Stella:" or drops a
# caption is the same article, a different story under a stock title is not.
NEAR_TEXT_RATIO = 0.9
# How many articles with the record's title are compared with it.
NEAR_TEXT_CANDIDATES = 5
LOOKUP_CHUNK = 500

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


def read_records(decoded: Decoded) -> Iterable[RawRecord | BrokenRecord]:
    """The records in ``decoded``, read by the parser for its format."""
    return import_string(READERS[decoded.format])(decoded)


@dataclass(frozen=True)
class ImportOptions:
    """How to import: defaults for missing metadata, update or skip duplicates, dry run."""

    defaults: ImportDefaults = field(default_factory=ImportDefaults)
    update: bool = False
    dry_run: bool = False
    # At most this many records a batch (each is also kept to BATCH_SECONDS).
    # A batch pays for its lookups, counts and index hand-over once: 500
    # records import about a third faster than 100 (bench.roundtrip).
    batch_size: int = 500
    # Log the new articles for search and leave applying the log to whoever
    # runs the import (the command applies it in bulk at the end).
    defer_index: bool = False


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
    if text_hash and (match := same_title_near_text(prepared, text_hash)):
        return match, SAME_TITLE_NEAR_TEXT
    if not text_hash and prepared.source and fields.get("published"):
        match = Article.objects.filter(
            title__iexact=fields.get("title", ""),
            published=fields["published"],
            source__name__iexact=prepared.source.name,
        ).first()
        if match:
            return match, SAME_TITLE
    return None


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def same_title_near_text(prepared: PreparedRecord, text_hash: str) -> Article | None:
    """An article with the record's title and nearly its text, from the same source.

    For records without a URL whose text differs slightly from the stored one
    (another capture of the same page). A record that names a source matches
    only that source's articles; one whose source is unknown, any source's.
    """
    title = prepared.fields.get("title", "")
    if not title:
        return None
    candidates = Article.objects.filter(title=title).exclude(content_hash=text_hash)
    if prepared.source and prepared.source.name != UNKNOWN_SOURCE:
        candidates = candidates.filter(source__name__iexact=prepared.source.name)
    words = _words(html_to_text(sanitize_html(prepared.fields.get("body", ""))))
    for article in candidates.order_by("pk")[:NEAR_TEXT_CANDIDATES]:
        matcher = difflib.SequenceMatcher(
            None, words, _words(article.body_text), autojunk=False
        )
        if (
            matcher.quick_ratio() >= NEAR_TEXT_RATIO
            and matcher.ratio() >= NEAR_TEXT_RATIO
        ):
            return article
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
        self.on_outcomes: Callable[[list[Outcome]], None] = lambda outcomes: None
        self.on_created: Callable[[list[tuple[Article, list, list]]], None] | None = (
            None
        )
        # A dry run's records so far, by URL or text: where, and what they state.
        self.seen: dict[str, tuple[str, int]] = {}
        self.registries = _Registries()
        self.writing = 0.0  # seconds the lock was held since the last pause (SQLite)
        self.batch_size = min(FIRST_BATCH, options.batch_size)
        self.held: float | None = None  # seconds the last batch held the lock
        self.released = 0.0  # when it let go (time.monotonic())

    def run(self, inputs: Sequence[ImportInput]) -> None:
        for number, item in enumerate(inputs):
            self._run_file(number, item, len(inputs))
            self.on_progress(Progress(number + 1, len(inputs), 0, 0))

    def _finish(self, outcomes: list[Outcome]) -> None:
        self.report.add(outcomes)
        self.on_outcomes(outcomes)

    def _run_file(self, number: int, item: ImportInput, files: int) -> None:
        decoded = self._open(item)
        if decoded is None:
            return
        done = 0
        try:
            for batch in self._batches(decoded, number, files):
                done += len(batch)
                self._finish(self._batch(item.name, batch))
                self._fit_batch(len(batch))
            if not done:
                message = f"the file holds no articles (read as {decoded.format})"
                self._file_failed(item, message)
        except FileProblem as problem:
            self._file_failed(item, str(problem))
        except UnicodeDecodeError as problem:
            self._file_failed(
                item,
                f"the text is not valid {problem.encoding.upper()} after record "
                f"{done} ({problem.reason}); save it as UTF-8",
            )
        except RecursionError:
            self._file_failed(item, "the file nests too deeply to be read")
        except Exception as exc:  # one unreadable file must not stop the others
            logger.exception("Import could not read %s", item.name)
            self._file_failed(
                item, f"the file could not be read ({type(exc).__name__}: {exc})"
            )
        finally:
            decoded.close()

    def _batches(self, decoded: Decoded, number: int, files: int) -> Iterator[list]:
        """The file's records, ``batch_size`` at a time, reporting progress per record."""
        stream = decoded.stream
        records = read_records(decoded)
        count = 0
        if stream is None:
            records = list(records)  # held in memory anyway: counted for progress
            count = len(records)
        records = iter(records)
        done = 0
        while batch := list(itertools.islice(records, self.batch_size)):
            for _ in batch:
                done += 1
                if stream is None:
                    self.on_progress(Progress(number, files, done, count))
                else:
                    read = stream.bytes_read
                    self.on_progress(
                        Progress(number, files, done, 0, read, stream.size)
                    )
            yield batch

    def _fit_batch(self, records: int) -> None:
        """Size the next batch to hold the lock about BATCH_SECONDS (at most double, at most ``batch_size``)."""
        if self.held is None or records < self.batch_size:
            return  # a dry run holds no lock; a file's short last batch says little
        fitting = int(records * BATCH_SECONDS / max(self.held, 0.001))
        self.batch_size = max(1, min(fitting, 2 * records, self.options.batch_size))

    def _pause_if_held_long(self) -> None:
        """On SQLite, let waiting writers in after about PAUSE_AFTER_SECONDS of holding the lock.

        Preparing the next batch already left the lock free for a while;
        only what falls short of SQLITE_PAUSE is slept.
        """
        if self.held is None or connection.vendor != "sqlite":
            return
        self.writing += self.held
        if self.writing >= PAUSE_AFTER_SECONDS:
            free = time.monotonic() - self.released
            time.sleep(max(0.0, SQLITE_PAUSE - free))
            self.writing = 0.0

    def _file_failed(self, item: ImportInput, message: str) -> None:
        self._finish([Outcome(Action.FAILED, item.name, message=message)])

    def _batch(self, name: str, records: list) -> list[Outcome]:
        """Import one batch of records in one transaction; return their outcomes.

        A dry run writes nothing and opens no transaction at all: on SQLite
        even an empty one takes the write lock.
        """
        if self.options.dry_run:
            return [self._import(name, record) for record in records]
        batch = _Batch(self, name)
        # Read, checked and sanitized before the transaction: only the
        # lookups and writes hold the lock.
        ready = batch.ready(records)
        self._pause_if_held_long()
        self.held = None
        try:
            with transaction.atomic():
                started = time.monotonic()
                outcomes = batch.save(ready)
                # How long others waited (handing the new articles to the
                # index afterwards does not keep them waiting).
                self.released = time.monotonic()
                self.held = self.released - started
                return outcomes
        except DatabaseError:
            # Refused as a whole (a URL filed by another writer meanwhile):
            # saved again one record at a time, each in its own savepoint.
            self.registries.forget_uncommitted()
            logger.info("Import batch of %s saved record by record", name)
        except Exception:
            # A fault of the archive's own: each record then meets it (or not) alone.
            self.registries.forget_uncommitted()
            logger.exception("Import batch of %s failed; saved record by record", name)
        with transaction.atomic():
            return [self._import(name, record) for record in records]

    def _open(self, item: ImportInput) -> Decoded | None:
        try:
            decoded = open_input(item)
        except FileProblem as problem:
            self._file_failed(item, str(problem))
            return None
        except Exception as exc:  # one unreadable file must not stop the others
            logger.exception("Import could not read %s", item.name)
            self._file_failed(
                item, f"the file could not be read ({type(exc).__name__}: {exc})"
            )
            return None
        self.report.formats[item.name] = decoded.format
        return decoded

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
            return _duplicate(name, prepared, *found)
        if found:
            article = Article.objects.prefetch_related("authors", "tags").get(
                pk=found[0].pk
            )
            change = _Change.of(article, prepared, self.registries)
            if not change.changed:
                return change.outcome(name, Action.UNCHANGED)
            change.save()
            return change.outcome(name, Action.UPDATED)
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
        return _saved(action, name, prepared.location, article)

    def _check(self, name: str, prepared: PreparedRecord) -> Outcome:
        """What saving would do, found by reading and validating only (a dry run)."""
        fields = prepared.fields
        found = find_duplicate(prepared) or self._seen_earlier(prepared)
        if found and isinstance(found[0], str):
            earlier, reason, stated = found
            action = Action.DUPLICATE
            if self.options.update:
                # The real run finds the article the earlier record made:
                # the same statement again changes nothing in it.
                same = stated == _statement(prepared)
                action = Action.UNCHANGED if same else Action.UPDATED
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
            # The change the real run would make, its registry entries looked
            # up and never created: unchanged records are reported as such.
            article = Article.objects.prefetch_related("authors", "tags").get(
                pk=found[0].pk
            )
            change = _Change.of(article, prepared, _LookedUp())
            self._remember(prepared, name)
            action = Action.UPDATED if change.changed else Action.UNCHANGED
            return change.outcome(name, action)
        if prepared.missing:
            raise RecordError("; ".join(prepared.missing))
        article = Article(**fields)
        article.source = _existing_source(prepared.source) or Source(
            name=prepared.source.name
        )
        new_source = article.source.pk is None
        article.full_clean(exclude=["source"] if new_source else None)
        self._remember(prepared, name)
        return _saved(Action.CREATED, name, prepared.location, article)

    def _keys(self, prepared: PreparedRecord) -> list[str]:
        fields = prepared.fields
        url_key = _url_key(fields.get("url", ""))
        if url_key:
            return [f"url {url_key}"]
        text_hash = content_hash(html_to_text(sanitize_html(fields.get("body", ""))))
        return [f"text {text_hash}"] if text_hash else []

    def _seen_earlier(self, prepared: PreparedRecord) -> tuple[str, str, int] | None:
        # A dry run saves nothing, so a second record with the URL (or text)
        # of an earlier one is found here rather than in the database.
        for key in self._keys(prepared):
            if key in self.seen:
                label, stated = self.seen[key]
                reason = SAME_URL if key.startswith("url") else SAME_TEXT
                return label, reason, stated
        return None

    def _remember(self, prepared: PreparedRecord, name: str) -> None:
        for key in self._keys(prepared):
            if key not in self.seen:
                self.seen[key] = (f"{name}, {prepared.location}", _statement(prepared))


def _statement(prepared: PreparedRecord) -> int:
    """A fingerprint of what a record states (a dry run keeps one per record, not the record)."""
    stated = sorted(
        (name, repr(value))
        for name, value in prepared.fields.items()
        if name in prepared.given
    )
    digest = hashlib.blake2b(digest_size=8)
    digest.update(
        repr(
            (
                stated,
                prepared.source if "source" in prepared.given else None,
                prepared.authors,
                prepared.tags,
                prepared.default_tags,
            )
        ).encode()
    )
    return int.from_bytes(digest.digest(), "little")


class _Registries:
    """The sources, authors and tags an import has resolved, by what the records say.

    An import names the same few sources and tags thousands of times: each
    is looked up (or created) once. Entries created in a batch that is rolled
    back are forgotten with it.
    """

    def __init__(self):
        self.found: dict[tuple, Source | Author | Tag] = {}
        self.uncommitted: list[tuple] = []

    def resolve(self, prepared: PreparedRecord) -> tuple[Source, list, list]:
        """The source, authors and tags of a new article from ``prepared``.

        Those not yet known are looked up or created in a savepoint: if one
        is refused, the record fails alone and nothing it created stays.
        """
        wanted = [
            (("source", prepared.source, prepared.source_homepage), _source),
            *((("author", ref), _author) for ref in prepared.authors or ()),
            *((("tag", ref), _tag) for ref in _tag_refs(prepared, [])),
        ]
        unknown = [(key, make) for key, make in wanted if key not in self.found]
        if unknown:
            made = []
            try:
                with transaction.atomic():
                    for key, make in unknown:
                        self.found[key] = make(*key[1:])
                        made.append(key)
            except BaseException:
                for key in made:
                    del self.found[key]
                raise
            self.uncommitted.extend(made)
        authors = len(prepared.authors or ())
        entries = [self.found[key] for key, _ in wanted]
        return entries[0], entries[1 : 1 + authors], entries[1 + authors :]

    def one(self, key: tuple, make: Callable):
        """The entry for ``key`` (looked up or created once), ``make(*key[1:])`` when new."""
        if key not in self.found:
            with transaction.atomic():
                self.found[key] = make(*key[1:])
            self.uncommitted.append(key)
        return self.found[key]

    def committed(self) -> None:
        self.uncommitted.clear()

    def forget_uncommitted(self) -> None:
        for key in self.uncommitted:
            self.found.pop(key, None)
        self.uncommitted.clear()


def _looked_up_author(ref: Ref) -> Author:
    if ref.slug and (existing := Author.objects.filter(slug=ref.slug).first()):
        return existing
    name = plain_text(ref.name)
    return Author.objects.filter(name__iexact=name).first() or Author(name=name)


def _looked_up_tag(ref: Ref) -> Tag:
    for slug in (ref.slug, slugify(ref.name, allow_unicode=True)):
        if slug and (existing := Tag.objects.filter(slug=slug).first()):
            return existing
    name = plain_text(ref.name)
    existing = (
        Tag.objects.filter(name__iexact=name).first()
        or Tag.objects.filter(slug=name).first()
    )
    return existing or Tag(name=name)


class _LookedUp:
    """The registry entries a dry run's records name, found as the real run finds them.

    An entry the real run would create is an unsaved stand-in here (no id,
    so it differs from every stored one): nothing is written.
    """

    LOOKUPS: dict[Callable, Callable] = {
        _source: lambda ref, homepage: (
            _existing_source(ref) or Source(name=plain_text(ref.name))
        ),
        _author: _looked_up_author,
        _tag: _looked_up_tag,
    }

    def one(self, key: tuple, make: Callable):
        return self.LOOKUPS[make](*key[1:])


@dataclass
class _Change:
    """What a record changes in the article it matched (``--update``).

    Only what the record states changes; what it does not say stays as
    stored. Built and checked in memory: ``changed`` says whether anything
    would differ, and an unchanged article is not written at all.
    """

    location: str
    article: Article
    fields: list[str]  # the article's columns that differ
    authors: list[Author] | None  # the new byline, when it differs
    tags: list[Tag] | None  # the new tags, when they differ

    @property
    def changed(self) -> bool:
        return bool(self.fields) or self.authors is not None or self.tags is not None

    @classmethod
    def of(cls, article: Article, prepared: PreparedRecord, registries) -> "_Change":
        """Apply ``prepared`` to ``article`` (its authors and tags prefetched) and check it.

        Raises ValidationError as ``article_update`` would.
        """
        values = {k: v for k, v in prepared.fields.items() if k in prepared.given}
        if "source" in prepared.given:
            key = ("source", prepared.source, prepared.source_homepage)
            values["source"] = registries.one(key, _source)
        services.check_article_fields(values)  # as article_update checks them
        columns = [
            f.attname for f in Article._meta.concrete_fields if not f.primary_key
        ]
        before = {name: getattr(article, name) for name in columns}
        old_authors = in_byline_order(article.authors.all(), article.author_order)
        old_tags = list(article.tags.all())
        retitled = "title" in values and values["title"] != article.title
        if retitled and "slug" not in values:
            article.slug = ""  # re-derived from the new title
        for name, value in values.items():
            setattr(article, name, value)
        authors = tags = None
        if prepared.authors is not None:
            authors = [
                registries.one(("author", ref), _author) for ref in prepared.authors
            ]
            article.author_order = list(dict.fromkeys(author.pk for author in authors))
            if [a.pk for a in authors] == [a.pk for a in old_authors] and (
                article.author_order == before["author_order"]
            ):
                authors = None
        if prepared.tags is not None or prepared.default_tags:
            kept = [] if prepared.tags is not None else old_tags
            tags = kept + [
                registries.one(("tag", ref), _tag) for ref in _tag_refs(prepared, kept)
            ]
            if {t.pk for t in tags} == {t.pk for t in old_tags}:
                tags = None
        # The stored forms first: a record that changes nothing leaves the
        # article as it was checked when saved, and is not checked again
        # (a restore of an export matches every article: two queries each).
        article.derive_stored_forms()
        fields = [name for name in columns if getattr(article, name) != before[name]]
        if not fields and authors is None and tags is None:
            return cls(prepared.location, article, fields, authors, tags)
        # A dry run's new source is not saved: it cannot be checked as a reference.
        article.full_clean(exclude=["source"] if article.source_id is None else None)
        fields = [name for name in columns if getattr(article, name) != before[name]]
        return cls(prepared.location, article, fields, authors, tags)

    def save(self) -> None:
        """Save this one change through the services (a batch saves its changes together)."""
        # The record's values are set on the article already.
        services.article_update(
            article=self.article, authors=self.authors, tags=self.tags
        )

    def outcome(self, name: str, action: Action) -> Outcome:
        return _saved(action, name, self.location, self.article)


def _saved(action: Action, name: str, location: str, article: Article) -> Outcome:
    """The outcome of a record saved (or, in a dry run, checked) as ``article``."""
    return Outcome(
        action,
        name,
        location,
        article.title,
        article_id=article.pk,
        status=article.status,
        needs_review=bool(article.review_note),
    )


def _duplicate(
    name: str, prepared: PreparedRecord, article: Article, reason: str
) -> Outcome:
    """The outcome of a record already in the archive as ``article`` (not updating)."""
    return Outcome(
        Action.DUPLICATE,
        name,
        prepared.location,
        prepared.fields.get("title") or article.title,
        f"already in the archive as #{article.pk} “{article.title}” ({reason})",
        article.pk,
        article.status,
        match_title=article.title,
        match_reason=reason,
    )


@dataclass
class _Ready:
    """A batch's records prepared outside the transaction."""

    records: int
    # (record number, record, prepared record, keys), in the file's order.
    pending: list = field(default_factory=list)
    outcomes: dict[int, Outcome] = field(default_factory=dict)  # refused already


@dataclass
class _New:
    """A record becoming a new article in the current batch."""

    location: str
    article: Article
    authors: list[Author]
    tags: list[Tag]


class _Batch:
    """One batch of a real import, saved in bulk inside the caller's transaction."""

    def __init__(self, importer: "_Importer", name: str):
        self.importer = importer
        self.options = importer.options
        self.registries = importer.registries
        self.name = name
        self.new: list[_New] = []
        # The records matching an article, to update: (record number, record,
        # the article's id, the prepared record).
        self.updates: list[tuple[int, RawRecord, int, PreparedRecord]] = []
        # What the new articles of this batch claim, so a second record with
        # the same URL or text waits for the next round and finds the first.
        self.claimed: set[str] = set()

    def ready(self, records: list) -> "_Ready":
        """Prepare the records and derive their stored forms, without the database."""
        ready = _Ready(len(records))
        for n, record in enumerate(records):
            if isinstance(record, BrokenRecord):
                ready.outcomes[n] = Outcome(
                    Action.FAILED, self.name, record.location, message=record.reason
                )
                continue
            try:
                prepared = prepare(record, self.options.defaults)
                keys = _Keys.of(prepared)
            except (RecordError, ValidationError) as exc:
                ready.outcomes[n] = self._failed(record, exc)
                continue
            ready.pending.append((n, record, prepared, keys))
        return ready

    def save(self, ready: "_Ready") -> list[Outcome]:
        outcomes = ready.outcomes
        pending = ready.pending
        try:
            while pending:
                pending = self._round(pending, outcomes)
        except BaseException:
            self.registries.forget_uncommitted()
            raise
        transaction.on_commit(self.registries.committed)
        return [outcomes[n] for n in range(ready.records)]

    def _round(self, ready: list, outcomes: dict[int, Outcome]) -> list:
        """Save what can be saved together; return the records for the next round."""
        self.new, self.updates, self.claimed = [], [], set()
        later = []
        matches = _Keys.find([keys for _, _, _, keys in ready])
        placed: list[tuple[int, int]] = []  # (record number, index in self.new)
        for item in ready:
            n, record, prepared, keys = item
            if keys.claims & self.claimed:
                later.append(item)
                continue
            try:
                outcome = self._one(prepared, keys, matches)
            except (RecordError, ValidationError) as exc:
                outcomes[n] = self._failed(record, exc)
                continue
            if isinstance(outcome, int):
                self.updates.append((n, record, outcome, prepared))
                self.claimed |= keys.claims
            elif outcome is None:
                placed.append((n, len(self.new) - 1))
                self.claimed |= keys.claims
            else:
                outcomes[n] = outcome
        self._insert()
        self._update(outcomes)
        for n, index in placed:
            new = self.new[index]
            outcomes[n] = _saved(Action.CREATED, self.name, new.location, new.article)
        return later

    def _failed(self, record: RawRecord, exc: Exception) -> Outcome:
        message = _messages(exc) if isinstance(exc, ValidationError) else str(exc)
        title = str(record.data.get("title") or "")[:200]
        return Outcome(Action.FAILED, self.name, record.location, title, message)

    def _one(
        self, prepared: PreparedRecord, keys: "_Keys", matches
    ) -> Outcome | int | None:
        """The outcome of a duplicate, the id of the article to update, or None once queued as new."""
        found = keys.match(matches, prepared)
        if found and not self.options.update:
            return _duplicate(self.name, prepared, *found)
        if found:
            return found[0].pk
        if prepared.missing:
            raise RecordError("; ".join(prepared.missing))
        if keys.problem is not None:
            raise keys.problem
        article = keys.article
        article.source, authors, tags = self.registries.resolve(prepared)
        article.author_order = list(dict.fromkeys(author.pk for author in authors))
        self.new.append(_New(prepared.location, article, authors, tags))
        return None

    def _update(self, outcomes: dict[int, Outcome]) -> None:
        """Update the round's matched articles together: one read, one write per table.

        The articles are read with their authors and tags in one go; each
        record's change is applied and checked in memory (a bad record fails
        alone); the changed articles are written with one ``bulk_update``,
        their bylines and tags rewritten only where they differ, and logged
        for search and recounted together. An unchanged article is not
        written at all and is reported unchanged.
        """
        if not self.updates:
            return
        articles = Article.objects.prefetch_related("authors", "tags").in_bulk(
            [pk for _, _, pk, _ in self.updates]
        )
        changes: list[_Change] = []
        for n, record, pk, prepared in self.updates:
            try:
                change = _Change.of(articles[pk], prepared, self.registries)
            except (RecordError, ValidationError) as exc:
                outcomes[n] = self._failed(record, exc)
                continue
            action = Action.UPDATED if change.changed else Action.UNCHANGED
            outcomes[n] = change.outcome(self.name, action)
            if change.changed:
                changes.append(change)
        if not changes:
            return
        now = timezone.now()
        for change in changes:
            # What Article.save() and the updated field's auto_now would do.
            change.article.version = (change.article.version or 0) + 1
            change.article.updated = now
        columns = {name for change in changes for name in change.fields}
        Article.objects.bulk_update(
            [change.article for change in changes],
            sorted(columns | {"version", "updated"}),
            batch_size=LOOKUP_CHUNK,
        )
        _set_links(Article.authors.through, "author_id", changes, "authors")
        _set_links(Article.tags.through, "tag_id", changes, "tags")
        articles_changed.send(
            sender=Article,
            article_ids=[change.article.pk for change in changes],
            defer_apply=self.options.defer_index,
        )

    def _insert(self) -> None:
        """Insert the round's new articles, their bylines and tags, log and count them."""
        if not self.new:
            return
        articles = Article.objects.bulk_create([new.article for new in self.new])
        for relation, column in (("authors", "author"), ("tags", "tag")):
            insert_rows(
                getattr(Article, relation).through,
                ("article", column),
                [
                    (article.pk, entry.pk)
                    for article, new in zip(articles, self.new, strict=True)
                    for entry in dict.fromkeys(getattr(new, relation))
                ],
            )
        # What post_save and m2m_changed would have done for each: the search
        # index log and the kept counts, in this transaction.
        articles_changed.send(
            sender=Article,
            article_ids=[article.pk for article in articles],
            defer_apply=self.options.defer_index,
        )
        if self.importer.on_created is not None:
            self.importer.on_created(
                [
                    (article, new.authors, new.tags)
                    for article, new in zip(articles, self.new, strict=True)
                ]
            )


def _set_links(through, column: str, changes: list[_Change], attribute: str) -> None:
    """Make the through table hold the new authors (or tags) of the changes that have them."""
    wanted = {
        change.article.pk: {entry.pk for entry in getattr(change, attribute)}
        for change in changes
        if getattr(change, attribute) is not None
    }
    if not wanted:
        return
    stale, have = [], set()
    rows = through.objects.filter(article_id__in=list(wanted)).values_list(
        "pk", "article_id", column
    )
    for pk, article_id, value in rows:
        if value in wanted[article_id]:
            have.add((article_id, value))
        else:
            stale.append(pk)
    for start in range(0, len(stale), LOOKUP_CHUNK):
        through.objects.filter(pk__in=stale[start : start + LOOKUP_CHUNK]).delete()
    through.objects.bulk_create(
        through(article_id=article_id, **{column: value})
        for article_id, values in wanted.items()
        for value in sorted(values)
        if (article_id, value) not in have
    )


@dataclass
class _Keys:
    """What identifies a record: its URL key, or its text's fingerprint without one."""

    url_key: str
    text_hash: str
    article: Article  # the record as a new article, its stored forms derived
    # Why it cannot be a new article (reported only if it matches none).
    problem: ValidationError | None = None

    @classmethod
    def of(cls, prepared: PreparedRecord) -> "_Keys":
        article = Article(**prepared.fields)
        errors: dict = {}
        try:
            article.derive_stored_forms()
        except ValidationError as error:
            # The keys are derived all the same; it is refused only if new.
            errors = error.update_error_dict(errors)
        try:
            article.clean_fields(exclude=["source"])
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        problem = ValidationError(errors) if errors else None
        text_hash = "" if article.url_key else article.content_hash
        return cls(article.url_key, text_hash, article, problem)

    @property
    def claims(self) -> set[str]:
        if self.url_key:
            return {f"url {self.url_key}"}
        return {f"text {self.text_hash}"} if self.text_hash else set()

    @staticmethod
    def find(all_keys: list["_Keys"]) -> dict[str, Article]:
        """The articles already holding any of these URLs or texts, by claim."""
        found: dict[str, Article] = {}
        lookups = (
            ("url", "url_key", {keys.url_key for keys in all_keys}),
            ("text", "content_hash", {keys.text_hash for keys in all_keys}),
        )
        for prefix, column, wanted in lookups:
            values = sorted(wanted - {""})
            for start in range(0, len(values), LOOKUP_CHUNK):
                rows = (
                    Article.objects.filter(
                        **{f"{column}__in": values[start : start + LOOKUP_CHUNK]}
                    )
                    .order_by("pk")
                    .only("pk", "title", "status", column)
                )
                for article in rows:
                    found.setdefault(f"{prefix} {getattr(article, column)}", article)
        return found

    def match(self, matches: dict[str, Article], prepared: PreparedRecord):
        """The article this record is, and why; as ``find_duplicate`` decides."""
        if self.url_key:
            article = matches.get(f"url {self.url_key}")
            return (article, SAME_URL) if article else None
        if self.text_hash:
            if article := matches.get(f"text {self.text_hash}"):
                return article, SAME_TEXT
            if article := same_title_near_text(prepared, self.text_hash):
                return article, SAME_TITLE_NEAR_TEXT
            return None
        return find_duplicate(prepared)


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
    on_outcomes: Callable[[list[Outcome]], None] | None = None,
    on_created: Callable[[list[tuple[Article, list, list]]], None] | None = None,
) -> ImportReport:
    """Import ``inputs``; return what happened to each record (interrupted runs included).

    With ``on_outcomes`` the outcomes are handed over a batch at a time, once
    the batch is saved, and the report keeps only their counts: an import of
    any size then takes the memory of one batch. ``on_created`` is called
    inside each batch's transaction with the ``(article, authors, tags)`` it
    inserted in bulk (articles saved one by one, after a refused batch, are
    not among them).
    """
    options = options or ImportOptions()
    report = ImportReport(dry_run=options.dry_run, keep_outcomes=on_outcomes is None)
    importer = _Importer(options, report, on_progress)
    if on_outcomes is not None:
        importer.on_outcomes = on_outcomes
    importer.on_created = on_created
    try:
        importer.run(inputs)
    except KeyboardInterrupt:
        report.interrupted = True
    return report


def import_record(raw: RawRecord, options: ImportOptions, name: str) -> Outcome:
    """Check and save one record read elsewhere (a fetched page), as an import would."""
    return _Importer(options, ImportReport(), None)._import(name, raw)
