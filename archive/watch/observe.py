"""What one re-check of an article's URL found, before the archive acts on it.

A fetch ends in one of four findings: the page is as before (a 304, the same
payload, or the same extracted text), it changed (the extracted text or title
differs), it is gone (404 or 410, a redirect to the front page or to an
unrelated page, a "page not found" page answered with 200), or the source
could not be reached (timeouts, DNS, refused connections, 5xx). Nothing here
writes to the database.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from archive.collect import warc
from archive.collect.capture import HTML_TYPES, page_record
from archive.collect.decoding import decode_page
from archive.collect.fetch import Exchange, Fetched, FetchError, fetch
from archive.importers.records import FileProblem
from archive.models import Article
from archive.sanitize import html_to_text
from archive.urlnorm import normalize_url
from archive.watch.models import Check

Outcome = Check.Outcome

# Words a "page not found" page answered with 200 shows in its title or heading.
_NOT_FOUND = re.compile(
    r"\b(?:page|article|story|content)\s+(?:was\s+)?not\s+found\b|\b404\b|"
    r"\bno longer (?:available|exists)\b|\b(?:does|did) not exist\b|"
    r"\bhas been (?:removed|deleted)\b|"
    r"페이지를\s*찾을\s*수\s*없|존재하지\s*않는|삭제된\s*(?:기사|페이지)",
    re.IGNORECASE,
)
# An error page is short; a long article that quotes "404" is not one.
_SOFT_404_MAX_TEXT = 3000
# A redirect to a page sharing less than this share of words is a different page.
_RELATED_SHARE = 0.5


@dataclass(frozen=True)
class Page:
    """An article as read from a page: its title, text and date, and a hash of them."""

    title: str
    text: str
    published: datetime.date | None
    text_hash: str


@dataclass(frozen=True)
class Finding:
    """What a check found: its outcome, the answer, and the page read (if any)."""

    outcome: str
    detail: str
    fetched: Fetched | None = None
    page: Page | None = None
    # The page's text or title differs from the latest version.
    new_version: bool = False

    @property
    def failed(self) -> bool:
        return self.outcome in (Outcome.GONE, Outcome.UNREACHABLE)

    @property
    def status(self) -> int | None:
        return self.fetched.final.status if self.fetched else None


def text_hash(title: str, text: str) -> str:
    """A fingerprint of a version's title and text that ignores spacing only."""
    normalized = " ".join(title.split()) + "\n" + " ".join(text.split())
    return hashlib.sha256(normalized.encode()).hexdigest()


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def read_page(exchange: Exchange) -> Page:
    """The article in a fetched page; FileProblem (or FetchError) when it holds none."""
    if exchange.content_type and exchange.content_type not in HTML_TYPES:
        # A file (a PDF): its bytes are what can change.
        name = exchange.url.rstrip("/").rsplit("/", 1)[-1] or exchange.url
        digest = warc.payload_sha256(exchange)
        return Page(name, "", None, digest)
    raw = page_record(exchange)
    title = raw.data.get("title", "")
    text = html_to_text(raw.data.get("body", ""))
    return Page(title, text, _date(raw.data.get("published")), text_hash(title, text))


def stored_exchange(capture) -> Exchange | None:
    """The response a capture holds, as an exchange (its payload already decoded)."""
    holder = capture.revisit_of or capture
    try:
        stored = warc.read_response(holder.warc_file, holder.record_id)
    except OSError:
        return None
    if stored is None:
        return None
    return Exchange(
        url=capture.final_url,
        ip="",
        request_headers=[],
        fetched_at=capture.fetched_at,
        status=capture.http_status,
        response_headers=[("Content-Type", stored.header("Content-Type"))],
        body=stored.payload,
    )


def _visible_text(exchange: Exchange) -> tuple[str, str]:
    """The page's title and heading, and its visible text (for error-page tests)."""
    text, _ = decode_page(exchange.payload(), exchange.header("Content-Type"))
    try:
        document = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return "", ""
    heading = " ".join(
        element.text_content() for element in document.iter("title", "h1", "h2")
    )
    etree.strip_elements(document, "script", "style", "noscript", "template", "head")
    return " ".join(heading.split()), " ".join(document.text_content().split())


