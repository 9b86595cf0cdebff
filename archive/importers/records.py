"""One record on its way into the archive: what a parser found, checked and completed.

Parsers turn files into ``RawRecord``s (a dict in the shape of the archive's JSON
export, plus where it came from). ``prepare`` checks one record on its own,
fills what is missing from the import's defaults and returns the article
fields, or raises ``RecordError`` with a reason a curator can act on.

Web pages, feeds and captured text are "harvested": they arrive as drafts, and
what the text does not say (the date, the source, a title) is filled with a
stand-in and flagged for review. JSON and CSV records are data: they keep their
own status, and a missing source or date is an error.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from archive.importers.dates import parse_record_date, printed_date
from archive.importers.language import SCRIPT_LANGUAGES, script_language, word_language
from archive.importers.markup import (
    MarkupTooDeep,
    check_markup,
    looks_like_html,
    text_to_html,
)
from archive.models import IMPORT_DAY_NOTE, UNKNOWN_SOURCE, Article, check_body_size
from archive.sanitize import html_to_text, plain_text, typed_text

REVIEW_PREFIX = "Imported, needs review:"
REVIEW_ADVICE = "Check title, source and date before publishing."

_KIND_ALIASES = {
    "article": "news", "feature": "news", "news article": "news", "report": "report",
    "analysis brief": "analysis", "brief": "analysis", "commentary": "analysis",
    "opinion": "analysis", "op-ed": "analysis", "column": "analysis", "essay": "analysis",
    "blog post": "blog", "post": "blog", "q&a": "interview", "state media": "state-media",
}  # fmt: skip


class ImportProblem(Exception):
    """Something in the input cannot be imported; the message says why."""


class FileProblem(ImportProblem):
    """A whole file cannot be imported (too big, binary, undecodable, malformed)."""


class RecordError(ImportProblem):
    """One record cannot be imported."""


@dataclass
class RawRecord:
    """A record as a parser found it, in the export's shape (title, source, url …)."""

    location: str
    data: dict[str, Any]
    harvested: bool = False
    public_export: bool = False
    review: list[str] = field(default_factory=list)


@dataclass
class BrokenRecord:
    """A record a parser could not read at all."""

    location: str
    reason: str


@dataclass(frozen=True)
class ImportDefaults:
    """Metadata given for the whole import, used where a record has none."""

    source: str = ""
    published: datetime.date | None = None
    tags: tuple[str, ...] = ()
    kind: str = ""
    language: str = ""
    status: str = ""


@dataclass(frozen=True)
class Ref:
    """A source, author or tag named by a record: by name, and by slug when known."""

    name: str
    slug: str = ""


@dataclass
class PreparedRecord:
    """A checked record: the article's fields and the registry entries it names.

    ``fields`` holds every field a new article needs, filled from the import's
    defaults (or stand-ins) where the record is silent; ``given`` names the
    fields the record itself states, the only ones an update changes. A field
    absent from a record leaves the stored value alone; a field present and
    empty clears it. ``missing`` says why the record cannot make a new article
    on its own (no title, source or date); an update does not need them.
    """

    location: str
    fields: dict[str, Any]
    source: Ref | None
    authors: list[Ref] | None
    tags: list[Ref] | None
    review: list[str]
    given: frozenset[str] = frozenset()
    default_tags: list[Ref] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    source_homepage: str = ""

    @property
    def status_given(self) -> bool:
        return "status" in self.given


def review_note(notes: list[str]) -> str:
    """Return the article's review note for ``notes`` (empty when nothing needs checking)."""
    if not notes:
        return ""
    return f"{REVIEW_PREFIX} {'; '.join(notes)}. {REVIEW_ADVICE}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise RecordError(f"expected text, found {type(value).__name__}")
    return str(value).strip()


def _ref(value: Any, what: str) -> Ref | None:
    if isinstance(value, dict):
        name, slug = _text(value.get("name")), _text(value.get("slug"))
    else:
        name, slug = _text(value), ""
    name = plain_text(name)
    if not name and not slug:
        return None
    if len(name) > 200:
        raise RecordError(f"{what} name is longer than 200 characters")
    return Ref(name=name or slug, slug=slug)


def _refs(value: Any, what: str) -> list[Ref]:
    if value in (None, ""):
        return []
    items = value.split(";") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise RecordError(f"{what} must be a list")
    return _unique(_ref(item, what.removesuffix("s")) for item in items)


