"""Which documents a query matches, and their ranking, on a time budget.

A term's postings are read from Whoosh once per segment (a block at a time)
and kept as two arrays: document numbers and the term's BM25 weight in each.
Boolean structure is then evaluated with set operations, and ranking sums
the weights of the matched terms with C-level ``map``/``heapq`` calls, so a
query over half the archive costs little more than one over a handful.
Phrases and anything else use Whoosh's own matchers. When the time budget
runs out, the answer is what was found so far.
"""

import heapq
import math
import operator
import time
from array import array
from itertools import repeat

from whoosh import query
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher

_CHECK_EVERY = 512
# BM25 parameters (Whoosh's defaults).
K1 = 1.2
B = 0.75


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
    docs = _Evaluator(snapshot, deadline).docs(q)
    if docs is None:
        return set()
    return docs & snapshot.table.live


class _Evaluator:
    def __init__(self, snapshot, deadline: Deadline):
        self.snapshot = snapshot
        self.deadline = deadline
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
            return term_docs(self.snapshot, q.fieldname, q.text)
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
            self.everything = set(range(self.snapshot.searcher.doc_count_all()))
        return set(self.everything)

    def _with_matchers(self, q: query.Query) -> set[int]:
        found: set[int] = set()
        for leaf in self.snapshot.leaves:
            docnums = self.snapshot.segment_docs(
                leaf,
                ("query", q),
                lambda leaf=leaf: _matcher_docs(leaf.searcher, q, self.deadline),
            )
            found.update(_global(leaf, docnums))
        return found


def _global(leaf, docnums):
    return map(leaf.offset.__add__, docnums) if leaf.offset else docnums


def term_docs(snapshot, fieldname: str, text: str) -> set[int]:
    """Return the document numbers containing a term (deleted ones included)."""
    found: set[int] = set()
    for leaf in snapshot.leaves:
        docnums, _ = _postings(snapshot, leaf, fieldname, text)
        found.update(_global(leaf, docnums))
    return found


def _postings(snapshot, leaf, fieldname: str, text: str) -> tuple[array, array]:
    """Return (document numbers, BM25 term weights) of a term in one segment."""
    return snapshot.segment_docs(
        leaf,
        ("term", fieldname, text),
        lambda: (_read_postings(leaf, fieldname, text), True),
    )


def _read_postings(leaf, fieldname: str, text: str) -> tuple[array, array]:
    reader = leaf.searcher.reader()
    if (fieldname, text) not in reader:
        return array("I"), array("f")
    matcher = reader.postings(fieldname, text)
    if isinstance(matcher, FilterMatcher):
        # Deleted documents are dropped once at the end, for all terms.
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):
        ids = array("I", matcher.all_ids())
        return ids, array("f", repeat(1.0, len(ids)))
    ids, freqs = array("I"), array("f")
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        ids.extend(matcher._ids[matcher._i :])
        freqs.extend(matcher._weights[matcher._i :])
        matcher._next_block()
    lengths, average = leaf.values.length, leaf.values.average_length
    # tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average))
    norm = [
        K1 * (1 - B + B * length / average) for length in map(lengths.__getitem__, ids)
    ]
    weights = array(
        "f",
        map(
            operator.truediv,
            map(operator.mul, freqs, repeat(K1 + 1)),
            map(operator.add, freqs, norm),
        ),
    )
    return ids, weights


def _matcher_docs(searcher, q: query.Query, deadline: Deadline) -> tuple[array, bool]:
    """Return one segment's matches of ``q`` by stepping its matcher, on a budget."""
    found = array("I")
    matcher = q.matcher(searcher, searcher.boolean_context())
    count = 0
    for docnum in matcher.all_ids():
        found.append(docnum)
        count += 1
        if count == _CHECK_EVERY:
            count = 0
            if deadline.passed():
                return found, False
    return found, True


def rank(
    snapshot,
    terms: list[tuple[str, str, float]],
    docs: list[int],
    limit: int | None,
) -> list[tuple[float, int]]:
    """Return (score, docnum) of the best ``limit`` of ``docs`` (None: all).

    The score of a document is the BM25 weight of each (field, term, boost)
    of ``terms`` it contains, times the term's idf and boost, summed. Ties
    keep index order.
    """
    docs = list(docs)
    total = None
    count = len(snapshot.table.live) or 1
    for fieldname, text, boost in terms:
        weight_of: dict[int, float] = {}
        frequency = 0
        for leaf in snapshot.leaves:
            docnums, weights = _postings(snapshot, leaf, fieldname, text)
            frequency += len(docnums)
            weight_of.update(zip(_global(leaf, docnums), weights, strict=True))
        if not frequency:
            continue
        idf = boost * math.log(1 + (count - frequency + 0.5) / (frequency + 0.5))
        column = map(operator.mul, map(weight_of.get, docs, repeat(0.0)), repeat(idf))
        total = column if total is None else map(operator.add, total, column)
    if total is None:
        total = repeat(0.0)
    scored = zip(total, map(operator.neg, docs), strict=False)
    best = (
        sorted(scored, reverse=True) if limit is None else heapq.nlargest(limit, scored)
    )
    return [(score, -negated) for score, negated in best]
