"""Following the sources' feeds: poll every due feed once, capture each new item.

A poll is a conditional GET (the ETag and Last-Modified of the feed's last
full answer are sent back) through the same bounded, polite fetcher as a
capture by URL: size, time and redirect limits, no private addresses. A feed
that changed is read with feedparser, after a check that refuses a document
declaring its own entities: that is how XML bombs (entity expansion) and
external-entity reads work, and no real feed needs it.

Each item whose link is not in the archive yet (by normalized URL, whichever
feed listed it first) is captured as a page added by URL is, and filed as a
draft, or published when its source is trusted. When the item's page cannot be
fetched, the feed's own entry is filed and the review note says so.

A failed poll is recorded on the feed in words, and the next one backs off:
the poll interval doubled per consecutive failure, up to a day.

Due feeds are claimed in one update (two pollers never take the same feed)
and polled by a few threads (``COLLECT_THREADS``), hosts interleaved; the
fetcher's pacing keeps each host at one request per ``CAPTURE_HOST_DELAY``,
across threads.
"""

import calendar
import datetime
import io
import logging
import re
import threading
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import zip_longest
from urllib.parse import urlsplit
from xml.sax import SAXParseException

import feedparser
from django.db import connections
from django.utils import timezone

from archive.collect import conf
from archive.collect.capture import CaptureOptions, capture_url, file_from_feed
from archive.collect.fetch import Exchange, FetchError, fetch
from archive.collect.models import Capture, Feed
from archive.importers.feeds import entry_records
from archive.models import Article
from archive.urlnorm import normalize_url

logger = logging.getLogger(__name__)

# A feed claimed by a poller that died is polled again after this.
CLAIM_FOR = datetime.timedelta(minutes=30)
MAX_BACKOFF = datetime.timedelta(days=1)
QUIET_AFTER_INTERVALS = 3
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
    "text/xml;q=0.9, */*;q=0.5"
)
_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)
# Problems feedparser reports that leave the feed readable as it was meant.
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


class FeedProblem(Exception):
    """A feed could not be read; the message says why, in words."""


@dataclass
class PollOutcome:
    """What polling one feed did, in words."""

    feed_id: int
    url: str
    source: str
    ok: bool
    message: str
    new: int = 0
    from_feed: int = 0
    known: int = 0
    item_failures: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """The feed was read and every item in it was filed or already known."""
        return self.ok and not self.item_failures


class _LinkLocks:
    """One lock per normalized link (striped): two threads never file one link twice."""

    def __init__(self, stripes: int = 64):
        self.locks = [threading.Lock() for _ in range(stripes)]

    @contextmanager
    def hold(self, key: str):
        with self.locks[hash(key) % len(self.locks)]:
            yield


LINKS = _LinkLocks()


# Byte order marks, or how "<" starts a document, in the wide encodings an XML
# parser recognises by themselves (UTF-32 before UTF-16: its marks start alike).
_WIDE_STARTS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)


def _xml_text(payload: bytes) -> bytes:
    """The document in an ASCII-compatible form, to look for a DTD in it.

    The whole document: comments may push the DTD far from the start. The
    ASCII-compatible encodings (UTF-8, EUC-KR, CP949 …) are read as they are.
    """
    for start, codec in _WIDE_STARTS:
        if payload.startswith(start):
            return payload.decode(codec, "ignore").encode("ascii", "ignore")
    return payload


def _described(problem: Exception) -> str:
    """An XML parser's complaint in words, with where it is."""
    if isinstance(problem, SAXParseException):
        return (
            f"{problem.getMessage()} at line {problem.getLineNumber()}, "
            f"column {problem.getColumnNumber()}"
        )
    return str(problem)


