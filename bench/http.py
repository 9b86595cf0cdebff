"""The search page over HTTP: gunicorn with one worker, its stages, and Datasette beside it.

What an analyst waits for is the whole answer, not ``search()`` alone. This
part of the benchmark:

- serves the benchmark's archive with the project's gunicorn settings and one
  worker, and times ``/search/?…&format=json`` and the HTML page for
  every analyst query, one client, a new connection per request (what the
  first sight of a query costs, then two more rounds), with the worker's CPU
  time per request;
- times four clients at once against the same worker (requests a second);
- when Datasette is installed (``var/datasette-venv``, see README), serves the
  FTS5 yardstick with Datasette and times its FTS table view with facets,
  interleaved round by round with ours;
- splits the same JSON and HTML requests, in-process, into the stages of a
  request (parse, match, facets, rank, hits, snippets, render; for the page,
  its hits, facets and chart, context and template).

``python -m bench.http --count N`` runs it alone on the corpus and index a
``make bench`` of that size left under var/bench.
"""

import argparse
import http.client
import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench.measure import memory_line, percentile, process_memory
from bench.queries import BenchQuery

BASE_DIR = Path(__file__).resolve().parent.parent
DATASETTE = BASE_DIR / "var" / "datasette-venv" / "bin" / "datasette"
ROUNDS = 3
CLIENTS = 4
THROUGHPUT_SECONDS = 10.0
STARTUP_TIMEOUT = 120.0
# The targets for the answer over HTTP.
JSON_P50_MS = 15
JSON_P95_MS = 60
HTML_P50_MS = 25
MIN_RATE = 60
# What the search page says when searching raised (search.service.NOTICE_FAILED).
_FAILED_NOTICE = b"Something went wrong while searching"


def search_path(query: BenchQuery, fmt: str = "json") -> str:
    """Return the search page's path and query string for ``query``."""
    data = query.query_data()
    if fmt != "html":
        data["format"] = [fmt]
    return "/search/?" + urlencode(data, doseq=True)


