"""A serving process in miniature: open the index, run the queries, report memory.

``bench.run`` starts this in a fresh interpreter (same environment) so the
memory figure is that of a process that only searches, as a gunicorn worker
does, without the corpus building and indexing the benchmark did before.
Prints one JSON object.
"""

import json
import os
import time

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    from bench.measure import memory_mb
    from bench.queries import analyst_queries
    from bench.run import disable_result_cache
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
    print(
        json.dumps(
            {
                "before": before,
                "opened": opened,
                "first_search_ms": opened_ms,
                "after": memory_mb(),
                "queries": len(queries),
                "failed": failed,
            }
        )
    )


if __name__ == "__main__":
    main()
