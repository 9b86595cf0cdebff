"""One open searcher per process, reopened only when the index changed.

Before each search the process reads the ``current`` link (has a rebuild
switched generations?) and the latest commit number of the index (has a
writer committed?). Only then does it open a new reader. Whoosh's own
``Searcher.refresh()`` is not used: it reuses segment readers by segment id
and so keeps serving documents that a later commit deleted.

Segments never change once written (deletions are kept apart), so what is
read from a segment is cached by segment id and survives commits that only
add or merge other segments: the facet values of its documents and, within
memory budgets, the postings of the terms and the matches of the queries
and phrases searched.
"""

import collections
import contextlib
import logging
import threading
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh.index import EmptyIndexError

from search.engine import store
from search.engine.api import IndexUnavailable
from search.engine.doctable import DocTable, SegmentValues
from search.engine.documents import Layout

logger = logging.getLogger(__name__)

# Cache sizes per process for all segments together, in 4-byte units: the
# postings of terms (80 MB) and, apart, what queries and phrases matched
# (8 MB). A phrase's matches cost reading its words' positions again, and
# a few common words' postings must not push them out. The postings'
# budget was 40 MB until the document table took compact arrays, which
# left room for twice that in a worker's 500 MB (see README "Sizing").
CACHED_DOCNUMS = 20_000_000
CACHED_MATCHES = 2_000_000
# The most the kept results of recent searches may take, in bytes (roughly,
# see ``_result_bytes``): at 1,000,000 articles what a search matched (its
# bitmap and facet counts) is about 170 KB, so the 512 results kept by
# number alone would have added some 90 MB to every worker.
KEPT_RESULTS_BYTES = 32 * 2**20


class DocsetCache:
    """Least-recently-used document numbers of terms and phrases, per segment."""

    def __init__(self, budget: int = CACHED_DOCNUMS):
        self.budget = budget
        self.size = 0
        self._entries: collections.OrderedDict = collections.OrderedDict()

    def get(self, key):
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key, value) -> None:
        size = _size(value)
        if size > self.budget // 4:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= _size(old)
        self._entries[key] = value
        self.size += size
        while self.size > self.budget:
            _, dropped = self._entries.popitem(last=False)
            self.size -= _size(dropped)

    def pop(self, key) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= _size(old)

    def keep_segments(self, segment_ids: set[str]) -> None:
        """Forget everything read from segments that no longer exist."""
        for key in [k for k in self._entries if k[0] not in segment_ids]:
            self.size -= _size(self._entries.pop(key))


def _size(value) -> int:
    """Return the rough size of a cached value, in 4-byte units."""
    if isinstance(value, int):
        return value.bit_length() // 32 + 1
    if isinstance(value, bytes):
        return (len(value) + 33) // 4
    if isinstance(value, tuple):
        return sum(map(_size, value))
    if isinstance(value, np.ndarray):
        return value.nbytes // 4
    if isinstance(value, array):
        return len(value) * value.itemsize // 4
    return len(value)


def _result_bytes(value) -> int:
    """Rough bytes of a kept result: a ranking (a list of score and document
    pairs) or what a search matched (its bitmap, facet counts and years)."""
    if isinstance(value, list):
        return 120 * len(value)
    counted = sum(len(counts) for counts in value.counts.values())
    return value.docs.bit_length() // 8 + 100 * (counted + len(value.histogram))


@dataclass(frozen=True)
class Leaf:
    """One segment of the open index: its searcher, first docnum and cache key."""

    searcher: object
    offset: int
    segment_id: str
    values: SegmentValues


@dataclass
class Snapshot:
    """An open searcher over one commit of one index generation."""

    path: Path
    generation: int
    ix: object
    searcher: object
    table: DocTable
    leaves: tuple[Leaf, ...]
    docsets: DocsetCache  # postings of terms
    matches: DocsetCache  # documents matched by queries and phrases
    # How many results of recent searches are kept (see ``remember``).
    cache_size: int = 512
    # Results of recent searches on this snapshot (see backend.py).
    results: collections.OrderedDict = field(default_factory=collections.OrderedDict)
    results_bytes: int = 0

    def remember(self, key, value) -> None:
        """Keep ``value`` for ``key`` among the most recent results, within
        ``cache_size`` results and ``KEPT_RESULTS_BYTES``."""
        old = self.results.pop(key, None)
        if old is not None:
            self.results_bytes -= _result_bytes(old)
        self.results[key] = value
        self.results_bytes += _result_bytes(value)
        while self.results and (
            len(self.results) > self.cache_size
            or self.results_bytes > KEPT_RESULTS_BYTES
        ):
            _, dropped = self.results.popitem(last=False)
            self.results_bytes -= _result_bytes(dropped)

    def recall(self, key):
        """Return the result kept for ``key``, or None."""
        value = self.results.get(key)
        if value is not None:
            self.results.move_to_end(key)
        return value