def read_feed(payload: bytes, exchange: Exchange) -> feedparser.FeedParserDict:
    """The feed in ``payload``; FeedProblem when it is no feed, or a hostile one."""
    if _DOCTYPE_SUBSET.search(_xml_text(payload)):
        raise FeedProblem(
            "the feed declares its own XML entities (a DTD), which the archive "
            "refuses to read: they can expand into gigabytes or read local files"
        )
    # A stream, never a string: feedparser treats strings as URLs or paths.
    parsed = feedparser.parse(
        io.BytesIO(payload),
        response_headers={
            "content-type": exchange.header("Content-Type") or "application/xml",
            "content-location": exchange.url,
        },
    )
    problem = parsed.get("bozo_exception")
    if isinstance(problem, _HARMLESS):
        problem = None
    if not parsed.version:
        if b"<html" in payload[:4096].lower():
            raise FeedProblem(
                "not a feed: the address answered with a web page (HTML), "
                "not RSS or Atom"
            )
        if problem is not None:
            raise FeedProblem(
                f"not a feed: the answer is not well-formed XML ({_described(problem)})"
            )
        raise FeedProblem("not a feed: the answer is XML, but not RSS or Atom")
    # Undefined (HTML) entities are common in feeds and read as meant; other
    # breakage leaves entries that cannot be trusted.
    if problem is not None and "undefined entity" not in str(problem):
        raise FeedProblem(f"the feed's XML is malformed ({_described(problem)})")
    return parsed


def usual_interval(parsed: feedparser.FeedParserDict) -> datetime.timedelta | None:
    """The average spacing of the items the feed lists, from their dates."""
    stamps = sorted(
        calendar.timegm(when)
        for entry in parsed.entries
        if (when := entry.get("published_parsed") or entry.get("updated_parsed"))
    )
    if len(stamps) < 2 or stamps[-1] <= stamps[0]:
        return None
    return datetime.timedelta(seconds=(stamps[-1] - stamps[0]) / (len(stamps) - 1))


def backoff(feed: Feed) -> datetime.timedelta:
    """How long after its last poll a feed with ``feed.failures`` failures is polled again."""
    longest = max(feed.interval, MAX_BACKOFF)
    return min(feed.interval * 2 ** min(feed.failures, 20), longest)


def claim_due(
    now: datetime.datetime | None = None, feeds: list[int] | None = None
) -> list[Feed]:
    """Take every due feed (of ``feeds``, when given) for this poller, in one update."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    due = Feed.objects.due(now)
    if feeds is not None:
        due = due.filter(pk__in=feeds)
    due.update(claim=token, next_poll=now + CLAIM_FOR)
    return list(Feed.objects.filter(claim=token).select_related("source"))


def _interleaved(feeds: list[Feed]) -> list[Feed]:
    """The feeds host by host in turn, so threads rarely wait on one host's pacing."""
    by_host: dict[str, list[Feed]] = defaultdict(list)
    for feed in feeds:
        by_host[(urlsplit(feed.url).hostname or "").lower()].append(feed)
    return [feed for turn in zip_longest(*by_host.values()) for feed in turn if feed]


def poll_due(
    *,
    now: datetime.datetime | None = None,
    feeds: list[int] | None = None,
    threads: int | None = None,
) -> list[PollOutcome]:
    """Poll every due feed once; return what each poll did."""
    claimed = _interleaved(claim_due(now, feeds))
    threads = threads or int(conf.get("COLLECT_THREADS"))
    if threads <= 1 or len(claimed) <= 1:
        outcomes = [poll_feed(feed) for feed in claimed]
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            outcomes = list(pool.map(_poll_in_thread, claimed))
    return [outcome for outcome in outcomes if outcome is not None]


def _poll_in_thread(feed: Feed) -> PollOutcome | None:
    try:
        return poll_feed(feed)
    finally:
        connections.close_all()  # this thread's own connections


def _still_ours(feed: Feed) -> bool:
    """Renew this poller's claim on ``feed`` as its poll starts; False when it was lost.

    A long run (many new items, each host paced) may reach a feed after its
    claim ran out and another poller took it: that poller polls it, not this one.
    """
    if not feed.claim:
        return True
    lease = timezone.now() + CLAIM_FOR
    return bool(
        Feed.objects.filter(pk=feed.pk, claim=feed.claim).update(next_poll=lease)
    )


