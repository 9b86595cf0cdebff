"""Capture a page by URL: fetch it, keep the exchange as WARC, file the article.

The article is extracted by the saved-page importer (the same title, date,
byline and boilerplate rules as an imported page) and filed as a draft with
its review note. A URL already in the archive is not filed twice: the fetch
becomes another capture of that article. An item of a feed carries the feed's
entry (``CaptureOptions.fallback``): filed instead when the page cannot be
fetched or holds no article, and the review note says so.
"""

import logging
import uuid
from dataclasses import dataclass, field, replace

from django.db import transaction
from django.template.defaultfilters import filesizeformat

from archive.collect import warc
from archive.collect.decoding import decode_page
from archive.collect.fetch import Exchange, Fetched, FetchError, check_url, fetch
from archive.collect.models import Capture
from archive.importers.detect import Decoded, Format
from archive.importers.records import FileProblem, ImportDefaults, RawRecord
from archive.importers.report import Action
from archive.importers.runner import ImportOptions, import_record
from archive.models import Article, Source
from archive.urlnorm import normalize_url

logger = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
KINDS_OF_FILE = {
    "application/pdf": "a PDF document",
    "application/msword": "a Word document",
    "application/zip": "a ZIP archive",
    "text/plain": "a plain-text file",
}


@dataclass(frozen=True)
class CaptureOptions:
    """Where a captured page is filed: its source, tags and status."""

    source: Source | None = None
    tags: tuple[str, ...] = ()
    publish: bool = False
    origin: str = Capture.Origin.URL
    # A feed's own entry, filed when the item's page cannot be fetched or read.
    fallback: RawRecord | None = field(default=None, compare=False)


@dataclass(frozen=True)
class CaptureOutcome:
    """What capturing one URL did, in words, with the article and capture it touched."""

    url: str
    ok: bool
    message: str
    article_id: int | None = None
    capture_id: int | None = None
    created: bool = False
    # Filed from a feed's entry because the page could not be fetched.
    from_feed: bool = False


def existing_article(url: str) -> Article | None:
    """The article already filed under ``url`` (normalized), if any."""
    try:
        key = normalize_url(url)
    except ValueError:
        return None
    return Article.objects.filter(url_key=key).first() if key else None


def describe_file(exchange: Exchange) -> str:
    content_type = exchange.content_type or "unknown type"
    kind = KINDS_OF_FILE.get(content_type)
    if not kind:
        major = content_type.split("/")[0]
        kind = {"image": "an image", "audio": "a sound file", "video": "a video"}.get(
            major, "a file"
        )
    return f"{kind} ({content_type}, {filesizeformat(len(exchange.body))})"


def page_record(exchange: Exchange) -> RawRecord:
    """The article read from a fetched page (FileProblem when it holds none)."""
    payload = exchange.payload()
    if exchange.content_type and exchange.content_type not in HTML_TYPES:
        return _file_record(exchange)
    text, _ = decode_page(payload, exchange.header("Content-Type"))
    from archive.importers.pages import parse_page  # trafilatura loads slowly

    decoded = Decoded(name=exchange.url, data=payload, text=text, format=Format.HTML)
    return parse_page(decoded)[0]


def _file_record(exchange: Exchange) -> RawRecord:
    what = describe_file(exchange)
    name = exchange.url.rstrip("/").rsplit("/", 1)[-1] or exchange.url
    return RawRecord(
        location="",
        harvested=True,
        review=[
            f"not a web page: {what}, kept as captured; give it a title and summary"
        ],
        data={
            "title": name[:200],
            "url": exchange.url,
            "body": f"<p>The address {exchange.url} answered with {what}. "
            "The file is kept as captured; download it from the article's captures.</p>",
        },
    )


def _record(fetched: Fetched, options: CaptureOptions) -> RawRecord:
    """The article read from the fetched page (or the feed's entry when it holds none)."""
    final = fetched.final
    try:
        raw = page_record(final)
        raw.review.insert(0, f"captured from {final.url}")
    except (FileProblem, FetchError) as problem:
        if options.fallback is None:
            raise
        raw = options.fallback
        raw.review.insert(
            0, f"the page held no article ({problem}): filed from the feed's entry"
        )
    raw.data["url"] = final.url
    if options.source:
        raw.data["source"] = {"name": options.source.name, "slug": options.source.slug}
    return raw


def _revisited(sha256: str) -> Capture | None:
    return Capture.objects.filter(sha256=sha256, revisit_of=None).order_by("pk").first()


