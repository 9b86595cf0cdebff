"""Comparing the index with the database, and repairing the difference.

Each indexed document carries a fingerprint of what was indexed; the check
recomputes it from the database, so it also finds articles whose source,
author or tag was renamed without the index following.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from archive.models import Article
from search.backend import get_backend
from search.documents import article_to_document
from search.engine.documents import document_stamp
from search.indexing import (
    SYNC_BATCH,
    ApplyReport,
    apply_pending_log,
    log_articles,
)
from search.logstate import current_log_state, read_state, write_state


@dataclass
class Drift:
    """What differs between the database and the index."""

    indexed: int = 0  # live documents in the index
    segments: int = 0  # parts of the index (commits add them; a rebuild compacts)
    published: int = 0  # published articles in the database
    missing: list[int] = field(default_factory=list)  # published, not indexed
    stale: list[int] = field(default_factory=list)  # indexed from older data
    unpublished: list[int] = field(default_factory=list)  # indexed but a draft
    deleted: list[int] = field(default_factory=list)  # indexed but gone
    duplicated: list[int] = field(default_factory=list)  # indexed twice

    @property
    def article_ids(self) -> list[int]:
        return sorted(
            {
                *self.missing,
                *self.stale,
                *self.unpublished,
                *self.deleted,
                *self.duplicated,
            }
        )

    @property
    def clean(self) -> bool:
        return not self.article_ids


def find_drift(
    *, progress: Callable[[int, int], None] | None = None, chunk_size: int = 1000
) -> Drift:
    """Return how the current index differs from the database (raises if none)."""
    path = get_backend().current()
    if path is None:
        raise FileNotFoundError("There is no search index yet.")
    backend = get_backend()
    layout = backend.layout
    contents = backend.check(path)
    indexed = contents.stamps
    drift = Drift(indexed=contents.documents, segments=contents.segments)
    published = Article.objects.published()
    total = published.count()
    seen = set()
    for chunk in published.in_chunks(chunk_size):
        for article in chunk:
            seen.add(article.pk)
            stamps = indexed.get(article.pk)
            if not stamps:
                drift.missing.append(article.pk)
                continue
            if len(stamps) > 1:
                drift.duplicated.append(article.pk)
            if document_stamp(article_to_document(article), layout) not in stamps:
                drift.stale.append(article.pk)
        if progress:
            progress(len(seen), total)
    drift.published = len(seen)
    extra = set(indexed) - seen
    drafts = set(Article.objects.filter(pk__in=extra).values_list("pk", flat=True))
    drift.unpublished = sorted(drafts)
    drift.deleted = sorted(extra - drafts)
    return drift


def reconcile(
    *, repair: bool, progress: Callable[[int, int], None] | None = None
) -> tuple[Drift, ApplyReport | None]:
    """Find the drift; with ``repair``, re-index or remove each drifted article.

    Repairs go through the index log like any other change, so a concurrent
    writer cannot undo them.
    """
    path = get_backend().current()
    if path is None:
        raise FileNotFoundError("There is no search index yet.")
    # An index that lost its log state gets the one of this moment: every
    # change after it is applied from the log, everything before is repaired.
    fallback = current_log_state() if read_state(path) is None else None
    drift = find_drift(progress=progress)
    if not repair:
        return drift, None
    if fallback is not None and read_state(path) is None:
        write_state(path, fallback)
    if drift.article_ids:
        with transaction.atomic():
            log_articles(drift.article_ids, "repair")
    return drift, apply_pending_log(
        time_budget=None, batch_size=SYNC_BATCH, merge="SEARCH_MERGE_ON_SYNC"
    )