def poll_feed(feed: Feed) -> PollOutcome | None:
    """Poll one feed and record the result on it; never raises for what a feed does.

    None when another poller has taken the feed meanwhile.
    """
    if not _still_ours(feed):
        return None
    started = timezone.now()
    outcome = PollOutcome(feed.pk, feed.url, feed.source.name, True, "")
    try:
        _poll(feed, outcome)
    except (FetchError, FeedProblem) as problem:
        outcome.ok, outcome.message = False, str(problem)
    except Exception as exc:  # a bug must not stop the other feeds
        logger.exception("Polling the feed %s failed", feed.url)
        outcome.ok = False
        outcome.message = f"unexpected error ({type(exc).__name__}: {exc})"
    _record(feed, outcome, started)
    return outcome


def _poll(feed: Feed, outcome: PollOutcome) -> None:
    headers = {"Accept": ACCEPT}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    final = fetch(feed.url, headers).final
    if final.status == 304:
        outcome.message = "not modified since the last poll"
        return
    if final.status != 200:
        raise FeedProblem(f"the server answered {final.status} {final.reason}".strip())
    parsed = read_feed(final.payload(), final)
    feed.etag = final.header("ETag")[:500]
    feed.last_modified = final.header("Last-Modified")[:100]
    feed.item_interval = usual_interval(parsed) or feed.item_interval
    records = entry_records(parsed)
    for raw in records:
        _file_item(feed, raw, outcome)
    outcome.message = _summary(len(records), outcome)


def _file_item(feed: Feed, raw, outcome: PollOutcome) -> None:
    options = CaptureOptions(
        source=feed.source,
        publish=feed.source.trusted,
        origin=Capture.Origin.FEED,
        fallback=raw,
    )
    link = str(raw.data.get("url") or "").strip()
    try:
        key = normalize_url(link)
    except ValueError:
        key = ""
    if not key:
        done = file_from_feed(link, options, "the feed's entry has no link")
    else:
        with LINKS.hold(key):
            if Article.objects.filter(url_key=key).exists():
                outcome.known += 1
                return
            done = capture_url(link, options)
    if done.created:
        outcome.new += 1
        outcome.from_feed += done.from_feed
    elif done.ok:
        outcome.known += 1
    else:
        outcome.item_failures.append(f"{link or raw.location}: {done.message}")


def _summary(listed: int, outcome: PollOutcome) -> str:
    parts = [f"{listed} items listed", f"{outcome.new} new"]
    if outcome.from_feed:
        parts.append(f"{outcome.from_feed} of them from the feed's text")
    parts.append(f"{outcome.known} already in the archive")
    if outcome.item_failures:
        parts.append(f"{len(outcome.item_failures)} could not be filed")
    return ", ".join(parts)


def _record(feed: Feed, outcome: PollOutcome, started: datetime.datetime) -> None:
    now = timezone.now()
    feed.last_polled = started
    feed.claim = ""
    if outcome.ok:
        feed.last_success = now
        feed.failures = 0
        feed.last_error = ""
        feed.next_poll = now + feed.interval
        if outcome.new:
            feed.last_new_item = now
    else:
        feed.failures += 1
        feed.last_error = outcome.message
        feed.next_poll = now + backoff(feed)
    if feed.item_interval:
        since = feed.last_new_item or feed.created
        feed.quiet_after = since + QUIET_AFTER_INTERVALS * feed.item_interval
    Feed.objects.filter(pk=feed.pk).update(
        etag=feed.etag,
        last_modified=feed.last_modified,
        last_polled=feed.last_polled,
        last_success=feed.last_success,
        last_new_item=feed.last_new_item,
        failures=feed.failures,
        last_error=feed.last_error,
        next_poll=feed.next_poll,
        item_interval=feed.item_interval,
        quiet_after=feed.quiet_after,
        claim="",
    )