def datasette_path(query: BenchQuery, database: str) -> str | None:
    """Return Datasette's FTS table view of ``query`` with source and year facets."""
    from bench.fts5 import fts5_match

    match = fts5_match(query.q)
    if match is None:
        return None
    data = [
        ("_search", match),
        ("_searchmode", "raw"),
        ("_facet", "source"),
        ("_facet", "year"),
        ("_size", "20"),
    ]
    facet_columns = {"source": "source", "year": "year", "lang": "lang", "kind": "kind"}
    for name, value in query.selected:
        if name in facet_columns:
            data.append((facet_columns[name], value))
    for name, value in query.excluded:
        if name in facet_columns:
            data.append((f"{facet_columns[name]}__not", value))
    if query.date_from:
        data.append(("published__gte", query.date_from.isoformat()))
    if query.date_to:
        data.append(("published__lte", query.date_to.isoformat()))
    if query.sort == "newest":
        data.append(("_sort_desc", "published"))
    return f"/{database}/docs.json?" + urlencode(data)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str) -> tuple[int, bytes]:
    """GET ``path`` on a new connection (as a browser opening the page would)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Connection": "close"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _wait_ready(
    port: int, path: str, process: subprocess.Popen, timeout: float = STARTUP_TIMEOUT
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode})")
        try:
            status, _ = fetch(port, path)
        except OSError:
            time.sleep(0.1)
            continue
        if status < 500:
            return
        time.sleep(0.1)
    raise RuntimeError("the server did not answer in time")


@contextmanager
def _serving(
    command: list[str],
    env: dict,
    port: int,
    ready: str,
    timeout: float = STARTUP_TIMEOUT,
) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen(  # noqa: S603 - the benchmark's own fixed commands
        command,
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_ready(port, ready, process, timeout)
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def gunicorn_arbiter(
    port: int,
    workers: int = 1,
    settings: str | None = None,
    timeout: float = STARTUP_TIMEOUT,
) -> Iterator[subprocess.Popen]:
    """Serve the archive with the project's gunicorn settings; yield the arbiter once it answers.

    The arbiter warms the index before it forks, so the first answer means
    every worker is ready.
    """
    env = {**os.environ, "WEB_CONCURRENCY": str(workers), "PORT": str(port)}
    if settings:
        env["DJANGO_SETTINGS_MODULE"] = settings
    command = [
        str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
        "--config",
        "config/gunicorn.conf.py",
        "--access-logfile",
        "/dev/null",
        "--max-requests",
        "0",
    ]
    with _serving(command, env, port, "/search/help/", timeout) as process:
        yield process


@contextmanager
def datasette(path: Path, port: int) -> Iterator[int]:
    """Serve the FTS5 file with Datasette (its FTS table view on ``docs``); yield its pid."""
    metadata = path.with_suffix(".datasette.json")
    docs = {"fts_table": "fts", "fts_pk": "id"}
    metadata.write_text(
        json.dumps({"databases": {path.stem: {"tables": {"docs": docs}}}})
    )
    command = [
        str(DATASETTE),
        "serve",
        str(path),
        "--immutable",
        str(path),
        "--metadata",
        str(metadata),
        "--port",
        str(port),
        "--setting",
        "sql_time_limit_ms",
        "5000",
    ]
    with _serving(command, dict(os.environ), port, "/-/versions.json") as process:
        yield process.pid


def _only_child(pid: int) -> int:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.05)
    return pid


@dataclass(frozen=True)
class Usage:
    """What process ``pid`` has used so far: CPU seconds and page faults."""

    user: float
    system: float
    minor_faults: int
    major_faults: int  # the page had to be read from disk

    @classmethod
    def of(cls, pid: int) -> "Usage":
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        return cls(
            int(fields[11]) / tick,
            int(fields[12]) / tick,
            int(fields[7]),
            int(fields[9]),
        )


def cpu_seconds(pid: int) -> float:
    """Return the user plus system CPU time process ``pid`` has used."""
    usage = Usage.of(pid)
    return usage.user + usage.system


def wait_idle(pid: int, timeout: float = 120.0) -> None:
    """Wait until process ``pid`` uses under 2% of a CPU over half a second (or ``timeout``)."""
    deadline = time.monotonic() + timeout
    before = cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu_seconds(pid)
        if now - before < 0.01:
            return
        before = now


@dataclass
class Run:
    """Milliseconds of one pass over the paths, and the server's CPU over it."""

    ms: list[float] = field(default_factory=list)
    cpu_ms: float = 0.0  # per request
    system_ms: float = 0.0  # of which in the kernel, per request
    minor_faults: float = 0.0  # per request
    major_faults: float = 0.0  # per request
    failed: int = 0
    errors: int = 0  # answered, but saying that the search failed


def time_paths(port: int, pid: int, paths: Sequence[str]) -> Run:
    run = Run()
    before = Usage.of(pid)
    for path in paths:
        started = time.perf_counter()
        status, body = fetch(port, path)
        run.ms.append((time.perf_counter() - started) * 1000)
        run.failed += status != 200
        run.errors += _FAILED_NOTICE in body
    after, requests = Usage.of(pid), max(len(paths), 1)
    run.system_ms = (after.system - before.system) * 1000 / requests
    run.cpu_ms = (after.user - before.user) * 1000 / requests + run.system_ms
    run.minor_faults = (after.minor_faults - before.minor_faults) / requests
    run.major_faults = (after.major_faults - before.major_faults) / requests
    return run


def throughput(port: int, paths: Sequence[str], clients: int, seconds: float) -> dict:
    """Requests a second ``clients`` clients get, each cycling through ``paths``."""
    done, failed = [0] * clients, [0] * clients
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        i = n * len(paths) // clients
        while time.monotonic() < stop:
            status, _ = fetch(port, paths[i % len(paths)])
            done[n] += 1
            failed[n] += status != 200
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {"rate": sum(done) / elapsed, "requests": sum(done), "failed": sum(failed)}


def summary(ms: Sequence[float]) -> dict:
    return {
        "n": len(ms),
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "worst": max(ms, default=float("nan")),
    }


