"""Writing the index: applying the log, indexing articles, rebuilding.

The database is the truth; the index follows the ``IndexLog``. Applying the
log re-reads each logged article and re-indexes it if it is published or
removes it otherwise, so applying a row twice is harmless. Only one process
applies at a time (a lock file per index, then Whoosh's own write lock, each
waited for at most ``SEARCH_WRITE_LOCK_TIMEOUT``); a process that cannot get
the lock leaves its rows to the holder, which re-reads the log before it
lets go, or to the next ``sync_search_index``.
"""

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from archive.models import Article
from archive.rows import insert_rows, prepared
from search import conf, servers
from search.backend import get_backend
from search.documents import article_to_document, documents_in_chunks
from search.engine.api import Writer, WriterBusy
from search.logstate import LogState, current_log_state, read_state, write_state
from search.models import IndexLog

logger = logging.getLogger(__name__)

ON_COMMIT_BATCH = 200
SYNC_BATCH = 2000
# A batch of at least this many rows (a sync after an import) is indexed by
# SEARCH_REBUILD_PROCS processes; a smaller one is not worth starting them.
# (The on-commit batches never are: an admin's save does not fork.)
PARALLEL_ROWS = 1000


class RebuildInProgress(Exception):
    """Another process is building an index generation right now."""

    def __init__(self, holder: int | None = None):
        super().__init__(holder)
        self.holder = holder  # its process id, when known


@dataclass
class ApplyReport:
    rows: int = 0  # log rows applied
    indexed: int = 0  # documents written
    removed: int = 0  # ids taken out (unpublished, deleted or never indexed)
    locked: bool = False  # another process holds the lock; rows left to it
    remaining: bool = False  # stopped by the time budget with rows left
    built: bool = False  # there was no index, so one was built from the database
    missing: bool = False  # there is no index and none was built
    # This server was away too long and was dropped; its index must be rebuilt.
    dropped: bool = False
    # Of ``indexed``, the documents an import's stage wrote (IndexAlongside).
    adopted: int = 0


@dataclass
class RebuildReport:
    path: Path
    documents: int
    seconds: float
    caught_up: ApplyReport


def log_articles(article_ids: Iterable[int], reason: str) -> list[int]:
    """Append log rows for ``article_ids`` (call inside the writing transaction)."""
    ids = sorted({int(pk) for pk in article_ids if pk is not None})
    created = prepared(IndexLog, "created", timezone.now())
    insert_rows(
        IndexLog,
        ("article_id", "reason", "created"),
        [(pk, reason[:40], created) for pk in ids],
    )
    return ids


def index_articles(article_ids: Iterable[int], *, writer: Writer) -> tuple[int, int]:
    """Make the index entries of ``article_ids`` match the database.

    Published articles are (re)indexed, every other id is removed. Returns
    (indexed, removed). ``writer`` is an open batch of the backend; the
    caller holds the locks.
    """
    ids = sorted(set(article_ids))
    published = Article.objects.published().filter(pk__in=ids)
    indexed = writer.index(
        document for chunk in documents_in_chunks(published, 500) for document in chunk
    )
    gone = set(ids) - set(
        Article.objects.published().filter(pk__in=ids).values_list("pk", flat=True)
    )
    return indexed, writer.delete(sorted(gone))


def apply_pending_log(
    *,
    time_budget: float | None = None,
    batch_size: int = ON_COMMIT_BATCH,
    build_if_missing: bool | None = None,
    path: Path | None = None,
    merge: str = "SEARCH_MERGE_ON_COMMIT",
) -> ApplyReport:
    """Apply the log rows the current index has not seen; never raises LockError.

    Stops after ``time_budget`` seconds (None: until nothing is pending).
    ``merge`` names the setting that bounds how many documents of small
    segments each commit may merge. With
    no index yet it builds one from the database when ``build_if_missing``
    is True, or when None and the archive is small (``SEARCH_AUTO_BUILD_LIMIT``).
    Call it outside any transaction (after commit), never inside one.
    """
    backend = get_backend()
    # Applying to the index in use is what this server reports to the others.
    following = path is None
    path = path or backend.current()
    if path is None:
        return _build_missing_index(build_if_missing)
    if following and servers.is_dropped():
        return ApplyReport(dropped=True)
    deadline = None if time_budget is None else time.monotonic() + time_budget
    report = ApplyReport()
    with backend.sync_lock(
        path, timeout=conf.get("SEARCH_WRITE_LOCK_TIMEOUT")
    ) as locked:
        if not locked:
            report.locked = True
            return report
        state = read_state(path)
        if state is None:
            logger.error(
                "The search index in %s has no log state; run "
                "manage.py check_search_index --repair.",
                path,
            )
            report.missing = True
            return report
        state = _apply_rows(path, state, report, batch_size, deadline, merge)
        if following:
            servers.report(state)
    return report


