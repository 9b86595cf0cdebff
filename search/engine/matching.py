"""Which documents a query matches, on a time budget, one segment at a time.

Boolean structure is evaluated on bitmaps of the terms' documents (see
``postings``), phrases by checking positions (see ``phrases``), anything
else with Whoosh's own matchers. Segments are searched in turn, and the
first one always whole: when the time budget runs out, the answer is every
match in the segments searched so far, and which documents those covered,
so the caller can rank what was found and estimate the rest.
"""

import math
import time
from array import array
from typing import NamedTuple

from whoosh import query

from search.engine import bitmaps
from search.engine.phrases import phrase_docs
from search.engine.postings import postings

_CHECK_EVERY = 512


class Deadline:
    """A point in time after which a search returns what it has."""

    def __init__(self, seconds: float):
        self.at = time.monotonic() + seconds
        self.hit = False

    def passed(self) -> bool:
        if time.monotonic() > self.at:
            self.hit = True
        return self.hit


class _NoDeadline(Deadline):
    """The first segment's: searched whole whatever the time."""

    def __init__(self):
        super().__init__(math.inf)


class Found(NamedTuple):
    """The live documents matching a query among the documents ``covered``."""

    docs: int
    # Every live document when the budget sufficed; else the live documents
    # of the segments searched before it ran out.
    covered: int


def matching_docs(snapshot, q: query.Query, deadline: Deadline) -> Found:
    """Return the live documents matching ``q`` (see ``Found``; check ``deadline.hit``)."""
    found = covered = 0
    live = snapshot.table.live
    for n, leaf in enumerate(snapshot.leaves):
        if n and deadline.passed():
            break
        everything = live >> leaf.offset & bitmaps.first_n(leaf.values.size)
        evaluator = _Evaluator(
            snapshot, leaf, everything, deadline if n else _NoDeadline()
        )
        docs = evaluator.docs(q)
        if docs is None:  # out of time in this segment: it counts as unsearched
            break
        found |= (docs & everything) << leaf.offset
        covered |= everything << leaf.offset
    return Found(found, covered)


class _Evaluator:
    """Evaluates a query in one segment, as bitmaps of its local document numbers."""

    def __init__(self, snapshot, leaf, everything: int, deadline: Deadline):
        self.snapshot = snapshot
        self.leaf = leaf
        self.everything = everything
        self.deadline = deadline

    def docs(self, q: query.Query) -> int | None:
        """Return the bitmap of matches; None means "unknown" (out of time)."""
        if q is query.NullQuery:
            return 0
        if isinstance(q, query.Every):
            return self.everything
        if isinstance(q, (query.CompoundQuery, query.Not)):
            return self._compound(q)
        if self.deadline.passed():
            return None
        if isinstance(q, query.Term):
            return postings(self.snapshot, self.leaf, q.fieldname, q.text).bitmap
        if isinstance(q, query.Phrase) and q.words:
            return self._cached(q, phrase_docs)
        return self._cached(q, _matcher_docs)

    def _compound(self, q: query.Query) -> int | None:
        if isinstance(q, query.Not):
            inner = self.docs(q.query)
            return None if inner is None else self.everything & ~inner
        if isinstance(q, query.AndNot):
            keep = self.docs(q.a)
            drop = None if keep is None else self.docs(q.b)
            return None if drop is None else keep & ~drop
        if isinstance(q, (query.AndMaybe, query.Require)):
            return self.docs(q.a)
        if isinstance(q, query.And):
            return self._and(q.subqueries)
        if isinstance(q, query.Or) and q.minmatch <= 1:
            found = 0
            for child in q.subqueries:
                docs = self.docs(child)
                if docs is None:
                    return None
                found |= docs
            return found
        return self._cached(q, _matcher_docs)

    def _and(self, children) -> int | None:
        keep = [c for c in children if not isinstance(c, query.Not)]
        drop = [c.query for c in children if isinstance(c, query.Not)]
        result = self.everything
        for child in keep:
            docs = self.docs(child)
            if docs is None:
                return None
            result &= docs
            if not result:
                return 0
        for child in drop:
            excluded = self.docs(child)
            if excluded is None:
                return None
            result &= ~excluded
        return result

    def _cached(self, q: query.Query, read) -> int | None:
        """Return the segment's matches of ``q``, cached once complete."""
        snapshot, leaf = self.snapshot, self.leaf
        key = (leaf.segment_id, ("query", q))
        bitmap = snapshot.matches.get(key)
        if bitmap is None:
            bitmap, complete = read(snapshot, leaf, q, self.deadline)
            if not complete:
                return None
            snapshot.matches.put(key, bitmap)
        return bitmap


def _matcher_docs(
    snapshot, leaf, q: query.Query, deadline: Deadline
) -> tuple[int, bool]:
    """Return one segment's matches of ``q`` by stepping its matcher, on a budget."""
    found = array("I")
    searcher = leaf.searcher
    matcher = q.matcher(searcher, searcher.boolean_context())
    count = 0
    for docnum in matcher.all_ids():
        found.append(docnum)
        count += 1
        if count == _CHECK_EVERY:
            count = 0
            if deadline.passed():
                return bitmaps.from_docnums(found), False
    return bitmaps.from_docnums(found), True
