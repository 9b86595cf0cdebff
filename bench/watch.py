"""Re-checking articles that have not changed, against a local server (`make bench-watch`).

Files ``--articles`` articles whose pages a local server answers with 304 Not
Modified when asked with the ETag the archive holds, then re-checks all of
them through ``recheck_articles --due`` (the worker's own path: a conditional
GET, a check recorded, the next check scheduled) and prints the time and the
memory it took. The per-host delay is off (CAPTURE_HOST_DELAY=0): this
measures the archive, not its politeness (at one request per second per host
the same run takes an hour per 3,600 articles of one host). Runs on its own
database (see the Makefile target).
"""

import argparse
import datetime
import io
import os
import resource
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ETAG = '"v1"'


class NotModified(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.headers.get("If-None-Match") == ETAG:
            self.send_response(304)
            self.send_header("ETag", ETAG)
            self.send_header("Connection", "close")
            self.end_headers()
            return
        body = b"<html><body><p>changed</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


def file_articles(count: int, base: str) -> None:
    """``count`` published articles with a first version and an ETag, all due."""
    from django.utils import timezone

    from archive.models import Article, Source
    from archive.urlnorm import normalize_url
    from archive.watch.models import Check, RecheckRun, Version, Watch

    for model in (Check, Version, Watch, RecheckRun, Article):
        model.objects.all().delete()
    source, _ = Source.objects.get_or_create(
        slug="bench-watch", defaults={"name": "Benchmark source (synthetic)"}
    )
    now = timezone.now()
    urls = [f"{base}/article-{n}" for n in range(count)]
    Article.objects.bulk_create(
        (
            Article(
                title=f"Synthetic article {n}",
                slug=f"synthetic-article-{n}",
                source=source,
                url=url,
                url_key=normalize_url(url),
                published=datetime.date(2024, 1, 1),
                status=Article.Status.PUBLISHED,
                body=f"<p>Synthetic article {n}.</p>",
                body_text=f"Synthetic article {n}.",
            )
            for n, url in enumerate(urls)
        ),
        batch_size=1000,
    )
    articles = list(Article.objects.filter(source=source).values_list("pk", flat=True))
    Watch.objects.bulk_create(
        (
            Watch(
                article_id=pk, etag=ETAG, next_check=now - datetime.timedelta(hours=1)
            )
            for pk in articles
        ),
        batch_size=1000,
    )
    Version.objects.bulk_create(
        (
            Version(
                article_id=pk,
                number=1,
                title="t",
                text="x",
                text_hash="0" * 64,
                first_seen=now,
                last_seen=now,
            )
            for pk in articles
        ),
        batch_size=1000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from archive.watch.models import Check

    call_command("migrate", verbosity=0)
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotModified)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    file_articles(args.articles, base)
    load = os.getloadavg()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    out, err = io.StringIO(), io.StringIO()
    call_command("recheck_articles", "--due", stdout=out, stderr=err)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    server.shutdown()
    unchanged = Check.objects.filter(outcome="unchanged", http_status=304).count()
    print(f"Re-checking {args.articles:,} articles that answer 304 from a local server")
    print(f"  {out.getvalue().strip()}")
    print(
        f"  {seconds:.1f} s in all, {args.articles / seconds:.0f} articles/s "
        f"({seconds / args.articles * 1000:.1f} ms each)"
    )
    print(
        f"  memory: peak {peak / 1024:.0f} MiB resident "
        f"({(peak - before) / 1024:+.0f} MiB during the run)"
    )
    print(f"  load average at the start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    sys.exit(0 if unchanged == args.articles else 1)


if __name__ == "__main__":
    main()
