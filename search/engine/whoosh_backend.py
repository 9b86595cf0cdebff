"""The search backend: Whoosh's storage and parser with this package's NumPy engine.

A search parses the query (with spelling variants), finds every matching
document as a bitmap of document numbers, applies the date range and facet
filters, counts the facets, then ranks only as many documents as asked for.
Every step runs within the request's budget; past it, the matches hold what
was found and say so. What a query and its filters match, and their
rankings, are kept per snapshot, so paging and facet clicks reuse them.
"""

import contextlib
import operator
import os
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import reduce
from pathlib import Path

import numpy as np
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.writing import NO_MERGE

from search.engine import building, schema, store
from search.engine.analyzers import build_analyzer
from search.engine.api import (
    INTERVALS,
    Contents,
    IndexUnavailable,
    Matches,
    PeriodCounts,
    SearchRequest,
    WriterBusy,
)
from search.engine.doctable import SegmentValues
from search.engine.documents import Document, Layout, to_fields
from search.engine.facets import count_facets, count_values, facet_filter
from search.engine.matching import Deadline, matching_docs
from search.engine.postings import K1, B
from search.engine.query import (
    CompiledQuery,
    QueryLimits,
    compile_query,
    parse_query,
)
from search.engine.ranking import best, rank
from search.engine.related import related_ids
from search.engine.snapshot import close_snapshot, release_files, use_snapshot
from search.engine.spelling import TextOf, load_words, suggest_query


@dataclass(frozen=True)
class _Evaluation:
    """What a query and its filters match on one snapshot (cached per snapshot)."""

    docs: int  # bitmap of the documents passing every filter
    total: int
    counts: dict[str, Counter]
    histogram: tuple[tuple[int, int], ...]
    partial: bool
    # The budget ran out before every segment was searched: total, counts
    # and histogram are extrapolated from the segments that were.
    estimated: bool = False


# The longest ranking kept for reuse (every page a search can show at 100
# results a page). An export's whole ranking of a common word is a million
# Python pairs at a million articles, over 100 MB a process: it is
# computed again rather than kept.
KEPT_RANKING = 10_000

# Documents handed to the segment builder at a time, and the most one of the
# segments a batch writes holds (a batch is smaller: one segment a process).
_HANDED_OVER = 500
_SEGMENT_DOCUMENTS = 50_000
# A stage's first segments are small and grow (see building._Segments): the
# import that feeds it waits at its end only for the last one.
_FIRST_STAGED_SEGMENT = 2_000


def about(n: float) -> int:
    """Round an estimated count to two significant digits (306,412 -> 310,000)."""
    n = round(n)
    digits = len(str(n))
    return round(n, 2 - digits) if digits > 2 else n


class _Writer:
    """A batch of changes; what ``index`` adds is written as new segments.

    Whoosh's own writer would pass every posting through its sorting pool
    (some 15 ms of CPU per article); ``index`` deletes the old copies from
    the index's segments and hands the new ones to the segment builder
    (``building.py``), in ``procs`` processes for a large batch. The new
    segments join the index in the batch's one commit, so a reader sees the
    old copies or the new ones, never both or neither.
    """

    def __init__(self, ix, writer, layout: Layout, procs: int, segment_documents: int):
        self._ix = ix
        self._writer = writer
        self._layout = layout
        self._procs = procs
        self._segment_documents = segment_documents
        self.segments: list = []

    def index(self, documents: Iterable[Document]) -> int:
        """Add or replace ``documents`` (each id once a batch); return how many."""
        added = 0

        def batches():
            nonlocal added
            batch = []
            for document in documents:
                self._writer.delete_by_term(schema.ID, str(document.id))
                batch.append(document)
                if len(batch) == _HANDED_OVER:
                    added += len(batch)
                    yield batch
                    batch = []
            if batch:
                added += len(batch)
                yield batch

        self.segments += building.build_segments(
            self._ix,
            batches(),
            self._layout,
            procs=self._procs,
            segment_documents=self._segment_documents,
        )
        return added

    def add(self, documents: Iterable[Document]) -> int:
        """Add through Whoosh's own writer (the reference the builder is held to)."""
        n = 0
        for document in documents:
            self._writer.add_document(**to_fields(document, self._layout))
            n += 1
        return n

    def delete(self, ids: Iterable[int]) -> int:
        n = 0
        for pk in ids:
            self._writer.delete_by_term(schema.ID, str(pk))
            n += 1
        return n

    def adopt(self, stage: "Stage", *, leave_out: Collection[int] = ()) -> int:
        """Add the segments written in ``stage``, less the documents of ``leave_out``.

        The caller makes sure the index holds none of the other documents
        (they are new). Returns how many documents were added.
        """
        folder = Path(self._ix.storage.folder)
        left_out = np.fromiter(leave_out, dtype=np.int64)
        added = 0
        for built in sorted(stage.finish(), key=lambda built: built.first_pk):
            segment = built.segment
            for name in segment.list_files(stage.storage):
                os.replace(stage.path / name, folder / name)
            ids = np.frombuffer(built.ids, dtype=np.int64)
            for docnum in np.flatnonzero(np.isin(ids, left_out)).tolist():
                segment.delete_document(docnum)
            added += len(ids) - segment.deleted_count()
            self.segments.append(segment)
        return added