def _unique(refs) -> list[Ref]:
    unique: dict[str, Ref] = {}
    for ref in refs:
        if ref and ref.name.casefold() not in unique:
            unique[ref.name.casefold()] = ref
    return list(unique.values())


def _choice(value: str, choices: type, aliases: dict[str, str], what: str) -> str:
    lowered = value.strip().lower()
    if lowered in choices.values:
        return lowered
    for choice_value, label in choices.choices:
        if lowered in (choice_value, str(label).lower()):
            return choice_value
    if lowered in aliases:
        return aliases[lowered]
    allowed = ", ".join(choices.values)
    raise RecordError(f"{what} “{value}” is not one the archive records ({allowed})")


def _language(value: str) -> str:
    primary = re.split(r"[-_]", value.strip(), maxsplit=1)[0]
    return _choice(primary, Article.Language, {}, "language")


def _language_field(raw: RawRecord, defaults: ImportDefaults, body: str) -> str:
    own = _text(raw.data.get("language"))
    if not raw.harvested and own:
        return _language(own)  # a data record's own language: no need to read the text
    text = plain_text(body)
    guessed = script_language(text)
    if not raw.harvested:
        return defaults.language or guessed or word_language(text) or "en"
    # A page often declares its site's language rather than the article's; the
    # script of the text is the better witness when it is not Latin.
    if guessed:
        return guessed
    declared = re.split(r"[-_]", own.lower(), maxsplit=1)[0]
    if declared in ("", *SCRIPT_LANGUAGES):
        # Feeds and pages that declare nothing: the words show the language.
        return defaults.language or word_language(text) or Article.Language.ENGLISH
    try:
        return _language(own)
    except RecordError as exc:
        if defaults.language:
            return defaults.language
        raise RecordError(
            f"{exc}; give a default language (--language) to file it"
        ) from None


def _body(value: Any) -> str:
    body = _text(value)
    if not body:
        return ""
    try:
        check_body_size(body)
    except ValidationError as error:
        raise RecordError(f"body: {' '.join(error.messages)}") from None
    if not looks_like_html(body):
        return text_to_html(body)
    try:
        check_markup(body)
    except MarkupTooDeep as exc:
        raise RecordError(f"body: {exc}") from None
    return body


def _given(raw: RawRecord, key: str) -> bool:
    """Whether ``raw`` states ``key``: present in a data record, non-empty in a harvest.

    Parsers of pages and feeds fill every key they know, empty when the page
    says nothing, so only a value counts there.
    """
    if key not in raw.data:
        return False
    return not raw.harvested or raw.data[key] not in (None, "", [], ())


def _published(
    raw: RawRecord, defaults: ImportDefaults, review: list[str], missing: list[str]
) -> tuple[dict, bool]:
    """The date fields, and whether the record itself gives the date."""
    value = raw.data.get("published")
    if value not in (None, ""):
        try:
            found = parse_record_date(value)
        except ValueError as exc:
            raise RecordError(f"published: {exc}") from None
        inferred = _flag(raw.data.get("published_is_inferred")) or not found.precise
        return {"published": found.value, "published_is_inferred": inferred}, True
    if defaults.published:
        return {"published": defaults.published, "published_is_inferred": True}, False
    if not raw.harvested:
        missing.append(
            "no publication date: give “published” in the record or a default date (--published)"
        )
        return {"published": None, "published_is_inferred": False}, False
    body = _text(raw.data.get("body"))
    text = html_to_text(body) if looks_like_html(body) else body
    today = datetime.date.today()
    printed = printed_date(text, today)
    if printed:
        if printed.year_inferred:
            year = printed.found.value.year
            review.append(
                f"date from the text (“{printed.printed}”), year {year} inferred"
            )
        return {
            "published": printed.found.value,
            "published_is_inferred": printed.year_inferred or not printed.found.precise,
        }, False
    review.append(IMPORT_DAY_NOTE)
    return {"published": today, "published_is_inferred": True}, False


def _flag(value: Any) -> bool:
    # CSV cells are text: "true" (or "1", "yes") is set, "" and "false" are not.
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def _source(
    raw: RawRecord, defaults: ImportDefaults, review: list[str], missing: list[str]
) -> tuple[Ref | None, bool]:
    """The source to file a new article under, and whether the record names it."""
    data = raw.data
    source = _ref(data.get("source"), "source")
    if source and data.get("source_slug") and not source.slug:
        source = Ref(name=source.name, slug=_text(data["source_slug"]))
    if source:
        return source, True
    if defaults.source:
        return Ref(name=plain_text(defaults.source)), False
    if not raw.harvested:
        missing.append(
            "no source: name one in the record or give a default source (--source)"
        )
        return None, False
    review.append("source unknown")
    return Ref(name=UNKNOWN_SOURCE), False


