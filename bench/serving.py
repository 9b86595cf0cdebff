"""Serving processes: a fresh one in miniature, then gunicorn with several workers.

``bench.run`` starts this in a fresh interpreter (same environment) so the
memory figures are those of processes that only search, without the corpus
building and indexing the benchmark did before. It reports:

- a process that sets up Django, runs the analyst queries through
  ``search()`` and reads its memory (the first search opens the index);
- the project's gunicorn settings with ``WORKERS`` workers: the time until it
  answers, the first search over HTTP (its time, and whether it was cut
  short or found nothing), the analyst queries once over HTTP, and each
  worker's memory: RSS, PSS (the pages it shares with the other workers
  and the arbiter counted in part, what the workers cost together), and
  its private and shared pages apart.

Prints one JSON object.
"""

import json
import os
import time
from pathlib import Path

import django

BASE_DIR = Path(__file__).resolve().parent.parent
WORKERS = 2
STARTUP_TIMEOUT = 600.0


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    from bench.measure import disable_result_cache, memory_mb
    from bench.queries import analyst_queries
    from search.service import NOTICE_FAILED, NOTICE_NO_INDEX, NOTICE_OUTDATED, search

    disable_result_cache()

    queries = analyst_queries()
    before = memory_mb()
    started = time.perf_counter()
    search(queries[0].params())
    opened = memory_mb()
    opened_ms = (time.perf_counter() - started) * 1000
    failed = 0
    for query in queries:
        page = search(query.params())
        failed += not {NOTICE_FAILED, NOTICE_NO_INDEX, NOTICE_OUTDATED}.isdisjoint(
            page.notices
        )
    report = {
        "before": before,
        "opened": opened,
        "first_search_ms": opened_ms,
        "after": memory_mb(),
        "queries": len(queries),
        "failed": failed,
    }
    try:
        report["gunicorn"] = over_http(queries)
    except (OSError, RuntimeError) as error:
        report["gunicorn"] = {"error": str(error)}
    print(json.dumps(report))


def over_http(queries) -> dict:
    """Start gunicorn with ``WORKERS`` workers; time its first searches; read its memory."""
    from bench.http import fetch, free_port, gunicorn_arbiter, search_path
    from bench.measure import percentile, process_memory
    from search.service import NOTICE_PARTIAL

    port = free_port()
    started = time.perf_counter()
    # The benchmark's server settings: no reuse of earlier results.
    with gunicorn_arbiter(
        port, WORKERS, settings="bench.settings", timeout=STARTUP_TIMEOUT
    ) as process:
        ready = time.perf_counter() - started
        first = []
        # The first searches after the start (each worker warms the index
        # before it takes a request), new connections.
        for query in queries[:WORKERS]:
            begun = time.perf_counter()
            status, body = fetch(port, search_path(query))
            answer = json.loads(body) if status == 200 else {}
            first.append(
                {
                    "ms": (time.perf_counter() - begun) * 1000,
                    "status": status,
                    "total": answer.get("total", 0),
                    "partial": str(NOTICE_PARTIAL) in answer.get("notices", []),
                }
            )
        ms = []
        for query in queries:
            begun = time.perf_counter()
            fetch(port, search_path(query))
            ms.append((time.perf_counter() - begun) * 1000)
        workers = _children(process.pid)
        return {
            "workers": len(workers),
            "ready_seconds": ready,
            "first": first,
            "json_p50": percentile(ms, 50),
            "json_p95": percentile(ms, 95),
            "arbiter": process_memory(process.pid),
            "per_worker": [process_memory(pid) for pid in workers],
        }


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()]


if __name__ == "__main__":
    main()
