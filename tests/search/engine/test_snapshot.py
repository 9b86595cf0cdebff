"""The per-process caches of postings and matches keep what is asked for again."""

import numpy as np

from search.engine.snapshot import DocsetCache


def entry(n: int = 100) -> np.ndarray:
    return np.zeros(n, dtype=np.int32)  # 100 units of the budget


def test_recently_used_entries_make_room_for_new_ones():
    cache = DocsetCache(budget=1000)
    for key in range(10):
        assert cache.get(key) is None
        cache.put(key, entry())
    assert cache.size == 1000
    cache.get(0)  # now the most recently used
    cache.get(10)
    cache.get(10)  # asked for more often than any other
    cache.put(10, entry())
    assert cache.get(1) is None  # the least recently used went
    assert cache.get(0) is not None
    assert cache.get(10) is not None
    assert cache.size == 1000


def test_a_scan_over_more_than_fits_leaves_what_is_asked_for_again():
    cache = DocsetCache(budget=1000)
    popular = range(5)
    for _ in range(3):
        for key in popular:
            if cache.get(key) is None:
                cache.put(key, entry())
    # Once each, far more than fits: plain LRU would have replaced all.
    for key in range(100, 200):
        if cache.get(key) is None:
            cache.put(key, entry())
    assert all(cache.get(key) is not None for key in popular)
    assert cache.size <= 1000


def test_entries_too_large_for_a_quarter_of_the_budget_are_not_kept():
    cache = DocsetCache(budget=1000)
    cache.get("big")
    cache.put("big", entry(300))
    assert cache.get("big") is None
    assert cache.size == 0


def test_forgetting_segments_frees_their_entries():
    cache = DocsetCache(budget=1000)
    for segment in ("a", "b"):
        cache.get((segment, 1))
        cache.put((segment, 1), entry())
    cache.keep_segments({"b"})
    assert cache.get(("a", 1)) is None
    assert cache.get(("b", 1)) is not None
    assert cache.size == 100
