"""Search settings with their defaults.

Each value is read from ``django.conf.settings`` when it is used, so
``override_settings`` in tests and per-environment settings both work.
"""

from pathlib import Path

from django.conf import settings

DEFAULTS = {
    "SEARCH_MAX_PAGE": 100,
    # Seconds a process waits for the index write lock before leaving its
    # changes in the log for the lock holder or the next sync.
    "SEARCH_WRITE_LOCK_TIMEOUT": 0.5,
    # Seconds one search may spend matching before it returns what it has.
    "SEARCH_TIME_BUDGET": 1.0,
    # The same for exports of a whole result set (CSV, feeds).
    "SEARCH_EXPORT_TIME_BUDGET": 20.0,
    # ``ka*`` style prefixes: the shortest allowed (for alphabetic scripts)
    # and how many of the most frequent matching words are searched.
    "SEARCH_PREFIX_MIN_LENGTH": 3,
    "SEARCH_PREFIX_MAX_TERMS": 64,
    # After a commit, the writing process applies the log for at most this
    # many seconds; the rest waits for the next sync.
    "SEARCH_APPLY_TIME_BUDGET": 5.0,
    # A missing index is built inline (first save, first sync) when the
    # archive holds at most this many published articles.
    "SEARCH_AUTO_BUILD_LIMIT": 5000,
    # How long a hole in the log sequence is re-checked: a transaction that
    # took a sequence number but has not committed yet.
    "SEARCH_LOG_GAP_SECONDS": 3600,
    # This server's name among those following the log (each keeps its own
    # index); None: the host name and the index folder.
    "SEARCH_SERVER_NAME": None,
    # Seconds after which a server not heard from is dropped: the log is
    # pruned past it, and it rebuilds its index when it returns.
    "SEARCH_SERVER_TIMEOUT": 7 * 24 * 3600,
    # Documents of small segments one commit may merge: after a save (in the
    # web request) and in sync_search_index. Large segments are never merged;
    # rebuild_search_index compacts the index.
    "SEARCH_MERGE_ON_COMMIT": 300,
    "SEARCH_MERGE_ON_SYNC": 3000,
    # rebuild_search_index: worker processes, and articles per segment each
    # writes. A worker holds its segment's postings in memory (about 8 MB
    # per 1,000 articles of 750 words); larger segments cost less per
    # article to write and to search.
    "SEARCH_REBUILD_PROCS": 2,
    "SEARCH_REBUILD_SEGMENT_DOCUMENTS": 50_000,
    # Seconds between checks whether the variant table changed (the process
    # that edits it sees the change at once).
    "SEARCH_VARIANTS_TTL": 10.0,
    # Results of recent searches kept per process (bitmaps, counts, rankings).
    "SEARCH_CACHE_SIZE": 512,
}


def get(name: str):
    """Return the setting ``name`` or its default."""
    return getattr(settings, name, DEFAULTS[name])


def index_dir() -> Path:
    """Return the folder that holds the search index generations."""
    return Path(settings.SEARCH_INDEX_DIR)  # config/settings/base.py: var/whoosh