def measure_http(queries: Sequence[BenchQuery], fts5_path: Path | None) -> dict:
    """Time the JSON and HTML answers through gunicorn (and Datasette's); see the docstring."""
    from bench.queries import hostile_queries

    json_paths = [search_path(q) for q in queries]
    html_paths = [search_path(q, "html") for q in queries]
    # Opens the index and compiles the templates with other queries than the
    # timed ones, so the first round is each query's first sight.
    warm = [
        search_path(q, fmt) for q in hostile_queries()[:6] for fmt in ("json", "html")
    ]
    use_datasette = DATASETTE.exists() and fts5_path is not None and fts5_path.exists()
    result: dict = {
        "rounds": ROUNDS,
        "queries": len(queries),
        "datasette": None,
        "datasette_installed": DATASETTE.exists(),
    }
    port = free_port()
    with gunicorn_arbiter(port) as arbiter:
        pid = _only_child(arbiter.pid)
        for path in warm:
            fetch(port, path)
        memory_warm = process_memory(pid)
        json_runs, html_runs, theirs = [], [], []
        with _datasette_or_none(fts5_path if use_datasette else None) as other:
            their_paths = (
                [datasette_path(q, fts5_path.stem) for q in queries] if other else []
            )
            their_paths = [p for p in their_paths if p]
            if other:
                for path in their_paths[:10]:
                    fetch(other[0], path)
                # Datasette goes on working after it has answered them; each
                # round is timed with the other server idle, the first too.
                wait_idle(other[1])
            for _ in range(ROUNDS):
                json_runs.append(time_paths(port, pid, json_paths))
                if other:
                    theirs.append(time_paths(other[0], other[1], their_paths))
                html_runs.append(time_paths(port, pid, html_paths))
            if other:
                result["datasette"] = {
                    "version": _datasette_version(other[0]),
                    "all": summary([ms for run in theirs for ms in run.ms]),
                    "cpu_ms": sum(r.cpu_ms for r in theirs) / len(theirs),
                    "failed": sum(r.failed for r in theirs),
                    "round_p50": [percentile(r.ms, 50) for r in theirs],
                }
        result["json"] = _runs(json_runs)
        result["html"] = _runs(html_runs)
        result["errors"] = sum(r.errors for r in [*json_runs, *html_runs])
        result["clients"] = CLIENTS
        result["throughput_json"] = throughput(
            port, json_paths, CLIENTS, THROUGHPUT_SECONDS
        )
        result["memory"] = {
            "warm": memory_warm,
            "after": process_memory(pid),
            "arbiter": process_memory(arbiter.pid),
        }
    return result


def _runs(runs: list[Run]) -> dict:
    return {
        "first": summary(runs[0].ms),
        "all": summary([ms for run in runs for ms in run.ms]),
        "round_p50": [percentile(run.ms, 50) for run in runs],
        # Per request, round by round: a first round that pays for copying
        # the arbiter's pages or reading the index from disk shows here.
        "round_cpu_ms": [run.cpu_ms for run in runs],
        "round_system_ms": [run.system_ms for run in runs],
        "round_faults": [(run.minor_faults, run.major_faults) for run in runs],
        "cpu_ms": sum(run.cpu_ms for run in runs) / len(runs),
        "failed": sum(run.failed for run in runs),
    }


@contextmanager
def _datasette_or_none(path: Path | None) -> Iterator[tuple[int, int] | None]:
    if path is None:
        yield None
        return
    port = free_port()
    with datasette(path, port) as pid:
        yield port, pid


def _datasette_version(port: int) -> str:
    try:
        _, body = fetch(port, "/-/versions.json")
        return json.loads(body)["datasette"]["version"]
    except (OSError, ValueError, KeyError):
        return "?"


# Where each stage of a request runs: (module, attribute) of the functions
# timed; a stage's time excludes the stages it calls.
STAGES = (
    ("parse", "search.engine.whoosh_backend", ("parse_query", "compile_query")),
    ("match", "search.engine.whoosh_backend", ("matching_docs",)),
    ("facets", "search.engine.whoosh_backend", ("count_facets", "count_values")),
    ("rank", "search.engine.whoosh_backend", ("rank", "best")),
    ("facet labels", "search.service", ("describe_facets", "resolve_selection")),
    ("snippets", "search.service", ("article_snippet",)),
    ("hits", "search.service", ("_hits",)),
    ("render", "search.views", ("_json", "JsonResponse")),
    # The HTML page's own parts.
    ("hits markup", "search.presenters", ("result_item",)),
    (
        "facets and chart markup",
        "search.presenters",
        ("facet_list", "year_chart", "link_facets", "build_chart"),
    ),
    ("page context (links, sentence)", "search.views", ("results_context",)),
    ("template", "search.views", ("render",)),
)


