"""One open searcher per process, reopened only when the index changed.

Before each search the process reads the ``current`` link (has a rebuild
switched generations?) and the latest commit number of the index (has a
writer committed?). Only then does it open a new reader. Whoosh's own
``Searcher.refresh()`` is not used: it reuses segment readers by segment id
and so keeps serving documents that a later commit deleted.
"""

import collections
import contextlib
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.index import EmptyIndexError

from search import conf, index
from search.doctable import DocTable, SegmentValues

logger = logging.getLogger(__name__)


class IndexUnavailable(Exception):
    """There is no index to search (never built, or unreadable)."""


@dataclass
class Snapshot:
    """An open searcher over one commit of one index generation."""

    path: Path
    generation: int
    ix: object
    searcher: object
    table: DocTable
    # Results of recent searches on this snapshot (see service.py).
    results: collections.OrderedDict = field(default_factory=collections.OrderedDict)

    @property
    def key(self) -> tuple[str, int]:
        return (str(self.path), self.generation)

    def remember(self, key, value) -> None:
        """Keep ``value`` for ``key`` among the most recent results."""
        self.results[key] = value
        self.results.move_to_end(key)
        while len(self.results) > conf.get("SEARCH_CACHE_SIZE"):
            self.results.popitem(last=False)

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
        self._segments: dict[tuple[str, str], SegmentValues] = {}

    @contextlib.contextmanager
    def use(self) -> Iterator[Snapshot]:
        # Whoosh readers are not thread-safe: one search at a time per process.
        with self._lock:
            yield self._fresh()

    def _fresh(self) -> Snapshot:
        path = index.current_path()
        if path is None:
            self._close()
            raise IndexUnavailable
        current = self._snapshot
        if (
            current is not None
            and current.path == path
            and current.ix.latest_generation() == current.generation
        ):
            return current
        try:
            ix = index.open_index(path)
            # Read the commit number first: a commit racing the open is
            # then noticed at the next search.
            generation = ix.latest_generation()
            searcher = ix.searcher()
        except (EmptyIndexError, OSError) as error:
            raise IndexUnavailable from error
        self._close()
        self._snapshot = Snapshot(
            path=path,
            generation=generation,
            ix=ix,
            searcher=searcher,
            table=self._table(path, searcher),
        )
        return self._snapshot

    def _table(self, path: Path, searcher) -> DocTable:
        parts, keep = [], {}
        for subsearcher, offset in searcher.leaf_searchers():
            reader = subsearcher.reader()
            segment = reader.segment()
            if segment is None:  # an empty index
                continue
            key = (str(path), segment.segment_id())
            values = self._segments.get(key) or SegmentValues.load(reader)
            keep[key] = values
            parts.append((values, offset, frozenset(segment.deleted_docs())))
        self._segments = keep
        return DocTable(parts)

    def _close(self) -> None:
        if self._snapshot is not None:
            with contextlib.suppress(Exception):
                self._snapshot.searcher.close()
            self._snapshot = None

    def close(self) -> None:
        with self._lock:
            self._close()
            self._segments = {}


_holder = _SnapshotHolder()


def use_snapshot():
    """Context manager yielding this process's up-to-date ``Snapshot``.

    Raises IndexUnavailable when there is no index to search.
    """
    return _holder.use()


def close_snapshot() -> None:
    """Close this process's searcher (tests, after a rebuild in-process)."""
    _holder.close()
