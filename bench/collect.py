"""Capture throughput and feed polling against local servers (`make bench-collect`).

Captures: serves distinct article pages from 127.0.0.1 and captures them one
after another through ``capture_url`` (fetch, WARC file, extraction,
article), then the same pages again (new captures stored as revisits). The
per-host delay is off (CAPTURE_HOST_DELAY=0): this measures the archive, not
its politeness.

Feeds: 1,000 feeds (``--feeds``) that answer 304 Not Modified, polled once
by ``poll_due`` as ``manage.py collect`` does: first spread over 100 hosts
(``--hosts``: servers on 127.0.0.2, 127.0.0.3, …) at the default politeness of
one request per second per host, then all on one host with the pacing off
(the archive's own cost per poll). Prints the time and the process's memory.

Runs on its own database and capture folder (see the Makefile target).
"""

import argparse
import os
import shutil
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PARAGRAPH = (
    "Radio listeners in the northern provinces report that foreign broadcasts "
    "reach them more often since the jamming stations lost power in the winter; "
    "smugglers bring receivers across the river and sell them at the markets. "
)


def page(number: int) -> bytes:
    body = "".join(
        f"<p>{PARAGRAPH} Report {number}, paragraph {n}.</p>" for n in range(12)
    )
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>Listeners report number {number}"
        f"</title><meta name='date' content='2024-03-{number % 28 + 1:02d}'></head>"
        f"<body><article><h1>Listeners report number {number}</h1>{body}</article>"
        "</body></html>"
    ).encode()


class Pages(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        data = page(int(self.path.strip("/").split("-")[-1]))
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        pass


class Feeds(BaseHTTPRequestHandler):
    """Every feed answers 304 to a request that carries its ETag."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        unchanged = self.headers.get("If-None-Match") == ETAG
        body = b"" if unchanged else FEED
        self.send_response(304 if unchanged else 200)
        self.send_header("ETag", ETAG)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


ETAG = '"unchanged"'
FEED = (
    b"<?xml version='1.0'?><rss version='2.0'><channel><title>Bench</title>"
    b"</channel></rss>"
)


def memory() -> str:
    """This process's resident memory now and at its peak."""
    status = Path("/proc/self/status").read_text()
    fields = dict(
        line.split(":", 1) for line in status.splitlines() if line.startswith("Vm")
    )
    now, peak = (int(fields[key].split()[0]) // 1024 for key in ("VmRSS", "VmHWM"))
    return f"{now} MiB resident, {peak} MiB at the peak"


def serve(address: str, handler) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((address, 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def bench_feeds(count: int, hosts: int, threads: int) -> bool:
    """Poll ``count`` unchanged feeds twice (many hosts, polite; one host, unpaced)."""
    from django.conf import settings

    from archive.collect.feeds import poll_due
    from archive.collect.models import Feed
    from archive.models import Source

    servers = [serve(f"127.0.0.{2 + n}", Feeds) for n in range(hosts)]
    local = serve("127.0.0.1", Feeds)
    source, _ = Source.objects.get_or_create(name="Bench feeds", slug="bench-feeds")
    print(f"Feed polling: {count} feeds answering 304 Not Modified, {threads} threads")
    clean = True
    for label, delay, where in (
        (f"{hosts} hosts, 1 request/s per host", 1.0, servers),
        ("1 host, pacing off", 0.0, [local]),
    ):
        Feed.objects.all().delete()
        Feed.objects.bulk_create(
            Feed(
                source=source,
                url="http://{}:{}/feed-{}.xml".format(
                    *where[n % len(where)].server_address, n
                ),
                etag=ETAG,
            )
            for n in range(count)
        )
        settings.CAPTURE_HOST_DELAY = delay
        started = time.perf_counter()
        outcomes = poll_due(threads=threads)
        seconds = time.perf_counter() - started
        unchanged = sum(
            o.message == "not modified since the last poll" for o in outcomes
        )
        clean &= unchanged == count
        print(
            f"  {label:36} {seconds:6.1f} s ({count / seconds:6.1f} feeds/s, "
            f"{unchanged} of {count} not modified); {memory()}"
        )
    for server in [*servers, local]:
        server.shutdown()
    return clean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from archive.collect.capture import capture_url
    from archive.collect.models import Capture

    call_command("migrate", verbosity=0)
    shutil.rmtree(os.environ["CAPTURE_DIR"], ignore_errors=True)
    # A revisit protects the capture it refers to: revisits go first.
    Capture.objects.exclude(revisit_of=None).delete()
    Capture.objects.all().delete()
    from archive.models import Article

    Article.objects.all().delete()

    server = serve("127.0.0.1", Pages)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"Capture throughput: {args.pages} distinct pages from a local server")
    for label in ("first capture (article filed)", "captured again (revisit)"):
        started = time.perf_counter()
        failed = 0
        for number in range(args.pages):
            failed += not capture_url(f"{base}/report-{number}").ok
        seconds = time.perf_counter() - started
        print(
            f"  {label:32} {args.pages / seconds:7.1f} pages/s "
            f"({seconds / args.pages * 1000:.0f} ms each, {failed} failed)"
        )
    size = sum(
        p.stat().st_size for p in Path(os.environ["CAPTURE_DIR"]).rglob("*.warc.gz")
    )
    print(f"  WARC files: {Capture.objects.count()} captures, {size / 1024:.0f} KiB")
    server.shutdown()
    clean = bench_feeds(args.feeds, args.hosts, args.threads)
    print(f"Load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (1 and 5 min)")
    sys.exit(1 if failed or not clean else 0)


if __name__ == "__main__":
    main()