def _timed_stages(totals: dict[str, float]) -> list:
    """Wrap each stage's functions to add their exclusive time to ``totals``.

    Returns (module, name, original) of each wrapped function, to put back.
    """
    active: list[list] = []  # [stage, seconds spent in stages it called]

    def timed(stage: str, function):
        def wrapper(*args, **kwargs):
            if active and active[-1][0] == stage:  # a stage calling itself
                return function(*args, **kwargs)
            active.append([stage, 0.0])
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                _, inner = active.pop()
                totals[stage] += elapsed - inner
                if active:
                    active[-1][1] += elapsed

        return wrapper

    patched = []
    for stage, module_name, names in STAGES:
        module = importlib.import_module(module_name)
        for name in names:
            if hasattr(module, name):
                original = getattr(module, name)
                patched.append((module, name, original))
                setattr(module, name, timed(stage, original))
    return patched


def stage_times(queries: Sequence[BenchQuery]) -> dict:
    """Split the in-process JSON and HTML requests into stages (see ``_stage_times``)."""
    return {fmt: _stage_times(queries, fmt) for fmt in ("json", "html")}


def _stage_times(queries: Sequence[BenchQuery], fmt: str) -> dict:
    """Mean milliseconds per request of each stage, over every query once, warm."""
    from django.test import Client

    import search.snippets

    totals: dict[str, float] = dict.fromkeys((name for name, _, _ in STAGES), 0.0)
    client = Client()
    paths = [search_path(q, fmt) for q in queries]
    patched = _timed_stages(totals)
    try:
        for path in paths:
            client.get(path)
        totals.update(dict.fromkeys(totals, 0.0))
        started = time.perf_counter()
        for path in paths:
            _forget_snippets(search.snippets)
            client.get(path)
        whole = time.perf_counter() - started
    finally:
        for module, name, original in patched:
            setattr(module, name, original)
    n = len(paths)
    stages = {name: seconds * 1000 / n for name, seconds in totals.items() if seconds}
    stages["other (routing, form, middleware)"] = (
        (whole - sum(totals.values())) * 1000 / n
    )
    return {"total": whole * 1000 / n, "stages": stages}


def _forget_snippets(module) -> None:
    """Make each timed request build its snippets, as a query seen first does."""
    cache = getattr(module, "_snippets", None)
    if cache is not None:
        cache.clear()