class Stage:
    """Segments written beside the index by worker processes, for a writer to adopt.

    ``add`` hands documents over and returns at once (it waits only while
    every worker is busy); the segments go to a folder of their own, so a
    commit of the index meanwhile neither sees nor removes them.
    """

    def __init__(self, base: Path, layout: Layout, procs: int, segment_documents: int):
        self.path = store.create_staging(base)
        self.storage = FileStorage(str(self.path))
        try:
            with store.children_die_with_this_process():
                self._builders = building.Builders(
                    store.open_index(self.path),
                    layout,
                    procs,
                    segment_documents,
                    first_segment=_FIRST_STAGED_SEGMENT,
                )
        except BaseException:
            store.remove_generation(self.path)
            raise
        self._built: list | None = None

    def add(self, documents: list[Document]) -> None:
        if documents:
            self._builders.put(documents)

    def finish(self) -> list:
        """Wait for the workers to write their last segments; return them all."""
        if self._built is None:
            self._built = self._builders.finish()
        return self._built

    def close(self) -> None:
        """Stop the workers and delete what was not adopted."""
        self._builders.__exit__(None, None, None)
        store.remove_generation(self.path)

    def __enter__(self) -> "Stage":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _evaluation_key(request: SearchRequest, compiled: CompiledQuery | None) -> tuple:
    """What an ``_Evaluation`` is kept under on its snapshot."""
    return (
        compiled.match if compiled else None,
        (request.selection, request.day_from, request.day_to, request.hidden),
    )


def _most_frequent(reader, count: int) -> list[str]:
    """The ``count`` terms of the searchable text found in the most documents."""
    if count <= 0:
        return []
    found = reader.most_frequent_terms(schema.CONTENT, count)
    return [term.decode() if isinstance(term, bytes) else term for _, term in found]


