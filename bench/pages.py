"""Pages over HTTP through gunicorn: home, registries, deep pages, a full export, load.

Usage: python -m bench.pages [--count N] [--out-dir DIR] [--load-seconds S]
    [--clients C] [--skip-load]

Serves the benchmark's database and index (``make bench`` points
DATABASE_URL and SEARCH_INDEX_DIR at them) with the project's gunicorn
configuration, then times each page's first answer after the start and its
median over a few more, page 1 against deep pages for every sort, the whole
CSV export (its records counted against the listing's total) and a bounded
load test: ``--clients`` clients for ``--load-seconds`` seconds mixing pages
and exports while an editor saves articles and a rebuild runs. Prints the
report and appends it to ``<out-dir>/report-N.txt``.
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
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
TARGET_MS = 200
# A page is "deep" at this share of the listing: far past where caches help.
DEEP = 0.8


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with the project's configuration on a free loopback port."""

    def __init__(self, env: dict):
        self.port = free_port()
        self.env = {**env, "PORT": str(self.port), "GUNICORN_HOST": "127.0.0.1"}
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


def fetch(url: str, timeout: float = 120) -> tuple[int, bytes, float]:
    """(status, body, milliseconds) of one GET; an error status is returned, not raised.

    A connection cut before the answer started is status 0; one cut after it
    started keeps the status sent and what arrived (a truncated body).
    """
    started = time.perf_counter()
    status, body = 0, b""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310
            status = answer.status
            body = answer.read()
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    except http.client.IncompleteRead as error:
        body = error.partial
    except (OSError, http.client.HTTPException) as error:
        body = str(error).encode()
    return status, body, (time.perf_counter() - started) * 1000


def time_page(server: Server, path: str) -> dict:
    """The first answer's time, then the median of ``REPEATS`` more."""
    status, _, first = fetch(server.url(path))
    times = sorted(fetch(server.url(path))[2] for _ in range(REPEATS))
    return {
        "path": path,
        "status": status,
        "first": first,
        "median": times[len(times) // 2],
    }


def next_link(body: bytes) -> str:
    """The page's rel="next" link (what a reader clicks), or ""."""
    found = re.search(rb'href="([^"]+)" rel="next"', body)
    return found.group(1).decode().replace("&amp;", "&") if found else ""


def listing_pages(server: Server, total: int) -> list[dict]:
    pages = max(-(-total // 20), 1)
    deep = max(int(pages * DEEP), 1)
    rows = []
    for sort in ("", "sort=oldest&", "sort=title&"):
        first = time_page(server, f"/articles/?{sort}")
        deep_page = time_page(server, f"/articles/?{sort}page={deep}")
        _, body, _ = fetch(server.url(f"/articles/?{sort}page={deep}"))
        following = next_link(body)
        rows += [first, deep_page]
        if following:
            rows.append(time_page(server, following))
    return rows


def registry_pages(server: Server) -> list[dict]:
    rows = [
        time_page(server, path) for path in ("/", "/sources/", "/tags/", "/authors/")
    ]
    for listing, pattern in (
        ("/sources/", rb'href="(/sources/[^"/]+/)"'),
        ("/tags/", rb'href="(/tags/[^"/]+/)"'),
    ):
        _, body, _ = fetch(server.url(listing))
        found = re.findall(pattern, body)
        if found:
            rows.append(time_page(server, found[0].decode()))
    return rows


def full_export(server: Server, total: int) -> dict:
    """Stream the whole CSV export; count its records against the listing's total."""
    started = time.perf_counter()
    status, body, _ = fetch(server.url("/articles/?format=csv"), timeout=900)
    seconds = time.perf_counter() - started
    text = body.decode("utf-8-sig", errors="replace")
    records = max(sum(1 for _ in csv.reader(io.StringIO(text))) - 1, 0)
    return {
        "status": status,
        "seconds": seconds,
        "records": records,
        "total": total,
        "mb": len(body) / 1e6,
    }


def listing_total(server: Server) -> int:
    _, body, _ = fetch(server.url("/articles/?format=json"))
    return json.loads(body)["total"]


def render(count: int, rows: list[dict], export: dict, load: dict | None) -> str:
    lines = [
        "",
        f"== Pages over HTTP (gunicorn, config/gunicorn.conf.py), {count:,} articles ==",
        f"load average at the start: {os.getloadavg()[0]:.2f}",
        f"{'page':58} {'status':>6} {'first ms':>9} {'median ms':>10}",
    ]
    for row in rows:
        mark = "✓" if row["median"] <= TARGET_MS and row["status"] == 200 else "✗"
        lines.append(
            f"{row['path'][:58]:58} {row['status']:>6} {row['first']:>9.0f} "
            f"{row['median']:>10.0f} {mark}"
        )
    complete = export["records"] == export["total"] and export["status"] == 200
    lines.append(
        f"full CSV export: {export['status']}, {export['records']:,} of "
        f"{export['total']:,} records, {export['mb']:.1f} MB in "
        f"{export['seconds']:.1f} s {'✓ complete' if complete else '✗ INCOMPLETE'}"
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
    load = None
    with Server(env) as server:
        total = listing_total(server)
        rows = registry_pages(server) + listing_pages(server, total)
        export = full_export(server, total)
        if not args.skip_load:
            from bench.load import run_load

            load = run_load(
                server, env, seconds=args.load_seconds, clients=args.clients
            )
    text = render(args.count, rows, export, load)
    print(text)
    with open(args.out_dir / f"report-{args.count}.txt", "a") as report:
        report.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
