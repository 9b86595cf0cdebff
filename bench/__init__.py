"""The search benchmark: a synthetic corpus, analyst queries and an FTS5 yardstick.

Run it with ``make bench`` (``BENCH_COUNT=100000`` for the full size).
"""