def store(
    fetched: Fetched, article: Article | None, origin: str, save_article=None
) -> Capture:
    """Write the capture's file, then (in one transaction) its row and the article.

    ``save_article()``, when given, runs in that transaction and returns the
    article the capture belongs to. If the transaction fails the file is removed.
    """
    final = fetched.final
    uid = uuid.uuid4()
    first = _revisited(warc.payload_sha256(final))
    revisited = (
        warc.Revisited(first.final_url, first.fetched_at, first.record_id)
        if first
        else None
    )
    stored = warc.write_capture(fetched, uid, revisited)
    try:
        with transaction.atomic():
            if save_article is not None:
                article = save_article()
            return Capture.objects.create(
                uid=uid,
                article=article,
                url=fetched.exchanges[0].url,
                final_url=final.url,
                fetched_at=final.fetched_at,
                http_status=final.status,
                content_type=final.header("Content-Type")[:200],
                size=stored.size,
                sha256=stored.sha256,
                warc_file=stored.relative_path,
                record_id=stored.record_id,
                revisit_of=first,
                origin=origin,
            )
    except BaseException:
        warc.remove(stored.relative_path)
        raise


def capture_url(url: str, options: CaptureOptions | None = None) -> CaptureOutcome:
    """Fetch ``url`` and keep it; never raises for what the web does, says it instead."""
    options = options or CaptureOptions()
    url = url.strip()
    article = None
    try:
        check_url(url)
        article = existing_article(url)
        fetched = fetch(url)
    except FetchError as problem:
        if article is None and options.fallback is not None:
            why = f"the page {url} could not be fetched ({problem})"
            return file_from_feed(url, options, why)
        return CaptureOutcome(url, False, str(problem))
    final = fetched.final
    article = article or existing_article(final.url)
    if not 200 <= final.status < 300:
        if article is None and options.fallback is not None:
            answer = f"the server answered {final.status} {final.reason}".strip()
            why = f"the page {url} could not be fetched ({answer})"
            return file_from_feed(url, options, why)
        return _not_a_page(fetched, article, options)
    if article is not None:
        capture = store(fetched, article, options.origin)
        return CaptureOutcome(
            url,
            True,
            f"already in the archive as #{article.pk}: kept as a new capture",
            article.pk,
            capture.pk,
        )
    try:
        raw = _record(fetched, options)
    except (FileProblem, FetchError) as problem:
        capture = store(fetched, None, options.origin)
        return CaptureOutcome(
            url,
            False,
            f"captured, but not filed as an article: {problem}",
            None,
            capture.pk,
        )
    return _file_article(url, fetched, raw, options)


def _not_a_page(fetched: Fetched, article: Article | None, options) -> CaptureOutcome:
    final = fetched.final
    answer = f"the server answered {final.status} {final.reason}".strip()
    if article is None:
        return CaptureOutcome(fetched.exchanges[0].url, False, answer)
    # For an article already filed, the answer is evidence (moved, gone).
    capture = store(fetched, article, options.origin)
    return CaptureOutcome(
        fetched.exchanges[0].url,
        False,
        f"{answer}; kept as a capture of #{article.pk}",
        article.pk,
        capture.pk,
    )


def file_from_feed(url: str, options: CaptureOptions, why: str) -> CaptureOutcome:
    """File the feed's own entry (``options.fallback``) for a page not fetched, saying ``why``."""
    raw = options.fallback
    raw.review.insert(
        0, f"{why}: filed from the feed's entry, with no capture of the page"
    )
    raw.data["url"] = url
    if options.source:
        raw.data["source"] = {"name": options.source.name, "slug": options.source.slug}
    with transaction.atomic():
        outcome = _file_article(url, None, raw, options)
    return replace(outcome, from_feed=outcome.created)


def _file_article(
    url: str, fetched: Fetched | None, raw: RawRecord, options
) -> CaptureOutcome:
    defaults = ImportDefaults(
        tags=options.tags,
        status=Article.Status.PUBLISHED if options.publish else "",
    )
    outcomes = []

    def save_article() -> Article | None:
        outcome = import_record(raw, ImportOptions(defaults=defaults), url)
        outcomes.append(outcome)
        if outcome.article_id is None:
            return None
        return Article.objects.get(pk=outcome.article_id)

    if fetched is None:
        save_article()
        capture_id = None
    else:
        capture_id = store(fetched, None, options.origin, save_article).pk
    outcome = outcomes[0]
    if outcome.action is Action.FAILED:
        if capture_id is None:
            return CaptureOutcome(url, False, f"not filed: {outcome.message}")
        message = f"captured, but not filed as an article: {outcome.message}"
        return CaptureOutcome(url, False, message, None, capture_id)
    if outcome.action is Action.DUPLICATE:
        kept = ": kept as a new capture" if capture_id else ""
        return CaptureOutcome(
            url, True, f"{outcome.message}{kept}", outcome.article_id, capture_id
        )
    note = ", needs review" if outcome.needs_review else ""
    origin = ", from the feed's entry" if capture_id is None else ""
    return CaptureOutcome(
        url,
        True,
        f"filed as #{outcome.article_id} “{outcome.title}” ({outcome.status}{note}{origin})",
        outcome.article_id,
        capture_id,
        created=True,
    )
