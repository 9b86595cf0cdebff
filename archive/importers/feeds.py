"""RSS and Atom feed files: one article per entry (read with feedparser)."""

import datetime
import email.utils
import io

import feedparser

from archive.importers.bylines import is_person, without_dateline
from archive.importers.detect import Decoded
from archive.importers.markup import looks_like_html
from archive.importers.page_body import clean_fragment
from archive.importers.records import BrokenRecord, FileProblem, RawRecord

_IGNORED_TAGS = frozenset({"uncategorized", "uncategorised", "general", "news"})


def _entry_date(entry: dict) -> datetime.date | None:
    """The entry's date as the feed prints it (in the feed's own time zone)."""
    for key in ("published", "updated", "created"):
        raw = (entry.get(key) or "").strip()
        if not raw:
            continue
        try:
            return email.utils.parsedate_to_datetime(raw).date()
        except (TypeError, ValueError, IndexError):
            pass
        try:
            return datetime.datetime.fromisoformat(raw).date()
        except ValueError:
            pass
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return datetime.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    return None


def _authors(entry: dict) -> list[str]:
    names = [
        (author.get("name") or "").strip()
        for author in entry.get("authors") or []
        if isinstance(author, dict)
    ]
    if not any(names):
        detail = entry.get("author_detail") or {}
        names = [detail.get("name") or entry.get("author") or ""]
    # Credits such as "Border Signals staff" name no person; "Min-ji Kang in
    # Seoul" names one, and where she filed from.
    names = [without_dateline(name) for name in names]
    return [name for name in names if name and "@" not in name and is_person(name)]


def _tags(entry: dict) -> list[str]:
    terms = (
        (tag.get("label") or tag.get("term") or "").strip()
        for tag in entry.get("tags") or []
    )
    return [term for term in terms if term and term.lower() not in _IGNORED_TAGS]


def _body_and_summary(entry: dict) -> tuple[str, str]:
    contents = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    summary = (entry.get("summary") or "").strip()
    if not contents:
        return summary, ""
    html = [c for c in contents if "html" in (c.get("type") or "")]
    body = (html or contents)[0]["value"]
    return body, "" if summary and summary in body else summary


def _entry_record(number: int, entry: dict, channel: dict) -> RawRecord:
    body, summary = _body_and_summary(entry)
    if looks_like_html(body):
        body = clean_fragment(body, entry.get("title") or "")
    source = entry.get("source") or {}
    published = _entry_date(entry)
    return RawRecord(
        location=f"entry {number}",
        harvested=True,
        data={
            "title": entry.get("title") or "",
            "url": entry.get("link") or "",
            "source": source.get("title") or channel.get("title") or "",
            "source_homepage": source.get("link") or channel.get("link") or "",
            "authors": _authors(entry),
            "tags": _tags(entry),
            "published": published.isoformat() if published else "",
            "language": entry.get("language") or channel.get("language") or "",
            "summary": summary,
            "body": body,
        },
    )


def entry_records(feed: feedparser.FeedParserDict) -> list[RawRecord]:
    """The entries of a feed feedparser has read, each as a record (a polled feed's items)."""
    return [
        _entry_record(number, entry, feed.feed)
        for number, entry in enumerate(feed.entries, 1)
    ]


def parse_feed(decoded: Decoded) -> list[RawRecord | BrokenRecord]:
    """Read an RSS or Atom feed; each entry becomes a draft article."""
    # A stream, never a string: feedparser treats strings as URLs or paths.
    feed = feedparser.parse(io.BytesIO(decoded.data))
    if not feed.entries:
        if feed.bozo:
            raise FileProblem(f"not a readable feed ({feed.bozo_exception})")
        raise FileProblem("the feed has no entries")
    return entry_records(feed)
