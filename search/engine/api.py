"""The backend interface: what the Django side asks of a search engine.

The Django side (``search.service``, ``search.indexing``, ``search.drift``)
calls only what ``SearchBackend`` declares and trades only the values below;
``WhooshBackend`` (Whoosh plus this package's NumPy engine) implements it.
A second backend implements the same methods with the same meaning.
"""

from collections import Counter
from collections.abc import Callable, Collection, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from search.engine.documents import Document
from search.engine.facets import NO_SELECTION, Selection
from search.engine.variants import EMPTY, VariantTable

SORTS = ("relevance", "newest", "oldest")


class IndexUnavailable(Exception):
    """There is no index to search (never built, unreadable, or outdated)."""

    def __init__(self, *, outdated: bool = False):
        super().__init__()
        # An index exists but was built for another schema version.
        self.outdated = outdated


class WriterBusy(Exception):
    """Another process holds the index's write lock."""


@dataclass(frozen=True)
class SearchRequest:
    """One search in the engine's terms: index values, day ordinals, a slice."""

    q: str = ""
    variants: VariantTable = EMPTY
    selection: Selection = NO_SELECTION
    day_from: int | None = None  # date.toordinal(), inclusive
    day_to: int | None = None
    sort: str = "relevance"
    offset: int = 0
    limit: int | None = 20  # None: every match, in order
    budget: float = 1.0  # seconds
    suggest: bool = True  # "did you mean" when nothing matched
    # Documents the index still holds but the site no longer shows (changes
    # it has not applied yet): left out of results and counts.
    hidden: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Matches:
    """What a search found: ids in rank order, counts, and what to tell the reader."""

    # False when the query had nothing searchable: nothing else is filled in.
    searched: bool = True
    ranked: tuple[tuple[int, float], ...] = ()  # (document id, score)
    # The facet values the index holds for each ranked document, in the
    # layout's order (a result row shows its source, tags and authors).
    ranked_values: tuple[tuple, ...] = ()
    total: int = 0
    counts: dict[str, Counter] = field(default_factory=dict)  # facet -> value -> n
    histogram: tuple[tuple[int, int], ...] = ()  # (year, matches)
    suggestion: str | None = None
    also_matched: tuple[str, ...] = ()
    # About the query as typed (parsing), then about it against the index.
    query_notices: tuple[str, ...] = ()
    index_notices: tuple[str, ...] = ()
    partial: bool = False  # the budget ran out: results and counts incomplete
    # The budget ran out before every document was looked at: ``total``,
    # ``counts`` and ``histogram`` are extrapolated from those that were.
    estimated: bool = False
    highlight_terms: frozenset[str] = frozenset()
    # (words, slop) of phrases: marked only where the words occur together.
    highlight_phrases: frozenset[tuple[tuple[str, ...], int]] = frozenset()
    # Names the state of the index searched: it changes with every commit
    # and rebuild (what is cached about the index's values is keyed by it).
    index_version: str = ""


# How ``count_periods`` groups documents by date.
INTERVALS = ("year", "month")


@dataclass(frozen=True)
class PeriodCounts:
    """How many documents a search matches per year or month."""

    # False when the query had nothing searchable: no counts.
    searched: bool = True
    # ("2012" or "2012-05", matches), oldest first; periods without any left out.
    counts: tuple[tuple[str, int], ...] = ()
    partial: bool = False  # the budget ran out: counts of what was found by then


@dataclass(frozen=True)
class Contents:
    """What an index holds, for comparing it with the database."""

    stamps: dict[int, list[int]]  # document id -> fingerprint of each copy
    segments: int

    @property
    def documents(self) -> int:
        return sum(len(v) for v in self.stamps.values())


