"""A bounded load test: many clients on loopback while an editor saves and a rebuild runs.

``run_load(server, env, seconds=60, clients=16)`` (called by ``bench.pages``)
lets ``clients - 1`` clients read pages (home, registries, browse pages near
and far, article pages, searches) and one client download exports (the whole
archive as CSV, a source's articles as RIS and JSON), each checked complete
against the listing's total, while another process saves an article every
half second through the archive's services and ``rebuild_search_index``
builds a new index generation. Every non-200 answer, cut connection or
incomplete export counts as an error.
"""

import csv
import io
import json
import random
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.measure import fetch, next_link, percentile

BASE_DIR = Path(__file__).resolve().parent.parent
# Seconds the rebuild may go on after the test before it is stopped.
REBUILD_GRACE = 120
EDITOR = """
import time
from archive import services
from archive.models import Article
article = Article.objects.published().order_by("pk").first()
original = article.summary
saves = failures = 0
deadline = time.monotonic() + {seconds}
while time.monotonic() < deadline:
    try:
        services.article_update(article=article, summary=f"{{original}} ({{saves}})")
        saves += 1
    except Exception as error:
        failures += 1
        print("save failed:", error)
    time.sleep(0.5)
services.article_update(article=article, summary=original)
print("SAVES", saves, failures)
"""


def _page_paths(server) -> list[str]:
    """Pages a reader visits: found by following the site's own links."""
    paths = ["/", "/sources/", "/tags/", "/authors/", "/articles/", "/search/?q=radio"]
    for listing, pattern in (
        ("/sources/", r'href="(/sources/[^"/]+/)"'),
        ("/tags/", r'href="(/tags/[^"/]+/)"'),
        ("/authors/", r'href="(/authors/[^"/]+/)"'),
    ):
        _, body, _ = fetch(server.url(listing))
        paths += re.findall(pattern, body.decode())[:5]
    for start in ("/articles/?sort=title&page=3000", "/articles/?page=4000"):
        path = start
        for _ in range(3):
            _, body, _ = fetch(server.url(path))
            paths.append(path)
            articles = re.findall(r'href="(/articles/\d+/[^"]+)"', body.decode())
            paths += [a.replace("&amp;", "&") for a in articles[:3]]
            path = next_link(body)
            if not path:
                break
    paths += [f"/search/?q={q}" for q in ("mobile+phones", "kim+jong+un", "radio+2019")]
    return paths


def _exports(server) -> list[tuple[str, int]]:
    """(export path, records expected): the whole archive and one source's articles."""
    _, body, _ = fetch(server.url("/articles/?format=json"))
    total = json.loads(body)["total"]
    _, body, _ = fetch(server.url("/sources/"))
    source = re.findall(r'href="/sources/([^"/]+)/"', body.decode())[-1]
    _, body, _ = fetch(server.url(f"/articles/?source={source}&format=json"))
    some = json.loads(body)["total"]
    return [
        ("/articles/?format=csv", total),
        (f"/articles/?source={source}&format=csv", some),
        (f"/articles/?source={source}&format=ris", min(some, 5000)),
    ]


def _records(path: str, body: bytes) -> int:
    if "format=ris" in path:
        return body.count(b"\nER  -")
    text = body.decode("utf-8-sig", errors="replace")
    return max(sum(1 for _ in csv.reader(io.StringIO(text))) - 1, 0)


class _Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: list[float] = []
        self.errors: list[str] = []
        self.exports: list[tuple[str, float, bool]] = []

    def page(self, path: str, status: int, ms: float) -> None:
        with self.lock:
            self.times.append(ms)
            if status != 200:
                self.errors.append(f"{status} {path}")

    def export(self, path: str, status: int, ms: float, complete: bool) -> None:
        with self.lock:
            self.exports.append((path, ms, complete))
            if status != 200 or not complete:
                self.errors.append(f"{status} incomplete export {path}")


def _reader(server, paths, tally, deadline, seed):
    chooser = random.Random(seed)  # noqa: S311 (picking pages, not secrets)
    while time.monotonic() < deadline:
        path = chooser.choice(paths)
        status, _, ms = fetch(server.url(path), timeout=60)
        tally.page(path, status, ms)


def _downloader(server, exports, tally, deadline):
    while time.monotonic() < deadline:
        for path, expected in exports:
            status, body, ms = fetch(server.url(path), timeout=600)
            tally.export(path, status, ms, _records(path, body) == expected)


def _manage(env, *args) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def run_load(server, env: dict, *, seconds: int, clients: int) -> dict:
    """Run the load test; return counts, latencies and what went wrong."""
    paths = _page_paths(server)
    exports = _exports(server)
    tally = _Tally()
    editor = _manage(env, "shell", "-c", EDITOR.format(seconds=seconds))
    rebuild_started = time.monotonic()
    rebuild = _manage(env, "rebuild_search_index", "--noinput")
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_reader, args=(server, paths, tally, deadline, n))
        for n in range(clients - 1)
    ]
    threads.append(
        threading.Thread(target=_downloader, args=(server, exports, tally, deadline))
    )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    editor_out, _ = editor.communicate(timeout=300)
    # The rebuild only has to run during the test; a large one is given a
    # while to finish, then stopped (the index in use stays as it was).
    try:
        rebuild_out, _ = rebuild.communicate(timeout=REBUILD_GRACE)
        rebuild_state = "finished" if rebuild.returncode == 0 else "FAILED"
    except subprocess.TimeoutExpired:
        rebuild.terminate()
        rebuild_out, _ = rebuild.communicate(timeout=60)
        rebuild_state = "ran throughout, stopped"
    rebuild_seconds = time.monotonic() - rebuild_started
    saves = re.search(r"SAVES (\d+) (\d+)", editor_out or "")
    errors = list(tally.errors)
    if rebuild_state == "FAILED":
        errors.append(f"rebuild exited {rebuild.returncode}: {rebuild_out[-300:]}")
    if not saves:
        errors.append(f"editor: {editor_out[-300:]}")
    return {
        "clients": clients,
        "seconds": seconds,
        "requests": len(tally.times) + len(tally.exports),
        "errors": len(errors),
        "error_samples": errors[:10],
        "p50": percentile(tally.times, 50),
        "p99": percentile(tally.times, 99),
        "max": max(tally.times, default=0.0),
        "exports": [
            f"{path} {ms / 1000:.1f} s {'complete' if ok else 'INCOMPLETE'}"
            for path, ms, ok in tally.exports
        ],
        "saves": int(saves.group(1)) if saves else 0,
        "save_errors": int(saves.group(2)) if saves else 0,
        "rebuild": f"{rebuild_state} after {rebuild_seconds:.0f} s",
    }
