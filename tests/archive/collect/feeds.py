"""Feeds and item pages for the feed tests, served by tests/web.py."""

import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

PARAGRAPH = (
    "Listeners in the northern provinces say that foreign broadcasts reach them "
    "more often since the jamming stations lost power; receivers come across "
    "the river and are sold at the markets."
)


def item_page(number: int) -> str:
    """A distinct article page (its own title and text)."""
    paragraphs = "".join(
        f"<p>{PARAGRAPH} Report {number}, paragraph {n}.</p>" for n in range(6)
    )
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>Listeners report {number}"
        "</title><meta name='date' content='2024-03-12'></head><body><article>"
        f"<h1>Listeners report {number}</h1>{paragraphs}</article></body></html>"
    )


def rss(items: list[dict], title: str = "Border Signals") -> str:
    """An RSS 2.0 feed; each item a dict with link, title and optional text and date."""
    entries = []
    for item in items:
        when = item.get("date", datetime.datetime(2024, 3, 12, 9, tzinfo=datetime.UTC))
        entries.append(
            "<item>"
            f"<title>{escape(item['title'])}</title>"
            + (f"<link>{escape(item['link'])}</link>" if item.get("link") else "")
            + f"<pubDate>{format_datetime(when)}</pubDate>"
            f"<description>{escape(item.get('text', 'A short summary.'))}</description>"
            "</item>"
        )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>{title}</title><link>https://example.org/</link>"
        f"{''.join(entries)}</channel></rss>"
    )


def serve_items(web, count: int, *, first: int = 1) -> list[dict]:
    """Serve ``count`` item pages at /item-N; return their feed items."""
    items = []
    for number in range(first, first + count):
        web.page(f"/item-{number}", item_page(number))
        items.append(
            {"title": f"Listeners report {number}", "link": web.url(f"/item-{number}")}
        )
    return items


def serve_feed(web, path: str, body: str, *, etag: str = "") -> None:
    """Serve a feed that answers 304 to a request carrying its ETag."""

    def answer(handler):
        if etag and handler.headers.get("If-None-Match") == etag:
            handler.answer(304, b"", {"ETag": etag})
            return
        headers = {"Content-Type": "application/rss+xml; charset=utf-8"}
        if etag:
            headers["ETag"] = etag
            headers["Last-Modified"] = "Tue, 12 Mar 2024 09:00:00 GMT"
        handler.answer(200, body.encode(), headers)

    web.handler(path, answer)
