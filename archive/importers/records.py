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

from archive.importers.dates import parse_record_date, printed_date
from archive.importers.language import SCRIPT_LANGUAGES, script_language, word_language
from archive.importers.markup import (
    MarkupTooDeep,
    check_markup,
    looks_like_html,
    text_to_html,
)
from archive.models import IMPORT_DAY_NOTE, UNKNOWN_SOURCE, Article
from archive.sanitize import html_to_text, plain_text

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
    """A checked record: the article's fields and the registry entries it names."""

    location: str
    fields: dict[str, Any]
    source: Ref
    authors: list[Ref]
    tags: list[Ref]
    review: list[str]
    status_given: bool
    source_homepage: str = ""


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
    text = plain_text(body)
    guessed = script_language(text)
    if not raw.harvested:
        if own:
            return _language(own)
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
    if not looks_like_html(body):
        return text_to_html(body)
    try:
        check_markup(body)
    except MarkupTooDeep as exc:
        raise RecordError(f"body: {exc}") from None
    return body


def _published(raw: RawRecord, defaults: ImportDefaults, review: list[str]) -> dict:
    value = raw.data.get("published")
    if value not in (None, ""):
        try:
            found = parse_record_date(value)
        except ValueError as exc:
            raise RecordError(f"published: {exc}") from None
        inferred = bool(raw.data.get("published_is_inferred")) or not found.precise
        return {"published": found.value, "published_is_inferred": inferred}
    if defaults.published:
        return {"published": defaults.published, "published_is_inferred": True}
    if not raw.harvested:
        raise RecordError(
            "no publication date: give “published” in the record or a default date (--published)"
        )
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
        }
    review.append(IMPORT_DAY_NOTE)
    return {"published": today, "published_is_inferred": True}


def _source(raw: RawRecord, defaults: ImportDefaults, review: list[str]) -> Ref:
    data = raw.data
    source = _ref(data.get("source"), "source")
    if source and data.get("source_slug") and not source.slug:
        source = Ref(name=source.name, slug=_text(data["source_slug"]))
    if source:
        return source
    if defaults.source:
        return Ref(name=plain_text(defaults.source))
    if not raw.harvested:
        raise RecordError(
            "no source: name one in the record or give a default source (--source)"
        )
    review.append("source unknown")
    return Ref(name=UNKNOWN_SOURCE)


def _status(raw: RawRecord, defaults: ImportDefaults) -> tuple[str, bool]:
    own = _text(raw.data.get("status"))
    if own and not raw.harvested:
        return _choice(own, Article.Status, {}, "status"), True
    if defaults.status:
        return defaults.status, True
    # The public exports list published articles only, so they carry no status.
    if raw.public_export:
        return Article.Status.PUBLISHED, True
    return Article.Status.DRAFT, False


def _url(data: dict) -> str:
    # In the archive's export "url" is the article's page on this site and
    # "original_url" the page it came from; elsewhere "url" is the original.
    url = data["original_url"] if "original_url" in data else data.get("url")
    return _text(url)


def prepare(raw: RawRecord, defaults: ImportDefaults) -> PreparedRecord:
    """Check ``raw`` and complete it from ``defaults``; raise RecordError with the reason."""
    data = raw.data
    review = list(raw.review)
    title = plain_text(_text(data.get("title")))
    if not title:
        raise RecordError("no title")
    body = _body(data.get("body"))
    kind = _text(data.get("kind")) or defaults.kind
    status, status_given = _status(raw, defaults)
    fields = {
        "title": title,
        "url": _url(data),
        **_published(raw, defaults, review),
        "kind": _choice(kind, Article.Kind, _KIND_ALIASES, "kind")
        if kind
        else Article.Kind.NEWS,
        "language": _language_field(raw, defaults, body),
        "body": body,
        "status": status,
    }
    source = _source(raw, defaults, review)
    summary = plain_text(_text(data.get("summary")), keep_lines=True)
    fields["summary"] = summary
    fields["review_note"] = review_note(review)
    tags = _refs(data.get("tags"), "tags") + _refs(list(defaults.tags), "tags")
    return PreparedRecord(
        location=raw.location,
        fields=fields,
        source=source,
        authors=_refs(data.get("authors"), "authors"),
        tags=_unique(tags),
        review=review,
        status_given=status_given,
        source_homepage=_text(data.get("source_homepage")),
    )