def _apply_rows(
    path, state, report, batch_size, deadline, merge, passed=None
) -> LogState:
    """Apply pending rows in batches (the sync lock held); return the new state.

    Rows whose sequence numbers are in ``passed`` (a sorted array) are
    already in the index (adopted from an import's stage): they count as
    applied without reading their articles again.
    """
    backend = get_backend()
    timeout = conf.get("SEARCH_WRITE_LOCK_TIMEOUT")
    procs = conf.get("SEARCH_REBUILD_PROCS") if batch_size >= PARALLEL_ROWS else 1
    while True:
        # A batch in several processes is as many batches at once: each
        # process writes one segment of about ``batch_size`` documents.
        rows = list(
            IndexLog.objects.filter(state.pending_filter())
            .order_by("seq")
            .values_list("seq", "article_id")[: batch_size * procs]
        )
        if not rows:
            break
        todo = [article_id for _, article_id in rows]
        if passed is not None and len(passed):
            seqs = np.fromiter((seq for seq, _ in rows), dtype=np.int64)
            kept = ~np.isin(seqs, passed)
            todo = [aid for aid, keep in zip(todo, kept.tolist(), strict=True) if keep]
        indexed = removed = 0
        try:
            if todo:
                with backend.writer(
                    path,
                    timeout=timeout,
                    merge_limit=conf.get(merge),
                    procs=procs if len(todo) >= PARALLEL_ROWS else 1,
                ) as writer:
                    indexed, removed = index_articles(todo, writer=writer)
        except WriterBusy:
            report.locked = True
            break
        state = state.advanced(seq for seq, _ in rows)
        write_state(path, state)
        report.rows += len(rows)
        report.indexed += indexed
        report.removed += removed
        if deadline is not None and time.monotonic() > deadline:
            report.remaining = IndexLog.objects.filter(state.pending_filter()).exists()
            break
    if not report.rows and not report.locked:
        # Nothing to do: still record that this index is up to date.
        state = LogState(state.seq, state.gaps, time.time())
        write_state(path, state)
    return state


def _build_missing_index(build: bool | None) -> ApplyReport:
    if build is None:
        count = Article.objects.published().count()
        build = count <= conf.get("SEARCH_AUTO_BUILD_LIMIT")
        if not build:
            logger.warning(
                "There is no search index and the archive holds %d published "
                "articles: run manage.py sync_search_index to build it.",
                count,
            )
    if not build:
        return ApplyReport(missing=True)
    try:
        rebuilt = rebuild_index(wait=conf.get("SEARCH_WRITE_LOCK_TIMEOUT"))
    except RebuildInProgress:
        return ApplyReport(locked=True)
    report = rebuilt.caught_up
    report.built = True
    return report


