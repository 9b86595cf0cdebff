"""How far an index has applied the index log.

Sequence numbers are handed out when a row is inserted, but transactions
commit in any order: row 7 may become visible after row 8 was applied. So an
index remembers the highest sequence it applied *and* the holes below it
(``gaps``), and keeps re-checking each hole until a row shows up there or the
hole is older than any transaction could be (a rolled-back transaction leaves
a hole forever on PostgreSQL).
"""

import datetime
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.db.models import Max, Q

from search import conf
from search.backend import get_backend
from search.models import IndexLog

STATE_FILE = "log-state.json"
MAX_GAPS = 500


@dataclass
class LogState:
    seq: int = 0
    # (first, last, first_seen) ranges of sequence numbers not seen yet.
    gaps: list[tuple[int, int, float]] = field(default_factory=list)
    # When the index was last brought up to date with the log.
    synced: float = 0.0

    def pending_ranges(self) -> list[tuple[int, int | None]]:
        """The sequence numbers this index has not applied: (first, last) ranges.

        The first range is open (last is None): every row after ``seq``.
        """
        return [(self.seq + 1, None), *((first, last) for first, last, _ in self.gaps)]

    def pending_filter(self) -> Q:
        """Return the condition selecting log rows this index has not applied."""
        condition = Q()
        for first, last in self.pending_ranges():
            bounds = (
                {"seq__gte": first} if last is None else {"seq__range": (first, last)}
            )
            condition |= Q(**bounds)
        return condition

    def is_pending(self, seqs: np.ndarray) -> np.ndarray:
        """Whether each of ``seqs`` is a row this index has not applied."""
        pending = np.zeros(len(seqs), dtype=bool)
        for first, last in self.pending_ranges():
            inside = seqs >= first
            if last is not None:
                inside &= seqs <= last
            pending |= inside
        return pending

    def advanced(self, seen: Iterable[int], *, now: float | None = None) -> "LogState":
        """Return the state after applying the rows with sequence numbers ``seen``."""
        now = time.time() if now is None else now
        seen = sorted(set(seen))
        expiry = now - conf.get("SEARCH_LOG_GAP_SECONDS")
        seen_set = set(seen)
        gaps = []
        for first, last, since in self.gaps:
            if since >= expiry:
                gaps.extend(_split(first, last, since, seen_set))
        new = [s for s in seen if s > self.seq]
        top = new[-1] if new else self.seq
        previous = self.seq
        for s in new:
            if s > previous + 1:
                gaps.append((previous + 1, s - 1, now))
            previous = s
        return LogState(seq=top, gaps=gaps[-MAX_GAPS:], synced=now)


def _split(first: int, last: int, since: float, seen: set[int]):
    start = first
    for s in sorted(x for x in seen if first <= x <= last):
        if s > start:
            yield (start, s - 1, since)
        start = s + 1
    if start <= last:
        yield (start, last, since)


def read_state(path: Path) -> LogState | None:
    """Return the log state stored beside the index in ``path`` (None if absent)."""
    data = get_backend().read_state(path, STATE_FILE)
    if data is None:
        return None
    try:
        return LogState(
            seq=int(data["seq"]),
            gaps=[(int(a), int(b), float(c)) for a, b, c in data["gaps"]],
            synced=float(data["synced"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_state(path: Path, state: LogState) -> None:
    """Store ``state`` beside the index in ``path``."""
    get_backend().write_state(
        path,
        STATE_FILE,
        {
            "seq": state.seq,
            "gaps": [list(g) for g in state.gaps],
            "synced": state.synced,
        },
    )


def current_log_state() -> LogState:
    """Return the state of an index holding everything the database shows now.

    Taken *before* reading the articles for a rebuild: rows committed later
    have higher sequence numbers or fill one of the recent holes, so the
    rebuilt index picks them up from the log.
    """
    now = time.time()
    cutoff = datetime.datetime.fromtimestamp(
        now - conf.get("SEARCH_LOG_GAP_SECONDS"), tz=datetime.UTC
    )
    # Rows older than the gap window are settled: every transaction that
    # took a number back then has committed or rolled back.
    floor = IndexLog.objects.filter(created__lt=cutoff).aggregate(m=Max("seq"))["m"]
    floor = floor or 0
    recent = IndexLog.objects.filter(seq__gt=floor).values_list("seq", flat=True)
    return LogState(seq=floor, synced=now).advanced(recent, now=now)
