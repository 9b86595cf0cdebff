"""The spelling-variant table as search uses it, cached per process.

A spelling is compared by its index terms, so Kim Jong-un, Kim Jŏng-ŭn and
KIM JONG UN are one form and 김정은 another. The cache is dropped at once in
the process that edits the table (signal) and re-checked by every other
process at most every ``SEARCH_VARIANTS_TTL`` seconds.
"""

import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max

from search import conf
from search.analyzers import build_analyzer

_ANALYZER = build_analyzer()


def searchable_form(spelling: str) -> tuple[str, ...]:
    """Return the index terms a spelling is searched as (empty if none)."""
    return tuple(token.text for token in _ANALYZER(spelling, mode="query"))


@dataclass(frozen=True)
class Variant:
    spelling: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class VariantTable:
    # terms of a spelling -> every variant of the groups it belongs to
    alternatives: dict[tuple[str, ...], tuple[Variant, ...]]
    longest: int  # the most terms any spelling has

    def lookup(self, terms: tuple[str, ...]) -> tuple[Variant, ...]:
        """Return the variants to search besides ``terms`` (one per distinct form)."""
        found = self.alternatives.get(terms, ())
        return tuple(v for v in found if v.terms != terms)


EMPTY = VariantTable(alternatives={}, longest=0)


def build_table(groups: list[list[str]]) -> VariantTable:
    """Return the lookup table for groups of spellings."""
    members: dict[tuple[str, ...], dict[tuple[str, ...], Variant]] = defaultdict(dict)
    longest = 0
    for spellings in groups:
        variants = {}
        for spelling in spellings:
            terms = searchable_form(spelling)
            if terms and terms not in variants:
                variants[terms] = Variant(spelling, terms)
        if len(variants) < 2:
            continue
        longest = max(longest, *(len(t) for t in variants))
        for terms in variants:
            for other_terms, variant in variants.items():
                members[terms].setdefault(other_terms, variant)
    return VariantTable(
        alternatives={k: tuple(v.values()) for k, v in members.items()},
        longest=longest,
    )


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
    from search.models import VariantGroup

    stats = VariantGroup.objects.aggregate(n=Count("pk"), last=Max("updated"))
    return stats["n"], stats["last"]


def _load() -> VariantTable:
    from search.models import VariantGroup

    groups = [g.spellings() for g in VariantGroup.objects.filter(enabled=True)]
    return build_table(groups)


_cache = _Cache()


def current_table() -> VariantTable:
    """Return the enabled variant groups as a lookup table."""
    return _cache.table()


def forget() -> None:
    """Drop this process's copy of the table (it changed)."""
    _cache.forget()