def render(http: dict, stages: dict | None, fts5_median: float | None) -> str:
    """Return the report's HTTP section."""
    lines = [
        f"OVER HTTP: gunicorn (the project's settings, 1 worker), {http['queries']} "
        f"analyst queries, {http['rounds']} rounds, one client, a new connection each",
        f"  {'answer':<34} {'p50':>7} {'p95':>7} {'worst':>7} {'CPU/req':>8}",
    ]
    for label, key, part in (
        ("ours JSON, first sight of a query", "json", "first"),
        ("ours JSON, all rounds", "json", "all"),
        ("ours HTML, first sight", "html", "first"),
        ("ours HTML, all rounds", "html", "all"),
    ):
        s = http[key][part]
        lines.append(
            f"  {label:<34} {s['p50']:>7.1f} {s['p95']:>7.1f} {s['worst']:>7.0f} "
            f"{http[key]['cpu_ms']:>8.1f}"
        )
    for fmt in ("json", "html"):
        runs = http[fmt]
        minor, major = zip(*runs["round_faults"], strict=True)
        lines.append(
            f"  {fmt.upper()} worker per request, round by round: "
            f"CPU {_per_round(runs['round_cpu_ms'])} ms "
            f"(kernel {_per_round(runs['round_system_ms'])}); "
            f"page faults {_per_round(minor, '.0f')}, "
            f"read from disk {_per_round(major)}"
        )
    other = http.get("datasette")
    if other:
        s = other["all"]
        lines.append(
            f"  {'Datasette ' + other['version'] + ' FTS view, JSON':<34} {s['p50']:>7.1f} "
            f"{s['p95']:>7.1f} {s['worst']:>7.0f} {other['cpu_ms']:>8.1f}"
        )
        rounds = " / ".join(
            f"{a:.1f} vs {b:.1f}"
            for a, b in zip(http["json"]["round_p50"], other["round_p50"], strict=True)
        )
        ratio = http["json"]["all"]["p50"] / other["all"]["p50"]
        lines.append(f"  p50 per round, ours JSON vs Datasette: {rounds}")
        lines.append(
            f"  ratio ours/Datasette (JSON p50): {ratio:.2f}x "
            f"({'✓' if ratio <= 0.5 else '✗'} target ≤ 0.5x)"
        )
    elif http.get("datasette_installed"):
        lines.append(
            "  Datasette: no FTS5 yardstick of this corpus to serve (make bench builds it)"
        )
    else:
        lines.append(
            "  Datasette: not installed (python3.11 -m venv var/datasette-venv && "
            "var/datasette-venv/bin/pip install datasette)"
        )
    if fts5_median:
        ratio = http["json"]["all"]["p50"] / fts5_median
        lines.append(
            f"  ratio ours JSON over HTTP / FTS5 in-process (p50): {ratio:.1f}x"
        )
    rate = http["throughput_json"]
    lines.append(
        f"  {http['clients']} clients at once, JSON: {rate['rate']:.1f} requests/s "
        f"({rate['requests']} requests, {rate['failed']} failed)"
    )
    memory = http["memory"]
    lines += [
        f"  worker memory warm: {memory_line(memory['warm'])}",
        f"    after the rounds: {memory_line(memory['after'])}",
        f"    the arbiter it was forked from: {memory_line(memory['arbiter'])}",
    ]
    failed = http["json"]["failed"] + http["html"]["failed"]
    if failed:
        lines.append(f"  ✗ {failed} answers were not 200 OK: the timings mean little")
    if http.get("errors"):
        lines.append(
            f"  ✗ {http['errors']} answers said the search failed: the timings mean little"
        )
    first, html = http["json"]["first"], http["html"]["first"]
    lines += [
        "  targets (first sight of each query):",
        f"    {_mark(first['p50'] <= JSON_P50_MS)} JSON p50 ≤ {JSON_P50_MS} ms: "
        f"{first['p50']:.1f} ms",
        f"    {_mark(first['p95'] <= JSON_P95_MS)} JSON p95 ≤ {JSON_P95_MS} ms: "
        f"{first['p95']:.1f} ms",
        f"    {_mark(html['p50'] <= HTML_P50_MS)} HTML p50 ≤ {HTML_P50_MS} ms: "
        f"{html['p50']:.1f} ms",
        f"    {_mark(rate['rate'] >= MIN_RATE)} ≥ {MIN_RATE} requests/s with "
        f"{http['clients']} clients: {rate['rate']:.1f}",
    ]
    for fmt, split in (stages or {}).items():
        total = split["total"]
        lines.append(
            f"  stages of the {fmt.upper()} request in-process (mean ms per request, "
            f"snippets built afresh; total {total:.1f} ms):"
        )
        for name, ms in split["stages"].items():
            lines.append(f"    {name:<34} {ms:>6.2f}  {ms / total:>5.0%}")
    return "\n".join(lines)


def _per_round(values, spec: str = ".1f") -> str:
    return " / ".join(format(value, spec) for value in values)


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.http", description=__doc__)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--out-dir", type=Path, default=BASE_DIR / "var" / "bench")
    parser.add_argument("--no-stages", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault(
        "DATABASE_URL", f"sqlite:///{args.out_dir / f'bench-{args.count}.sqlite3'}"
    )
    os.environ.setdefault(
        "SEARCH_INDEX_DIR", str(args.out_dir / f"whoosh-{args.count}")
    )
    import django

    django.setup()
    from django.core.management import call_command

    from bench.measure import disable_result_cache
    from bench.queries import analyst_queries

    call_command("migrate", verbosity=0)
    disable_result_cache()
    load = os.getloadavg()[0]
    queries = analyst_queries()
    http = measure_http(queries, args.out_dir / f"fts5-{args.count}.sqlite3")
    stages = None if args.no_stages else stage_times(queries)
    print(
        f"{args.count:,} articles; load average {load:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end"
    )
    print(render(http, stages, None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