def _status(raw: RawRecord, defaults: ImportDefaults) -> tuple[str, bool]:
    own = _text(raw.data.get("status"))
    if own and not raw.harvested:
        return _choice(own, Article.Status, {}, "status"), True
    if defaults.status:
        return defaults.status, True
    # The public exports list published articles only, so they carry no status:
    # a new article from one is published, an existing one keeps its status.
    if raw.public_export:
        return Article.Status.PUBLISHED, False
    return Article.Status.DRAFT, False


def _url(data: dict) -> tuple[str, bool]:
    # In the archive's export "url" is the article's page on this site and
    # "original_url" the page it came from; elsewhere "url" is the original.
    key = "original_url" if "original_url" in data else "url"
    return _text(data.get(key)), key in data


def _typed(raw: RawRecord, value: Any, *, keep_lines: bool = False) -> str:
    """A title or summary as the record gives it (plain text, ``A<B`` and all).

    A page or feed can hand over its markup (a feed's HTML summary); only there
    are real elements taken for markup and reduced to their text.
    """
    text = _text(value)
    if raw.harvested and looks_like_html(text):
        return plain_text(text, keep_lines=keep_lines)
    return typed_text(text, keep_lines=keep_lines)


def _title_and_url(raw: RawRecord, fields: dict, given: set, missing: list) -> None:
    if _given(raw, "title"):
        fields["title"] = _typed(raw, raw.data.get("title"))
        if not fields["title"]:
            raise RecordError("no title")
        given.add("title")
    else:
        missing.append("no title")
    url, url_given = _url(raw.data)
    fields["url"] = url
    if url_given and (url or not raw.harvested):
        given.add("url")


def _content(
    raw: RawRecord, defaults: ImportDefaults, fields: dict, given: set
) -> None:
    data = raw.data
    kind = _text(data.get("kind")) or defaults.kind
    fields["kind"] = (
        _choice(kind, Article.Kind, _KIND_ALIASES, "kind")
        if kind
        else Article.Kind.NEWS
    )
    fields["body"] = _body(data.get("body"))
    fields["language"] = _language_field(raw, defaults, fields["body"])
    fields["summary"] = _typed(raw, data.get("summary"), keep_lines=True)
    given.update(key for key in ("kind", "body", "summary") if _given(raw, key))
    if (not raw.harvested and _text(data.get("language"))) or (
        raw.harvested and "body" in given
    ):
        given.add("language")


def _curation(
    raw: RawRecord, defaults: ImportDefaults, review: list, fields: dict, given: set
) -> None:
    """Status, review note and slug: changed on update only when the record gives them."""
    data = raw.data
    fields["status"], status_given = _status(raw, defaults)
    if status_given:
        given.add("status")
    note = review_note(review)
    if not raw.harvested and "review_note" in data:
        own = plain_text(_text(data.get("review_note")), keep_lines=True)
        note = "\n".join(part for part in (own, note) if part)
        given.add("review_note")
    fields["review_note"] = note
    if not raw.harvested and _text(data.get("slug")):
        fields["slug"] = _text(data.get("slug"))
        given.add("slug")


def prepare(raw: RawRecord, defaults: ImportDefaults) -> PreparedRecord:
    """Check ``raw`` and complete it from ``defaults``; raise RecordError with the reason."""
    data = raw.data
    review = list(raw.review)
    missing: list[str] = []
    given: set[str] = set()
    fields: dict[str, Any] = {}
    _title_and_url(raw, fields, given, missing)
    dates, date_given = _published(raw, defaults, review, missing)
    fields.update(dates)
    if date_given:
        given |= {"published", "published_is_inferred"}
    _content(raw, defaults, fields, given)
    source, source_given = _source(raw, defaults, review, missing)
    if source_given:
        given.add("source")
    _curation(raw, defaults, review, fields, given)
    authors = _refs(data.get("authors"), "authors") if _given(raw, "authors") else None
    tags = _refs(data.get("tags"), "tags") if _given(raw, "tags") else None
    return PreparedRecord(
        location=raw.location,
        fields=fields,
        source=source,
        authors=authors,
        tags=tags,
        review=review,
        given=frozenset(given),
        default_tags=_refs(list(defaults.tags), "tags"),
        missing=missing,
        source_homepage=_text(data.get("source_homepage")),
    )
