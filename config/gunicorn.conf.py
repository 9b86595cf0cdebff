"""gunicorn settings for the archive (threaded workers; see README "Serving")."""

import ctypes
import gc
import os

bind = (
    f"{os.environ.get('GUNICORN_HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
wsgi_app = "config.wsgi:application"
# Threaded workers: a sync worker's timeout counts the whole request, so it
# killed a streamed export of the full archive half-way while the client
# had already been told 200. A gthread worker's main thread keeps reporting
# alive while its threads serve, so ``timeout`` only restarts a worker that
# hangs as a whole, and a few slow requests leave the other threads serving.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
# A worker restarting (max_requests) lets its running downloads finish.
graceful_timeout = 300
keepalive = 5
max_requests = 1000
max_requests_jitter = 100
# The application is loaded and the search index warmed once in the
# arbiter, before it forks workers: the decoded index (document table, facet
# bitmaps, postings of common words) is then in memory pages every worker
# shares, and a worker started later (max_requests) has it at once. Code
# changes need a restart (not a HUP) to be seen.
preload_app = True
accesslog = "-"
errorlog = "-"
control_socket_disable = True

# glibc's mallopt() parameter for the number of malloc arenas.
_M_ARENA_MAX = -8


def _limit_malloc_arenas() -> None:
    """Let a worker's threads share two malloc arenas (``MALLOC_ARENA_MAX`` overrides).

    By default glibc gives each thread that allocates an arena of its own (up
    to eight a CPU core). A search at 1,000,000 articles allocates arrays of
    megabytes, and each thread's arena kept the peak of what its searches
    had freed: a worker warm at 308 MB held 689 MB after the analyst queries
    and four clients, 532 MB of it its own; with two arenas 451 MB (295 MB
    its own), at about the same speed (interleaved runs: the median answer
    within the noise, the worker's CPU a request 0 to 9% more). Set here, in
    the arbiter before it starts a thread, so every worker it forks has the
    limit; the variable, when set, was read by glibc at the start and is
    left to apply.
    """
    if "MALLOC_ARENA_MAX" in os.environ:
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc: its own allocator applies
        return
    mallopt(_M_ARENA_MAX, 2)


_limit_malloc_arenas()


def _warm_search(*, keep_files: bool) -> None:
    # Only for the archive's own application (tests serve others).
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        return
    from django.apps import apps

    if not apps.ready:
        return
    from search.backend import warm_for_serving

    warm_for_serving(keep_files=keep_files)


def when_ready(server):
    """In the arbiter, after loading the application, before any worker starts."""
    _warm_search(keep_files=False)
    # What the arbiter holds now (the application, the decoded index) is
    # left out of garbage collection: a collection in a worker would write
    # to every object's header and so copy into each worker pages that the
    # workers could share.
    gc.collect()
    gc.freeze()


def post_worker_init(worker):
    """In each worker, before its first request: the first search is as fast as any."""
    _warm_search(keep_files=True)