def rebuild_index(
    chunk_size: int = 1000,
    *,
    progress: Callable[[int, int], None] | None = None,
    procs: int | None = None,
    wait: float = 0.0,
) -> RebuildReport:
    """Build a new index generation from the database and make it current.

    Searches keep using the previous generation until the final atomic
    switch. ``progress(done, total)`` is called after every chunk. Raises
    RebuildInProgress when another rebuild holds the build lock.
    """
    started = time.monotonic()
    backend = get_backend()
    with backend.build_lock(timeout=wait) as locked:
        if not locked:
            raise RebuildInProgress(backend.build_lock_holder())
        state = current_log_state()
        # Registered while it runs, so no server prunes the rows it catches up on.
        builder = servers.server_name() + servers.REBUILD_SUFFIX
        servers.report(state, name=builder, rejoin=True)
        path = backend.new_generation()
        try:
            documents = _fill(path, chunk_size, progress, procs)
            write_state(path, state)
            # Catch up on the changes made while the articles were read, then
            # switch, then catch up again through the normal path.
            before = apply_pending_log(
                time_budget=None,
                batch_size=SYNC_BATCH,
                path=path,
                merge="SEARCH_MERGE_ON_SYNC",
            )
        except BaseException:
            backend.discard(path)
            servers.forget(builder)
            raise
        backend.make_current(path)
        # The new index holds everything: this server follows the log again.
        servers.report(read_state(path), rejoin=True)
        servers.forget(builder)
        caught_up = apply_pending_log(
            time_budget=None, batch_size=SYNC_BATCH, merge="SEARCH_MERGE_ON_SYNC"
        )
        caught_up.rows += before.rows
        caught_up.indexed += before.indexed
        caught_up.removed += before.removed
        backend.discard_others(keep=path)
    return RebuildReport(
        path=path,
        documents=documents,
        seconds=time.monotonic() - started,
        caught_up=caught_up,
    )


