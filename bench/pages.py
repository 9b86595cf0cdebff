"""Pages over HTTP through gunicorn: every kind of page, p50 and p95, a full export, load.

Usage: python -m bench.pages [--count N] [--out-dir DIR] [--repeats R]
    [--load-seconds S] [--clients C] [--skip-load]

Serves the benchmark's database and index (``make bench`` points
DATABASE_URL and SEARCH_INDEX_DIR at them) with the project's gunicorn
configuration and one worker (``BENCH_WORKERS``), one client at a time,
with the search engine's cache of recent results off (``bench.settings``),
then times every kind of page a reader opens: home, the registries and
their entries, browse (unfiltered and filtered, each sort, deep pages by
number and by the keyset links), article pages (related reading,
citations, previous/next within a listing), a citation file, the
changes page and trends (two and five searches, per year and per
month). A page is timed once after the start ("first") and then
``--repeats`` times; a group of distinct pages (article pages: related
reading is kept per article once shown) is timed once each. p50 and p95
per row; a row whose p95 passes ``TARGET_MS`` (or that answers other than
200) is marked and listed at the end. Then the whole CSV export (its
records counted against the listing's total, and its first byte timed) and
a bounded load test on the configured workers: ``--clients`` clients for
``--load-seconds`` seconds mixing pages and exports while an editor saves
articles and a rebuild runs. Prints the report and appends it to
``<out-dir>/report-N.txt``.
"""

import argparse
import csv
import http.client
import io
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.measure import (
    fetch,
    memory_line,
    next_link,
    percentile,
    process_memory,
)
from bench.report import SERVING_MB

