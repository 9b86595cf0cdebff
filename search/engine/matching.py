"""Which documents a query matches, on a time budget.

Boolean structure is evaluated on bitmaps of the terms' documents (see
``postings``), phrases by checking positions (see ``phrases``), anything
else with Whoosh's own matchers. When the time budget runs out, the answer
is what was found so far.
"""

import operator
import time
from array import array
from functools import reduce

from whoosh import query

from search.engine import bitmaps
from search.engine.phrases import phrase_docs
from search.engine.postings import term_bitmap

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


def matching_docs(snapshot, q: query.Query, deadline: Deadline) -> int:
    """Return the bitmap of live documents matching ``q`` (check ``deadline.hit``)."""
    docs = _Evaluator(snapshot, deadline).docs(q)
    return 0 if docs is None else docs & snapshot.table.live


class _Evaluator:
    def __init__(self, snapshot, deadline: Deadline):
        self.snapshot = snapshot
        self.deadline = deadline
        self.everything = snapshot.table.live

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
            return term_bitmap(self.snapshot, q.fieldname, q.text)
        if isinstance(q, query.Phrase) and q.words:
            return self._per_segment(q, phrase_docs)
        return self._per_segment(q, _matcher_docs)

    def _compound(self, q: query.Query) -> int | None:
        if isinstance(q, query.Not):
            inner = self.docs(q.query)
            return None if inner is None else self.everything & ~inner
        if isinstance(q, query.AndNot):
            keep, drop = self.docs(q.a), self.docs(q.b)
            return keep if keep is None or drop is None else keep & ~drop
        if isinstance(q, (query.AndMaybe, query.Require)):
            return self.docs(q.a)
        if isinstance(q, query.And):
            return self._and(q.subqueries)
        if isinstance(q, query.Or) and q.minmatch <= 1:
            known = [p for p in map(self.docs, q.subqueries) if p is not None]
            return reduce(operator.or_, known, 0) if known else None
        return self._per_segment(q, _matcher_docs)

    def _and(self, children) -> int | None:
        keep = [c for c in children if not isinstance(c, query.Not)]
        drop = [c.query for c in children if isinstance(c, query.Not)]
        known = [p for p in map(self.docs, keep) if p is not None]
        if not known and keep:
            return None
        result = reduce(operator.and_, known, self.everything)
        for q in drop:
            excluded = self.docs(q)
            if excluded is not None:
                result &= ~excluded
        return result

    def _per_segment(self, q: query.Query, read) -> int:
        """Combine each segment's matches of ``q``, cached once complete."""
        found = 0
        snapshot = self.snapshot
        for leaf in snapshot.leaves:
            key = (leaf.segment_id, ("query", q))
            bitmap = snapshot.docsets.get(key)
            if bitmap is None:
                bitmap, complete = read(snapshot, leaf, q, self.deadline)
                if complete:
                    snapshot.docsets.put(key, bitmap)
            found |= bitmap << leaf.offset
        return found


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
