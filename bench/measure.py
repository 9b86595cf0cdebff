"""Timing, percentiles and memory readings shared by the benchmark's parts."""

import http.client
import re
import statistics
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.queries import BenchQuery


@dataclass(frozen=True)
class Timing:
    query: BenchQuery
    ms: float
    total: int  # matches reported
    partial: bool = False  # the engine's time budget cut the search short
    failed: bool = False  # the engine reported an error instead of results


@dataclass(frozen=True)
class Summary:
    n: int
    median: float
    p95: float
    p99: float
    worst: float


def percentile(values: Sequence[float], p: float) -> float:
    """Return the ``p``-th percentile (0-100) with linear interpolation."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(timings: Sequence[Timing]) -> Summary:
    """Return count, median, p95, p99 and worst of the timings' milliseconds."""
    ms = [t.ms for t in timings]
    return Summary(
        n=len(ms),
        median=percentile(ms, 50),
        p95=percentile(ms, 95),
        p99=percentile(ms, 99),
        worst=max(ms, default=float("nan")),
    )


def median_total(timings: Sequence[Timing]) -> float:
    return statistics.median(t.total for t in timings) if timings else 0


def time_queries(
    run: Callable[[BenchQuery], tuple[int, bool, bool]],
    queries: Sequence[BenchQuery],
    *,
    warm_up: bool = True,
) -> list[Timing]:
    """Run every query once to warm up, then once more timed.

    ``run`` returns (match count, partial, failed) for one query.
    """
    if warm_up:
        for query in queries:
            run(query)
    timings = []
    for query in queries:
        started = time.perf_counter()
        total, partial, failed = run(query)
        elapsed = (time.perf_counter() - started) * 1000
        timings.append(Timing(query, elapsed, total, partial, failed))
    return timings


def by_category(timings: Sequence[Timing]) -> dict[str, list[Timing]]:
    """Group timings by query category, in the order categories first appear."""
    groups: dict[str, list[Timing]] = {}
    for timing in timings:
        groups.setdefault(timing.query.category, []).append(timing)
    return groups


def memory_mb() -> dict[str, float]:
    """Return this process's resident memory in MB: now, peak, and private part."""
    fields = {"VmRSS": "rss", "VmHWM": "peak", "RssAnon": "private", "RssFile": "files"}
    found = {}
    with Path("/proc/self/status").open() as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in fields:
                found[fields[name]] = int(value.split()[0]) / 1024
    return found


def process_memory(pid: int) -> dict[str, float]:
    """Return the memory of process ``pid`` in MB, shared and private apart.

    ``rss``: every page it has in memory; ``pss``: the same with each page
    it shares divided among the processes sharing it (what it costs of the
    machine); ``uss``: the pages only it has (what stopping it frees);
    ``shared``: the pages it shares (with the arbiter it was forked from,
    the other workers, or the page cache of files it maps).
    """
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[-1] == "kB":
            fields[name] = int(parts[0]) / 1024
    return {
        "rss": fields.get("Rss", 0.0),
        "pss": fields.get("Pss", 0.0),
        "uss": fields.get("Private_Clean", 0.0) + fields.get("Private_Dirty", 0.0),
        "shared": fields.get("Shared_Clean", 0.0) + fields.get("Shared_Dirty", 0.0),
    }


def memory_line(memory: dict[str, float]) -> str:
    """One process's memory for a report: RSS, then its shared and private parts."""
    return (
        f"RSS {memory['rss']:,.0f} MB (PSS {memory['pss']:,.0f}, private "
        f"{memory['uss']:,.0f}, shared {memory['shared']:,.0f})"
    )


def directory_mb(path: Path) -> float:
    """Return the size of the files under ``path`` in MB."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def disable_result_cache() -> None:
    """Make every timed search do its work: no reuse of an earlier query's result."""
    from django.conf import settings

    settings.SEARCH_CACHE_SIZE = 0


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


def next_link(body: bytes) -> str:
    """The page's rel="next" link (what a reader clicks), or ""."""
    found = re.search(rb'href="([^"]+)" rel="next"', body)
    return found.group(1).decode().replace("&amp;", "&") if found else ""