def says_not_found(exchange: Exchange) -> bool:
    """Whether a 200 answer is an error page ("page not found") in disguise."""
    if exchange.content_type and exchange.content_type not in HTML_TYPES:
        return False
    heading, text = _visible_text(exchange)
    if len(text) > _SOFT_404_MAX_TEXT:
        return False
    return bool(_NOT_FOUND.search(heading) or _NOT_FOUND.search(text[:300]))


def _is_front_page(url: str, article: Article) -> bool:
    path = urlsplit(url).path.rstrip("/")
    home = article.source.homepage
    return path in ("", "/index.html", "/index.php", "/index.htm") or bool(
        home and normalize_url(home) == normalize_url(url)
    )


def _share_of_words(one: str, other: str) -> float:
    first, second = set(one.casefold().split()), set(other.casefold().split())
    if not first or not second:
        return 0.0
    return len(first & second) / min(len(first), len(second))


def _answer(exchange: Exchange) -> str:
    return f"HTTP {exchange.status} {exchange.reason}".strip()


def classify(article: Article, fetched: Fetched, latest) -> Finding:
    """The finding for a completed fetch, ``latest`` being the newest Version or None."""
    final = fetched.final
    answer = _answer(final)
    if final.status == 304:
        return Finding(Outcome.UNCHANGED, f"{answer}: not modified", fetched)
    if final.status in (404, 410):
        return Finding(Outcome.GONE, f"{answer}", fetched)
    if final.status >= 500 or not 200 <= final.status < 300:
        return Finding(Outcome.UNREACHABLE, f"the server answered {answer}", fetched)
    moved = len(fetched.exchanges) > 1 and normalize_url(final.url) != normalize_url(
        article.url
    )
    if moved and _is_front_page(final.url, article):
        return Finding(
            Outcome.GONE, f"redirected to the front page ({final.url})", fetched
        )
    if says_not_found(final):
        return Finding(
            Outcome.GONE, f"the page says it was not found ({answer})", fetched
        )
    try:
        page = read_page(final)
    except (FileProblem, FetchError) as problem:
        where = f"redirected to {final.url}, which" if moved else "the page"
        return Finding(Outcome.GONE, f"{where} holds no article ({problem})", fetched)
    if (
        moved
        and latest is not None
        and _share_of_words(
            page.title + " " + page.text, latest.title + " " + latest.text
        )
        < _RELATED_SHARE
    ):
        return Finding(
            Outcome.GONE, f"redirected to an unrelated page ({final.url})", fetched
        )
    if latest is None:
        return Finding(
            Outcome.UNCHANGED, f"{answer}: first version kept", fetched, page, True
        )
    if page.text_hash == latest.text_hash:
        return Finding(Outcome.UNCHANGED, f"{answer}: same text", fetched, page)
    return Finding(Outcome.CHANGED, f"{answer}: the text differs", fetched, page, True)


def observe(article: Article, watch, latest) -> Finding:
    """Fetch the article's URL (conditionally when a version is known) and classify it."""
    headers = {}
    if latest is not None:
        if watch.etag:
            headers["If-None-Match"] = watch.etag
        if watch.last_modified:
            headers["If-Modified-Since"] = watch.last_modified
    try:
        fetched = fetch(article.url, headers)
    except FetchError as problem:
        return Finding(Outcome.UNREACHABLE, str(problem))
    final = fetched.final
    if (
        latest is not None
        and final.status == 200
        and watch.payload_sha256
        and warc.payload_sha256(final) == watch.payload_sha256
        and normalize_url(final.url) == normalize_url(article.url)
    ):
        return Finding(Outcome.UNCHANGED, f"{_answer(final)}: same payload", fetched)
    return classify(article, fetched, latest)