BASE_DIR = Path(__file__).resolve().parent.parent
REPEATS = int(os.environ.get("BENCH_REPEATS", "20"))
# Every page but search answers within this at p95 (issue: a million articles).
TARGET_MS = 300
# A page is "deep" at this share of the listing: far past where caches help.
DEEP = 0.8
# Article pages timed, spread over the archive (each once: distinct pages).
ARTICLE_SAMPLES = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with the project's configuration on a free loopback port."""

    def __init__(self, env: dict, workers: int | None = None):
        self.port = free_port()
        self.env = {**env, "PORT": str(self.port), "GUNICORN_HOST": "127.0.0.1"}
        if workers:
            self.env["WEB_CONCURRENCY"] = str(workers)
        self.process = None
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed in __exit__)
            "w", prefix="bench-gunicorn-", suffix=".log", delete=False
        )

    def __enter__(self) -> "Server":
        self.process = subprocess.Popen(  # noqa: S603 (our own gunicorn)
            [
                str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
                "--config",
                "config/gunicorn.conf.py",
                "--access-logfile",
                "/dev/null",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            # A file, not a pipe: a pipe nobody reads would block gunicorn.
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start within 60 s")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        print(f"(gunicorn's log: {self.log.name})")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def memory(self) -> dict:
        """The memory of the arbiter and of each of its workers (see ``process_memory``)."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return {
            "arbiter": process_memory(pid),
            "workers": [process_memory(int(child)) for child in children],
        }


def article_links(body: bytes) -> list[str]:
    """The article links of a listing page, as a reader follows them."""
    found = re.findall(rb'href="(/articles/\d+/[^"]+)"', body)
    return [link.decode().replace("&amp;", "&") for link in found]


@dataclass
class Row:
    """One page (or a group of distinct pages of one kind) and its times."""

    label: str
    path: str  # the page, or the first of the group
    first: float = 0.0  # the first answer after the start (ms); 0 for a group
    times: list[float] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)

    @property
    def p50(self) -> float:
        return percentile(self.times, 50)

    @property
    def p95(self) -> float:
        return percentile(self.times, 95)

    @property
    def ok(self) -> bool:
        return self.statuses == {200} and self.p95 <= TARGET_MS


def time_page(server: Server, label: str, path: str, repeats: int) -> Row:
    """The first answer, then ``repeats`` more of the same page."""
    row = Row(label, path)
    status, _, row.first = fetch(server.url(path))
    row.statuses.add(status)
    for _ in range(repeats):
        status, _, ms = fetch(server.url(path))
        row.statuses.add(status)
        row.times.append(ms)
    return row


def time_group(server: Server, label: str, paths: list[str]) -> Row:
    """Each of ``paths`` once: pages of one kind that keep nothing for each other."""
    row = Row(label, paths[0] if paths else "(none found)")
    for path in paths:
        status, _, ms = fetch(server.url(path))
        row.statuses.add(status)
        row.times.append(ms)
    return row


@dataclass(frozen=True)
class Corpus:
    """What the pages are about, found through the site itself."""

    total: int
    source: str  # slugs of a common source, tag and author
    tag: str
    author: str
    year: int  # the year with most articles


def explore(server: Server) -> Corpus:
    _, body, _ = fetch(server.url("/articles/?format=json"))
    listing = json.loads(body)
    years = sorted(listing["histogram"], key=lambda row: -row["count"])

    def first_slug(path: str, pattern: bytes) -> str:
        _, page, _ = fetch(server.url(path))
        found = re.findall(pattern, page)
        return found[0].decode() if found else ""

    return Corpus(
        total=listing["total"],
        source=first_slug("/sources/", rb'href="/sources/([^"/]+)/"'),
        tag=first_slug("/tags/", rb'href="/tags/([^"/]+)/"'),
        author=first_slug("/authors/", rb'href="/authors/([^"/]+)/"'),
        year=years[0]["year"] if years else 2020,
    )


def registry_pages(server: Server, corpus: Corpus, repeats: int) -> list[Row]:
    rows = [
        time_page(server, label, path, repeats)
        for label, path in (
            ("home", "/"),
            ("sources", "/sources/"),
            ("tags", "/tags/"),
            ("authors", "/authors/"),
            ("a source", f"/sources/{corpus.source}/"),
            ("a tag", f"/tags/{corpus.tag}/"),
            ("an author", f"/authors/{corpus.author}/"),
            ("changes", "/changes/"),
        )
    ]
    _, body, _ = fetch(server.url(f"/articles/?source={corpus.source}&format=json"))
    deep = max(int(json.loads(body)["pages"] * DEEP), 2)
    path = f"/sources/{corpus.source}/?page={deep}"
    rows.append(time_page(server, "a source, deep page", path, repeats))
    return rows


def listing_pages(server: Server, corpus: Corpus, repeats: int) -> list[Row]:
    """Browse: each sort's first page, a deep page by number and its keyset neighbour."""
    pages = max(-(-corpus.total // 20), 1)
    deep = max(int(pages * DEEP), 1)
    rows = []
    for sort in ("", "sort=oldest&", "sort=title&"):
        name = sort.removeprefix("sort=").rstrip("&") or "newest"
        rows.append(time_page(server, f"browse {name}", f"/articles/?{sort}", repeats))
        path = f"/articles/?{sort}page={deep}"
        rows.append(time_page(server, f"browse {name}, deep page", path, repeats))
        _, body, _ = fetch(server.url(path))
        following = next_link(body)
        if following:
            rows.append(
                time_page(server, f"browse {name}, next (keyset)", following, repeats)
            )
    rows.append(
        time_page(
            server,
            "browse title, page 20000",
            "/articles/?sort=title&page=20000",
            repeats,
        )
    )
    filtered = (
        ("browse a tag and year", f"tag={corpus.tag}&year={corpus.year}"),
        ("browse a source", f"source={corpus.source}"),
        ("browse a tag, oldest", f"tag={corpus.tag}&sort=oldest"),
        ("browse Korean analysis", "lang=ko&kind=analysis"),
        ("browse a year, not a tag", f"year={corpus.year}&not_tag={corpus.tag}"),
        ("browse a tag, by title", f"tag={corpus.tag}&sort=title"),
    )
    for label, query in filtered:
        rows.append(time_page(server, label, f"/articles/?{query}", repeats))
    _, body, _ = fetch(server.url(f"/articles/?tag={corpus.tag}&format=json"))
    tag_pages = json.loads(body)["pages"]
    path = f"/articles/?tag={corpus.tag}&page={max(int(tag_pages * DEEP), 1)}"
    rows.append(time_page(server, "browse a tag, deep page", path, repeats))
    return rows


# The trends page's searches: two, then five (common words and a phrase, as
# an analyst compares them), each counted per year and per month.
TRENDS_QUERIES = ("radio", "phone", "television", '"North Korea"', "market")


def trends_pages(server: Server, repeats: int) -> list[Row]:
    """Trends: two and five searches counted per year and per month."""
    rows = []
    for n in (2, 5):
        query = urllib.parse.urlencode({"q": TRENDS_QUERIES[:n]}, doseq=True)
        for interval in ("year", "month"):
            path = f"/trends/?{query}&interval={interval}"
            label = f"trends, {n} searches by {interval}"
            rows.append(time_page(server, label, path, repeats))
    return rows


def article_pages(server: Server, corpus: Corpus) -> list[Row]:
    """Article pages (each once) reached from listings, with their citation files."""
    pages = max(-(-corpus.total // 20), 1)
    step = max(pages // ARTICLE_SAMPLES, 1)
    plain, from_listing, cited = [], [], []
    for number in range(1, pages + 1, step):
        _, body, _ = fetch(server.url(f"/articles/?page={number}"))
        links = article_links(body)
        if links:
            from_listing.append(links[0])
            plain.append(links[-1].split("?")[0])
            cited.append(re.sub(r"/[^/]+/?(\?.*)?$", "/cite.ris", links[-1]))
        if len(plain) >= ARTICLE_SAMPLES:
            break
    _, body, _ = fetch(server.url(f"/articles/?tag={corpus.tag}&page=3"))
    from_filtered = article_links(body)[:ARTICLE_SAMPLES]
    return [
        time_group(server, "article (related reading)", plain),
        time_group(server, "article from browse (prev/next)", from_listing),
        time_group(server, "article from a filtered listing", from_filtered),
        time_group(server, "citation (RIS)", cited),
    ]


def full_export(server: Server, total: int) -> dict:
    """Stream the whole CSV export; count its records against the listing's total."""
    started = time.perf_counter()
    first_byte = None
    chunks = []
    status = 0
    try:
        with urllib.request.urlopen(  # noqa: S310
            server.url("/articles/?format=csv"), timeout=900
        ) as answer:
            status = answer.status
            while chunk := answer.read(65536):
                if first_byte is None:
                    first_byte = (time.perf_counter() - started) * 1000
                chunks.append(chunk)
    except (OSError, http.client.HTTPException) as error:
        chunks.append(str(error).encode())
    seconds = time.perf_counter() - started
    body = b"".join(chunks)
    text = body.decode("utf-8-sig", errors="replace")
    records = max(sum(1 for _ in csv.reader(io.StringIO(text))) - 1, 0)
    return {
        "status": status,
        "seconds": seconds,
        "first_byte_ms": first_byte or 0.0,
        "records": records,
        "total": total,
        "mb": len(body) / 1e6,
    }


def render(
    count: int,
    workers: int,
    rows: list[Row],
    export: dict,
    load: dict | None,
    memory: dict | None = None,
) -> str:
    lines = [
        "",
        f"== Pages over HTTP (gunicorn, {workers} worker, one client), {count:,} articles ==",
        f"load average at the start: {os.getloadavg()[0]:.2f}",
        f"{'page':34} {'status':>6} {'n':>3} {'first':>7} {'p50 ms':>7} {'p95 ms':>7}  example",
    ]
    for row in rows:
        status = ",".join(map(str, sorted(row.statuses)))
        first = f"{row.first:7.0f}" if row.first else f"{'-':>7}"
        lines.append(
            f"{row.label[:34]:34} {status:>6} {len(row.times):>3} {first} "
            f"{row.p50:7.0f} {row.p95:7.0f} {'✓' if row.ok else '✗'} {row.path[:70]}"
        )
    slow = [row for row in rows if not row.ok]
    lines.append(
        f"pages over {TARGET_MS} ms at p95 (or not 200): "
        + (", ".join(row.label for row in slow) if slow else "none")
    )
    complete = export["records"] == export["total"] and export["status"] == 200
    lines.append(
        f"full CSV export: {export['status']}, {export['records']:,} of "
        f"{export['total']:,} records, {export['mb']:.1f} MB in "
        f"{export['seconds']:.1f} s, first byte after {export['first_byte_ms']:.0f} ms "
        f"{'✓ complete' if complete else '✗ INCOMPLETE'}"
    )
    if memory:
        lines.append(
            f"memory after the pages: arbiter {memory_line(memory['arbiter'])}"
        )
        for n, worker in enumerate(memory["workers"], 1):
            ok = worker["rss"] <= SERVING_MB
            lines.append(
                f"  worker {n}: {memory_line(worker)} {'✓' if ok else '✗'} "
                f"RSS ≤ {SERVING_MB} MB"
            )
    if load:
        lines.append(
            f"load: {load['clients']} clients for {load['seconds']} s: "
            f"{load['requests']:,} requests, {load['errors']} errors, "
            f"p50 {load['p50']:.0f} ms, p99 {load['p99']:.0f} ms, max {load['max']:.0f} ms; "
            f"{load['saves']} saves ({load['save_errors']} failed), rebuild "
            f"{load['rebuild']} {'✓' if load['errors'] == 0 else '✗'}"
        )
        for line in load["exports"]:
            lines.append(f"  export during load: {line}")
        for error in load["error_samples"]:
            lines.append(f"  error: {error}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--out-dir", type=Path, default=BASE_DIR / "var" / "bench")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args(argv)
    env = os.environ.copy()
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    env.setdefault(
        "DATABASE_URL", f"sqlite:///{args.out_dir / f'bench-{args.count}.sqlite3'}"
    )
    env.setdefault("SEARCH_INDEX_DIR", str(args.out_dir / f"whoosh-{args.count}"))
    workers = int(os.environ.get("BENCH_WORKERS", "1"))
    # Every timed page does its work: no reuse of an earlier request's matches.
    timed_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    with Server(timed_env, workers=workers) as server:
        corpus = explore(server)
        rows = registry_pages(server, corpus, args.repeats)
        rows += listing_pages(server, corpus, args.repeats)
        rows += article_pages(server, corpus)
        rows += trends_pages(server, args.repeats)
        export = full_export(server, corpus.total)
        memory = server.memory()
    load = None
    if not args.skip_load:
        from bench.load import run_load

        with Server(env) as server:
            load = run_load(
                server, env, seconds=args.load_seconds, clients=args.clients
            )
    text = render(args.count, workers, rows, export, load, memory)
    print(text)
    with open(args.out_dir / f"report-{args.count}.txt", "a") as report:
        report.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