class _SnapshotHolder:
    def __init__(self):
        self._lock = threading.RLock()
        self._snapshot: Snapshot | None = None
        self._values: dict[str, SegmentValues] = {}
        self._docsets = DocsetCache()
        self._matches = DocsetCache(CACHED_MATCHES)
        # The last document table built, and the segments and deletions it
        # was built from: a reopened index with the same ones reuses it.
        self._table: tuple[tuple, DocTable] | None = None

    @contextlib.contextmanager
    def use(
        self, base: Path, layout: Layout, version: str, cache_size: int
    ) -> Iterator[Snapshot]:
        # Whoosh readers are not thread-safe: one search at a time per process.
        with self._lock:
            snapshot = self._fresh(base, layout, version)
            snapshot.cache_size = cache_size
            yield snapshot

    def _fresh(self, base: Path, layout: Layout, version: str) -> Snapshot:
        path = store.current_path(base, version)
        if path is None:
            self._close()
            raise IndexUnavailable(outdated=store.linked_path(base) is not None)
        current = self._snapshot
        if (
            current is not None
            and current.path == path
            and current.ix.latest_generation() == current.generation
        ):
            return current
        try:
            ix, generation, searcher = self._open(path)
        except (EmptyIndexError, OSError):
            # A rebuild may have just switched generations and removed this
            # one: look at the current link once more.
            retry = store.current_path(base, version)
            if retry is None or retry == path:
                raise IndexUnavailable from None
            path = retry
            try:
                ix, generation, searcher = self._open(path)
            except (EmptyIndexError, OSError) as error:
                raise IndexUnavailable from error
        self._close()
        leaves, parts = self._leaves(path, searcher, layout)
        self._snapshot = Snapshot(
            path=path,
            generation=generation,
            ix=ix,
            searcher=searcher,
            table=self._table_of(parts, layout),
            leaves=leaves,
            docsets=self._docsets,
            matches=self._matches,
        )
        return self._snapshot

    def _table_of(self, parts, layout: Layout) -> DocTable:
        key = (
            layout,
            tuple((id(values), offset, deleted) for values, offset, deleted in parts),
        )
        if self._table is not None and self._table[0] == key:
            return self._table[1]
        table = DocTable(parts, layout)
        self._table = (key, table)
        return table

    @staticmethod
    def _open(path: Path):
        ix = store.open_index(path)
        # Read the commit number first: a commit racing the open is then
        # noticed at the next search.
        generation = ix.latest_generation()
        return ix, generation, ix.searcher()

    def _leaves(self, path: Path, searcher, layout: Layout):
        leaves, parts, values = [], [], {}
        for subsearcher, offset in searcher.leaf_searchers():
            reader = subsearcher.reader()
            segment = reader.segment()
            if segment is None:  # an empty index
                continue
            key = f"{path}:{segment.segment_id()}"
            values[key] = self._values.get(key) or SegmentValues.load(reader, layout)
            leaves.append(Leaf(subsearcher, offset, key, values[key]))
            parts.append((values[key], offset, frozenset(segment.deleted_docs())))
        self._values = values
        self._docsets.keep_segments(set(values))
        self._matches.keep_segments(set(values))
        return tuple(leaves), parts

    def _close(self) -> None:
        if self._snapshot is not None:
            with contextlib.suppress(Exception):
                self._snapshot.searcher.close()
            self._snapshot = None

    def close(self) -> None:
        with self._lock:
            self._close()
            self._values = {}
            self._docsets = DocsetCache()
            self._matches = DocsetCache(CACHED_MATCHES)
            self._table = None

    def release_files(self) -> None:
        with self._lock:
            self._close()


_holder = _SnapshotHolder()


def use_snapshot(base: Path, layout: Layout, version: str, *, cache_size: int = 512):
    """Context manager yielding this process's up-to-date ``Snapshot`` of ``base``.

    ``version`` is what the index in use must have been built as; raises
    IndexUnavailable when there is no such index to search.
    """
    return _holder.use(base, layout, version, cache_size)


def release_files() -> None:
    """Close this process's searcher (its open files) but keep what was read.

    A serving process warms the index before forking its workers and lets
    go of the files (forked processes must not share file positions); each
    worker opens the index again and reuses the decoded segments, document
    table and postings read, in memory pages shared with the others.
    """
    _holder.release_files()


def close_snapshot() -> None:
    """Close this process's searcher and drop its caches (tests, after a rebuild)."""
    _holder.close()
