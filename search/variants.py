"""The spelling-variant table as search uses it, cached per process.

The groups live in the database (``VariantGroup``); the engine gets them as a
``VariantTable``. The cache is dropped at once in the process that edits the
table (signal) and re-checked by every other process at most every
``SEARCH_VARIANTS_TTL`` seconds.
"""

import threading
import time

from django.db.models import Count, Max

from search import conf
from search.engine.variants import VariantTable, build_table
from search.models import VariantGroup


class _Cache:
    def __init__(self):
        self._lock = threading.Lock()
        self._table: VariantTable | None = None
        self._fingerprint = None
        self._checked = 0.0

    def table(self) -> VariantTable:
        with self._lock:
            now = time.monotonic()
            if self._table is not None and now - self._checked < conf.get(
                "SEARCH_VARIANTS_TTL"
            ):
                return self._table
            self._checked = now
            fingerprint = _fingerprint()
            if self._table is None or fingerprint != self._fingerprint:
                self._table = _load()
                self._fingerprint = fingerprint
            return self._table

    def forget(self) -> None:
        with self._lock:
            self._table = None


def _fingerprint():
    stats = VariantGroup.objects.aggregate(n=Count("pk"), last=Max("updated"))
    return stats["n"], stats["last"]


def _load() -> VariantTable:
    groups = [g.spellings() for g in VariantGroup.objects.filter(enabled=True)]
    return build_table(groups)


_cache = _Cache()


def current_table() -> VariantTable:
    """Return the enabled variant groups as a lookup table."""
    return _cache.table()


def forget() -> None:
    """Drop this process's copy of the table (it changed)."""
    _cache.forget()
