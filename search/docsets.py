"""Which documents a query matches, as a set of document numbers, on a budget.

Boolean structure is evaluated with Python set operations over each term's
postings (read block by block), which is far cheaper than stepping Whoosh's
matchers document by document; phrases and anything else use Whoosh's own
matchers. When the time budget runs out the answer is what was found so far.
"""

import time

from whoosh import collectors, query
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher
from whoosh.searching import TimeLimit

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


def matching_docs(snapshot, q: query.Query, deadline: Deadline) -> set[int]:
    """Return the live document numbers matching ``q`` (check ``deadline.hit``)."""
    docs = _Evaluator(snapshot.searcher, deadline).docs(q)
    if docs is None:
        return set()
    return docs & snapshot.table.live


class _Evaluator:
    def __init__(self, searcher, deadline: Deadline):
        self.searcher = searcher
        self.deadline = deadline
        self.leaves = searcher.leaf_searchers()
        self.everything = None

    def docs(self, q: query.Query) -> set[int] | None:
        """Return matching document numbers; None means "unknown" (out of time)."""
        if q is query.NullQuery:
            return set()
        if isinstance(q, query.Every):
            return self._all()
        if isinstance(q, query.Not):
            inner = self.docs(q.query)
            return None if inner is None else self._all() - inner
        if isinstance(q, query.AndNot):
            keep, drop = self.docs(q.a), self.docs(q.b)
            return keep if keep is None or drop is None else keep - drop
        if isinstance(q, (query.AndMaybe, query.Require)):
            return self.docs(q.a)
        if isinstance(q, query.And):
            return self._and(q.subqueries)
        if isinstance(q, query.Or) and q.minmatch <= 1:
            parts = [self.docs(child) for child in q.subqueries]
            known = [p for p in parts if p is not None]
            return set().union(*known) if known else None
        if self.deadline.passed():
            return None
        if isinstance(q, query.Term):
            return self._term(q.fieldname, q.text)
        return self._with_matchers(q)

    def _and(self, children) -> set[int] | None:
        keep, drop = [], []
        for child in children:
            if isinstance(child, query.Not):
                drop.append(child.query)
            else:
                keep.append(child)
        sets = [s for s in (self.docs(child) for child in keep) if s is not None]
        if not sets:
            return None if keep else self._without(self._all(), drop)
        sets.sort(key=len)
        result = sets[0].intersection(*sets[1:])
        return self._without(result, drop)

    def _without(self, docs: set[int], drop) -> set[int]:
        for q in drop:
            excluded = self.docs(q)
            if excluded is not None:
                docs -= excluded
        return docs

    def _all(self) -> set[int]:
        if self.everything is None:
            self.everything = set(range(self.searcher.doc_count_all()))
        return set(self.everything)

    def _term(self, fieldname: str, text: str) -> set[int]:
        found = set()
        for subsearcher, offset in self.leaves:
            reader = subsearcher.reader()
            if (fieldname, text) not in reader:
                continue
            matcher = reader.postings(fieldname, text)
            if isinstance(matcher, FilterMatcher):
                # Deleted documents are dropped once at the end, for all terms.
                matcher = matcher.child
            ids = (
                _block_ids(matcher)
                if isinstance(matcher, W3LeafMatcher)
                else (matcher.all_ids())
            )
            found.update(ids if not offset else (offset + d for d in ids))
        return found

    def _with_matchers(self, q: query.Query) -> set[int]:
        found = set()
        deadline = self.deadline
        for subsearcher, offset in self.leaves:
            matcher = q.matcher(subsearcher, subsearcher.boolean_context())
            count = 0
            for docnum in matcher.all_ids():
                found.add(offset + docnum)
                count += 1
                if count == _CHECK_EVERY:
                    count = 0
                    if deadline.passed():
                        return found
        return found


def _block_ids(matcher: W3LeafMatcher) -> list[int]:
    """Read a term's document numbers a block at a time."""
    ids: list[int] = []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        ids.extend(matcher._ids[matcher._i :])
        matcher._next_block()
    return ids


class _Budgeted:
    """Mixin for Whoosh scored collectors: stop when the deadline passes."""

    def __init__(self, *args, deadline: Deadline, **kwargs):
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def matches(self):
        deadline = self.deadline
        count = 0
        for docnum in super().matches():
            count += 1
            if count == _CHECK_EVERY:
                count = 0
                if deadline.passed():
                    raise TimeLimit
            yield docnum


class BudgetedTopCollector(_Budgeted, collectors.TopCollector):
    """The best ``limit`` documents by score, within the deadline."""


class BudgetedUnlimitedCollector(_Budgeted, collectors.UnlimitedCollector):
    """Every matching document by score, within the deadline."""


def scored(searcher, q: query.Query, allowed: set[int], deadline: Deadline, limit):
    """Return (score, docnum) pairs of ``allowed`` documents, best first.

    ``limit`` None scores every match. Stops at the deadline with what it has.
    """
    if not allowed:
        return []  # (Whoosh reads an empty filter as "no filter")
    child = (
        BudgetedUnlimitedCollector(deadline=deadline)
        if limit is None
        else BudgetedTopCollector(limit=limit, deadline=deadline)
    )
    collector = collectors.FilterCollector(child, allow=allowed)
    try:
        searcher.search_with_collector(q, collector)
    except TimeLimit:
        deadline.hit = True
    return [(score, docnum) for docnum, score in collector.results().items()]