def _fill(
    path: Path,
    chunk_size: int,
    progress: Callable[[int, int], None] | None,
    procs: int | None,
) -> int:
    """Index every published article into the index in ``path``; return how many."""
    published = Article.objects.published()
    total = published.count()
    procs = procs or conf.get("SEARCH_REBUILD_PROCS")
    if total < 2000:
        procs = 1  # starting worker processes costs more than it saves
    done = 0

    def documents():
        # Each chunk is read before the previous one is reported as taken:
        # an article saved meanwhile (progress may save one) reaches the new
        # index through the log, never makes the walk run after it.
        chunks = documents_in_chunks(published, chunk_size)
        pending = next(chunks, None)
        while pending:
            following = next(chunks, None)
            yield pending
            pending = following

    def taken(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress(done, total)

    backend = get_backend()
    backend.build(
        path,
        documents(),
        procs=procs,
        segment_documents=conf.get("SEARCH_REBUILD_SEGMENT_DOCUMENTS"),
        progress=taken,
    )
    stored = backend.document_count(path)
    if stored != done:
        raise RuntimeError(
            f"The new index holds {stored} documents instead of {done}; "
            "it was not put in use."
        )
    return done


# How long the end of an import waits for another process applying the log
# (the worker's periodic sync) before it leaves its articles to that process.
ADOPT_LOCK_WAIT = 60.0
# How often an import indexing alongside looks whether another process
# (the background worker's sync) applies its log rows already.
OTHERS_CHECK_SECONDS = 2.0
LOOKUP_CHUNK = 500


class IndexAlongside:
    """Indexes the articles an import creates while it saves them.

    Indexing after the import would read every article back from the
    database. Here each batch's new articles become documents from the
    objects just saved, and SEARCH_REBUILD_PROCS worker processes write them
    into segments beside the index while the import goes on (``created`` is
    called in the batch's transaction; nothing is handed over before it
    commits). ``finish`` adopts the segments in one commit and applies the
    rest of the log as a sync does, passing over the rows the segments stand
    for: a later change of an imported article (someone's edit, a renamed
    tag) has a later row and is applied from the database as usual. If
    another process applied the import's rows meanwhile, its copies are kept
    and the stage's are left out; once that is seen (the background worker
    following the log), the stage stops and that process indexes the rest.
    """

    def __init__(self):
        self._stage = None
        # Per staged document its log row, and every log row the stage
        # stands for (drafts' rows too: the index must not hold them).
        self._document_seqs: dict[int, int] = {}
        self._seqs: list[int] = []
        # The log rows of a batch come after this one (the log has no index
        # on the article: a batch looks only at the rows written since).
        self._after = IndexLog.objects.aggregate(last=Max("seq"))["last"] or 0
        self._stopped = False
        self._next_check = 0.0

    def __enter__(self) -> "IndexAlongside":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def created(self, articles: list[tuple[Article, list, list]]) -> None:
        """Take the new ``(article, authors, tags)`` of a batch, in its transaction."""
        if self._stopped:
            return
        ids = [article.pk for article, _, _ in articles]
        # The articles are new: every log row naming them is the batch's own.
        rows: list[tuple[int, int]] = []
        for start in range(0, len(ids), LOOKUP_CHUNK):
            rows += IndexLog.objects.filter(
                seq__gt=self._after, article_id__in=ids[start : start + LOOKUP_CHUNK]
            ).values_list("seq", "article_id")
        seq_of = {article_id: seq for seq, article_id in rows}
        documents = [
            article_to_document(article, authors=authors, tags=tags)
            for article, authors, tags in articles
            if article.status == Article.Status.PUBLISHED and article.pk in seq_of
        ]

        def hand_over() -> None:
            if rows:
                self._after = max(self._after, max(seq for seq, _ in rows))
            if self._stopped:
                return
            if self._others_apply():
                # The background worker's sync follows the log and indexes
                # the new articles itself: indexing them here too is waste.
                logger.info("Another process indexes the import's articles")
                self._stopped = True
                self.close()
                return
            try:
                if documents:
                    self._stage_open().add(documents)
            except Exception:
                # The batch is saved and logged: the sync at the end reads
                # this batch and every later one from the database instead.
                logger.exception("Indexing an import alongside stopped")
                self._stopped = True
                self.close()
                return
            for document in documents:
                self._document_seqs[document.id] = seq_of[document.id]
            self._seqs.extend(seq for seq, _ in rows)

        transaction.on_commit(hand_over)

    def _others_apply(self) -> bool:
        """Whether another process applied rows of this import (checked now and then)."""
        if not self._seqs or time.monotonic() < self._next_check:
            return False
        self._next_check = time.monotonic() + OTHERS_CHECK_SECONDS
        path = get_backend().current()
        state = read_state(path) if path is not None else None
        return state is not None and not state.is_pending(np.array(self._seqs[:1]))[0]

    def _stage_open(self):
        if self._stage is None:
            self._stage = get_backend().stage(
                procs=conf.get("SEARCH_REBUILD_PROCS"),
                segment_documents=conf.get("SEARCH_REBUILD_SEGMENT_DOCUMENTS"),
            )
        return self._stage

    def finish(self) -> ApplyReport:
        """Adopt what was staged and apply the rest of the log; never raises LockError.

        With no index to adopt into (none built yet, another version, this
        server dropped) or the log busy for too long, the stage is dropped
        and its rows stay in the log for the next sync, which reads them
        from the database.
        """
        try:
            return self._adopt()
        finally:
            self.close()

    def _adopt(self) -> ApplyReport:
        report = ApplyReport()
        backend = get_backend()
        path = backend.current()
        if self._stopped or not self._seqs or path is None or servers.is_dropped():
            return report
        with backend.sync_lock(path, timeout=ADOPT_LOCK_WAIT) as locked:
            state = read_state(path) if locked else None
            if state is None:
                report.locked, report.missing = not locked, locked
                return report
            seqs = np.unique(np.array(self._seqs, dtype=np.int64))
            if self._stage is not None:
                ids = np.fromiter(self._document_seqs, dtype=np.int64)
                document_seqs = np.fromiter(
                    self._document_seqs.values(), dtype=np.int64
                )
                # Another process applied these rows: its copies stay.
                leave_out = ids[~state.is_pending(document_seqs)].tolist()
                try:
                    with backend.writer(
                        path, timeout=conf.get("SEARCH_WRITE_LOCK_TIMEOUT")
                    ) as writer:
                        report.adopted = writer.adopt(self._stage, leave_out=leave_out)
                        report.indexed += report.adopted
                except WriterBusy:
                    report.locked = True
                    return report
            passed = seqs[state.is_pending(seqs)]
            state = _apply_rows(
                path, state, report, SYNC_BATCH, None, "SEARCH_MERGE_ON_SYNC", passed
            )
            servers.report(state)
        return report

    def close(self) -> None:
        """Stop the workers and delete what was not adopted."""
        if self._stage is not None:
            stage, self._stage = self._stage, None
            stage.close()