class Writer(Protocol):
    """An open batch of changes; committed when its ``with`` block ends."""

    def index(self, documents: Iterable[Document]) -> int:
        """Add or replace ``documents``; return how many."""

    def add(self, documents: Iterable[Document]) -> int:
        """Add ``documents`` known to be absent (a fresh build); return how many."""

    def delete(self, ids: Iterable[int]) -> int:
        """Remove the documents with ``ids`` (absent ones are fine); return how many."""

    def adopt(self, stage: "Stage", *, leave_out: Collection[int] = ()) -> int:
        """Add what ``stage`` wrote, less the documents of ``leave_out``; return how many.

        The index must hold none of the other documents already.
        """


class Stage(Protocol):
    """Documents being indexed beside the index, for a ``Writer`` to adopt in one commit."""

    def add(self, documents: list[Document]) -> None:
        """Hand ``documents`` over to be indexed (each id once per stage)."""

    def close(self) -> None:
        """Stop indexing and delete what was not adopted (also on leaving a ``with``)."""


class SearchBackend(Protocol):
    """What the archive needs of a search engine. Locations are index folders."""

    def search(self, request: SearchRequest) -> Matches:
        """Return the matches of ``request``; raises IndexUnavailable."""

    def more_like_this(self, text: str, *, exclude: int, limit: int) -> list[int]:
        """Return ids of up to ``limit`` documents most like ``text``; raises IndexUnavailable."""

    def count_periods(self, request: SearchRequest, interval: str) -> PeriodCounts:
        """Count the documents ``request`` matches per period of ``INTERVALS``.

        Words, day range, facet filters and ``hidden`` narrow as in
        ``search``; no words: every document they let through. Raises
        IndexUnavailable.
        """

    def index(self, documents: Iterable[Document]) -> int:
        """Add or replace ``documents`` in the current index, committed."""

    def delete(self, ids: Iterable[int]) -> int:
        """Remove ``ids`` from the current index, committed."""

    def check(self, location: Path | None = None) -> Contents:
        """Return what the index at ``location`` (default: current) holds."""

    def writer(
        self, location: Path, *, timeout: float, merge_limit: int | None = None
    ) -> AbstractContextManager[Writer]:
        """Open a batch on ``location``; raises WriterBusy after ``timeout`` s."""

    def stage(self, *, procs: int, segment_documents: int) -> Stage:
        """Index documents beside the index in ``procs`` processes while they come."""

    def build(
        self,
        location: Path,
        batches: Iterable[list[Document]],
        *,
        procs: int,
        segment_documents: int,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Index ``batches`` into the new, empty index at ``location``, committed."""

    def current(self) -> Path | None:
        """Return the index in use, or None (none built, or an older version)."""

    def linked(self) -> Path | None:
        """Return the index in use whatever its version, or None."""

    def new_generation(self) -> Path:
        """Create an empty index beside the current one (not yet in use)."""

    def make_current(self, location: Path) -> None:
        """Switch searches to ``location`` atomically."""

    def discard(self, location: Path) -> None:
        """Delete one index (a failed build)."""

    def discard_others(self, keep: Path) -> list[Path]:
        """Delete every index but ``keep``."""

    def sync_lock(
        self, location: Path, *, timeout: float
    ) -> AbstractContextManager[bool]:
        """Hold the lock for applying changes to ``location`` (yields False if busy)."""

    def build_lock(self, *, timeout: float) -> AbstractContextManager[bool]:
        """Hold the lock for building a new index (yields False if busy)."""

    def read_state(self, location: Path, name: str) -> dict | None:
        """Return the JSON object kept beside the index under ``name``, or None."""

    def write_state(self, location: Path, name: str, data: dict) -> None:
        """Keep ``data`` beside the index under ``name`` (atomically)."""

    def warm(self, common_terms: int = 0, texts: Iterable[str] = ()) -> None:
        """Open the index and load what every search reads, before any search does.

        The document table and facet columns are built, the postings of the
        ``common_terms`` most frequent words are read once, and the words of
        ``texts`` are analysed once (snippets look up each word's term).
        """

    def close(self, *, keep_cache: bool = False) -> None:
        """Close this process's open searcher; drop its caches unless ``keep_cache``.

        What is kept (decoded segments, document table, postings read) is
        plain memory, which processes forked afterwards share.
        """