class WhooshBackend:
    """``SearchBackend`` over index generations in the folder ``base``.

    ``layout`` names the facets each document carries; an index built with
    another layout (or schema) is not read, and the next sync rebuilds it.
    """

    def __init__(
        self,
        base: Path,
        layout: Layout,
        *,
        limits: QueryLimits,
        cache_size: int = 512,
        text_of: TextOf | None = None,
    ):
        self.base = Path(base)
        self.layout = layout
        # What an index must have been built as for this code to read it.
        self.version = f"{schema.SCHEMA_VERSION}.{layout.fingerprint}"
        self.limits = limits
        self.cache_size = cache_size
        # Reads a document's text for "did you mean" (None: no suggestions).
        self.text_of = text_of

    # Reading

    def search(self, request: SearchRequest) -> Matches:
        parsed = None
        if request.q.strip():
            parsed = parse_query(
                request.q, variants=request.variants, limits=self.limits
            )
            if parsed.is_empty:
                return Matches(searched=False, query_notices=parsed.notices)
        deadline = Deadline(request.budget)
        suggestion = None
        with self._snapshot() as snapshot:
            compiled = (
                compile_query(parsed, snapshot.searcher.reader(), self.limits)
                if parsed
                else None
            )
            evaluation = self._evaluate(snapshot, request, compiled, deadline)
            stop = None if request.limit is None else request.offset + request.limit
            ranked = self._rank(snapshot, request, compiled, evaluation, stop, deadline)
            ranked = ranked[request.offset :]
            table = snapshot.table
            docnums = [docnum for _, docnum in ranked]
            pks = table.pk[docnums].tolist()
            # A page's worth; a whole result set (exports) is ids only.
            values = (
                tuple(table.values_of(docnums)) if request.limit is not None else ()
            )
            version = f"{snapshot.path}:{snapshot.generation}"
            if (
                request.suggest
                and self.text_of is not None
                and not evaluation.total
                and parsed
                and parsed.typed_terms
                and not deadline.hit
            ):
                suggestion = suggest_query(
                    snapshot.searcher,
                    snapshot.leaves,
                    parsed.text,
                    parsed.typed_terms,
                    self.text_of,
                )
                if suggestion and not self._finds_any(
                    snapshot, request, suggestion, deadline
                ):
                    suggestion = None  # only offer what finds more than nothing
        return Matches(
            ranked=tuple(zip(pks, (score for score, _ in ranked), strict=True)),
            ranked_values=values,
            total=evaluation.total,
            counts=evaluation.counts,
            histogram=evaluation.histogram,
            suggestion=suggestion,
            also_matched=parsed.also_matched if parsed else (),
            query_notices=parsed.notices if parsed else (),
            index_notices=compiled.notices if compiled else (),
            partial=evaluation.partial or deadline.hit,
            estimated=evaluation.estimated,
            highlight_terms=compiled.highlight_terms if compiled else frozenset(),
            highlight_phrases=compiled.highlight_phrases if compiled else frozenset(),
            index_version=version,
        )

    def _finds_any(
        self, snapshot, request: SearchRequest, text: str, deadline: Deadline
    ) -> bool:
        """True when ``text``, searched with the request's filters, matches something."""
        parsed = parse_query(text, variants=request.variants, limits=self.limits)
        if parsed.is_empty:
            return False
        compiled = compile_query(parsed, snapshot.searcher.reader(), self.limits)
        return bool(self._evaluate(snapshot, request, compiled, deadline).total)

    def count_periods(self, request: SearchRequest, interval: str) -> PeriodCounts:
        if interval not in INTERVALS:
            raise ValueError(f"interval must be one of {INTERVALS}, not {interval!r}")
        parsed = None
        if request.q.strip():
            parsed = parse_query(
                request.q, variants=request.variants, limits=self.limits
            )
            if parsed.is_empty:
                return PeriodCounts(searched=False)
        deadline = Deadline(request.budget)
        with self._snapshot() as snapshot:
            compiled = (
                compile_query(parsed, snapshot.searcher.reader(), self.limits)
                if parsed
                else None
            )
            # What a search of the same words and filters found serves; the
            # facet counts it also made are not needed here.
            cached = snapshot.recall(_evaluation_key(request, compiled))
            if cached is not None:
                final = cached.docs
            else:
                docs, _ = self._narrowed(snapshot, request, compiled, deadline)
                table = snapshot.table
                final = reduce(
                    operator.and_,
                    (
                        facet_filter(table, docs, name, request.selection)
                        for name in request.selection.active
                    ),
                    docs,
                )
            counts = snapshot.table.count_periods(final, interval)
        return PeriodCounts(counts=tuple(counts), partial=deadline.hit)

    @staticmethod
    def _narrowed(
        snapshot, request: SearchRequest, compiled, deadline: Deadline
    ) -> tuple[int, int]:
        """Return the live documents matching the words, day range and ``hidden``
        (before facet filters), and the documents searched (see ``Found``)."""
        table = snapshot.table
        covered = table.live
        if compiled is None:
            docs = table.live
        else:
            docs, covered = matching_docs(snapshot, compiled.match, deadline)
        if request.day_from is not None or request.day_to is not None:
            docs &= table.date_bitmap(request.day_from, request.day_to)
        if request.hidden:
            docs &= ~table.docs_of(request.hidden)
        return docs, covered

    def _evaluate(
        self, snapshot, request: SearchRequest, compiled, deadline: Deadline
    ) -> _Evaluation:
        key = _evaluation_key(request, compiled)
        cached = snapshot.recall(key)
        if cached is not None:
            return cached
        table = snapshot.table
        docs, covered = self._narrowed(snapshot, request, compiled, deadline)
        final, counts = count_facets(table, docs, request.selection)
        timeline = self.layout.histogram
        if timeline is None:
            years = Counter()
        elif request.selection.active:
            years = count_values(table, final, timeline)
        else:
            years = counts[timeline]
        total = final.bit_count()
        estimated = covered != table.live
        if estimated:
            scale = table.live_count / max(covered.bit_count(), 1)
            total = about(total * scale)
            counts = {
                name: Counter({v: about(n * scale) for v, n in values.items()})
                for name, values in counts.items()
            }
            years = Counter({year: about(n * scale) for year, n in years.items()})
        evaluation = _Evaluation(
            docs=final,
            total=total,
            counts=counts,
            histogram=tuple(sorted(years.items())),
            partial=deadline.hit,
            estimated=estimated,
        )
        if not evaluation.partial:
            snapshot.remember(key, evaluation)
        return evaluation

    @staticmethod
    def _rank(
        snapshot,
        request: SearchRequest,
        compiled: CompiledQuery | None,
        evaluation: _Evaluation,
        limit: int | None,
        deadline: Deadline,
    ) -> list[tuple[float, int]]:
        """Return (score, docnum) for the best ``limit`` documents (None: all)."""
        sort = request.sort
        if compiled is None or not compiled.ranking_terms:
            sort = "oldest" if sort == "oldest" else "newest"
        key = (*_evaluation_key(request, compiled), sort)
        cached = snapshot.recall(key)
        # A kept ranking serves when it holds as many as asked, or all of
        # them; a page's worth never stands in for the whole (limit None).
        if cached is not None and (
            len(cached) == evaluation.total
            or (limit is not None and len(cached) >= limit)
        ):
            return cached[:limit]
        if sort == "relevance":
            ranked = rank(
                snapshot, list(compiled.ranking_terms), evaluation.docs, limit, deadline
            )
        else:
            docnums = snapshot.table.docnums(evaluation.docs)
            age = snapshot.table.newest_rank[docnums]  # 0 for the newest
            ordered = best(age if sort == "oldest" else -age, docnums, limit)
            ranked = [(0.0, docnum) for _, docnum in ordered]
        if not (evaluation.partial or deadline.hit) and len(ranked) <= KEPT_RANKING:
            snapshot.remember(key, ranked)
        return ranked

    def more_like_this(self, text: str, *, exclude: int, limit: int) -> list[int]:
        with self._snapshot() as snapshot:
            return related_ids(snapshot, text, exclude=exclude, limit=limit)

    def warm(self, common_terms: int = 0, texts: Iterable[str] = ()) -> None:
        analyzer = build_analyzer()
        for text in texts:
            analyzer.learn(text)
        with self._snapshot() as snapshot:
            table = snapshot.table
            for name in self.layout.names:
                column = table.facet(name)
                if column.lengths is not None and column.rows is None:
                    column.firsts  # noqa: B018 - kept by the column
            table.joint_codes  # noqa: B018 - kept by the table
            for leaf in snapshot.leaves:
                leaf.values.length_norm(K1, B)
            table.newest_rank  # noqa: B018 - computed once, kept by the table
            table.months  # noqa: B018 - likewise (trends count by it)
            if self.text_of is not None:
                load_words(snapshot.leaves)
            terms = _most_frequent(snapshot.searcher.reader(), common_terms)
        for term in terms:
            self.search(SearchRequest(q=term, limit=20, budget=30.0, suggest=False))

    def close(self, *, keep_cache: bool = False) -> None:
        if keep_cache:
            release_files()
        else:
            close_snapshot()

    def _snapshot(self):
        return use_snapshot(
            self.base, self.layout, self.version, cache_size=self.cache_size
        )

    # Writing

    @contextlib.contextmanager
    def writer(
        self,
        location: Path,
        *,
        timeout: float,
        merge_limit: int | None = None,
        procs: int = 1,
    ) -> Iterator[_Writer]:
        """Open a batch on ``location``; committed at the end of the block.

        ``merge_limit`` bounds the documents of small segments the commit
        may merge (None: no merging). ``procs`` processes write the
        segments of what the batch indexes.
        """
        try:
            ix = store.open_index(location)
            writer = store.open_writer(ix, timeout=timeout)
        except LockError:
            raise WriterBusy from None
        batch = _Writer(ix, writer, self.layout, procs, _SEGMENT_DOCUMENTS)
        try:
            # The builder's worker processes die with this one.
            with store.children_die_with_this_process():
                yield batch
        except BaseException:
            writer.cancel()
            raise
        policy = NO_MERGE if merge_limit is None else store.merge_policy(merge_limit)
        building.commit_segments(writer, batch.segments, merge=policy)

    def stage(self, *, procs: int, segment_documents: int) -> Stage:
        """Write segments beside the index while documents come (``Writer.adopt`` takes them)."""
        return Stage(self.base, self.layout, max(procs, 1), segment_documents)

    def build(
        self,
        location: Path,
        batches: Iterable[list[Document]],
        *,
        procs: int,
        segment_documents: int,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Index ``batches`` into the new, empty index at ``location`` in one commit.

        ``procs`` processes each write their own segments of at most
        ``segment_documents`` documents; nothing is merged. ``progress(n)``
        is called as each batch of ``n`` documents is taken.
        """
        # The worker processes die with this one, never waiting for batches
        # from a parent that was killed.
        with store.children_die_with_this_process():
            ix = store.open_index(location)
            try:
                writer = store.open_writer(ix, timeout=0)
            except LockError:
                raise WriterBusy from None
            try:
                segments = building.build_segments(
                    ix,
                    batches,
                    self.layout,
                    procs=procs,
                    segment_documents=segment_documents,
                    progress=progress,
                )
            except BaseException:
                writer.cancel()
                raise
            building.commit_segments(writer, segments)

    def index(self, documents: Iterable[Document]) -> int:
        with self.writer(self._current_or_raise(), timeout=0.5, merge_limit=300) as w:
            return w.index(documents)

    def delete(self, ids: Iterable[int]) -> int:
        with self.writer(self._current_or_raise(), timeout=0.5, merge_limit=300) as w:
            return w.delete(ids)

    def check(self, location: Path | None = None) -> Contents:
        location = location or self._current_or_raise()
        stamps: dict[int, list[int]] = {}
        with store.open_index(location).searcher() as searcher:
            leaves = searcher.leaf_searchers()
            for subsearcher, _ in leaves:
                reader = subsearcher.reader()
                if reader.segment() is None:
                    continue
                values = SegmentValues.load(reader, self.layout, stamps=True)
                deleted = set(reader.segment().deleted_docs())
                for docnum, (pk, stamp) in enumerate(
                    zip(values.pk.tolist(), values.stamp.tolist(), strict=True)
                ):
                    if docnum not in deleted:
                        stamps.setdefault(pk, []).append(stamp)
        return Contents(stamps=stamps, segments=len(leaves))

    def document_count(self, location: Path) -> int:
        """Return how many documents the index at ``location`` holds."""
        return store.open_index(location).doc_count()

    def _current_or_raise(self) -> Path:
        location = self.current()
        if location is None:
            raise IndexUnavailable(outdated=self.linked() is not None)
        return location

    # Generations and locks

    def current(self) -> Path | None:
        return store.current_path(self.base, self.version)

    def linked(self) -> Path | None:
        return store.linked_path(self.base)

    def stored_version(self, location: Path) -> str | None:
        """Return the version the index at ``location`` was built as."""
        return store.stored_version(location)

    def new_generation(self) -> Path:
        return store.create_generation(self.base, self.version)

    def make_current(self, location: Path) -> None:
        store.make_current(location)

    def discard(self, location: Path) -> None:
        store.remove_generation(location)

    def discard_others(self, keep: Path) -> list[Path]:
        return store.remove_other_generations(keep)

    def sync_lock(self, location: Path, *, timeout: float):
        return store.sync_lock(location, timeout=timeout)

    def build_lock(self, *, timeout: float):
        return store.build_lock(self.base, timeout=timeout)

    def build_lock_holder(self) -> int | None:
        """Return the process id of the last (or current) builder, when known."""
        return store.lock_holder(store.build_lock_path(self.base))

    def read_state(self, location: Path, name: str) -> dict | None:
        try:
            data = store.read_json(location / name)
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def write_state(self, location: Path, name: str, data: dict) -> None:
        store.write_json(location / name, data)
