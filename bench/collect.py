"""Capture throughput against a local server (`make bench-collect`).

Serves distinct article pages from 127.0.0.1 and captures them one after
another through ``capture_url`` (fetch, WARC file, extraction, article), then
the same pages again (new captures stored as revisits). The per-host delay is
off (CAPTURE_HOST_DELAY=0): this measures the archive, not its politeness.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=100)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from archive.collect.capture import capture_url
    from archive.collect.models import Capture

    call_command("migrate", verbosity=0)
    shutil.rmtree(os.environ["CAPTURE_DIR"], ignore_errors=True)
    Capture.objects.all().delete()
    from archive.models import Article

    Article.objects.all().delete()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
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
    print("Feed polling: not measured (feeds are not implemented yet).")
    server.shutdown()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
