"""The app servers following the index log, and pruning the log behind them.

Each server keeps its own index in its own ``SEARCH_INDEX_DIR`` and applies
the log from the one database. After applying, it records how far it got and
that it is alive (``SearchServer``). ``sync_search_index`` prunes the log
below what every live server has applied, after dropping the servers not
heard from for ``SEARCH_SERVER_TIMEOUT`` seconds; a dropped server's index
misses pruned changes, so it rebuilds from the database when it returns.
A rebuild in progress registers as a server of its own (``<name> rebuild``)
so the rows it will catch up on are kept until it is done.
"""

import datetime
import socket
import time

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from search import conf
from search.logstate import LogState
from search.models import IndexLog, SearchServer

REBUILD_SUFFIX = " rebuild"


def server_name() -> str:
    """Return this server's name: ``SEARCH_SERVER_NAME``, or host and index folder."""
    name = conf.get("SEARCH_SERVER_NAME")
    return name or f"{socket.gethostname()}:{conf.index_dir().resolve()}"


def applied_floor(state: LogState) -> int:
    """Return the highest sequence number up to which ``state`` applied every row.

    A hole still watched for (a transaction that may yet commit) holds it
    back; one older than ``SEARCH_LOG_GAP_SECONDS`` is settled.
    """
    settled = time.time() - conf.get("SEARCH_LOG_GAP_SECONDS")
    first_gap = min(
        (first for first, _, since in state.gaps if since >= settled),
        default=state.seq + 1,
    )
    return min(state.seq, first_gap - 1)


def is_dropped(name: str | None = None) -> bool:
    """Return True when this server was dropped for being away (and not rebuilt)."""
    return SearchServer.objects.filter(
        name=name or server_name(), dropped__isnull=False
    ).exists()


def report(state: LogState, *, name: str | None = None, rejoin: bool = False) -> None:
    """Record that this server's index holds the log up to ``state``, now.

    A dropped server stays dropped until ``rejoin`` (after its rebuild).
    """
    name = name or server_name()
    values = {"applied_seq": applied_floor(state), "heartbeat": timezone.now()}
    if rejoin:
        values["dropped"] = None
    servers = SearchServer.objects.filter(name=name)
    if not rejoin:
        servers = servers.filter(dropped__isnull=True)
    if servers.update(**values) or SearchServer.objects.filter(name=name).exists():
        return
    try:
        with transaction.atomic():
            SearchServer.objects.create(name=name, **values)
    except IntegrityError:  # another process of this server registered it first
        servers.update(**values)


def forget(name: str) -> None:
    """Remove a server from the followers (a finished or abandoned rebuild)."""
    SearchServer.objects.filter(name=name).delete()


def drop_away(*, now: datetime.datetime | None = None) -> list[str]:
    """Drop the servers not heard from for ``SEARCH_SERVER_TIMEOUT``; return their names."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=conf.get("SEARCH_SERVER_TIMEOUT"))
    away = SearchServer.objects.filter(dropped__isnull=True, heartbeat__lt=cutoff)
    names = list(away.values_list("name", flat=True))
    away.update(dropped=now)
    # A rebuild that was killed leaves its registration behind: no one
    # returns for it, so it is removed rather than kept as dropped.
    SearchServer.objects.filter(
        name__endswith=REBUILD_SUFFIX, dropped__isnull=False
    ).delete()
    return names


def prune_log() -> tuple[int, list[str]]:
    """Drop the servers away too long, then delete the log rows every live one applied.

    Returns (rows deleted, names of the servers dropped now).
    """
    dropped = drop_away()
    floor = SearchServer.objects.filter(dropped__isnull=True).aggregate(
        m=Min("applied_seq")
    )["m"]
    if floor is None:  # nobody follows the log (yet): keep it
        return 0, dropped
    deleted, _ = IndexLog.objects.filter(seq__lte=floor).delete()
    return deleted, dropped
