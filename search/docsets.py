"""Which documents a query matches, and their ranking, on a time budget.

Boolean structure is evaluated on bitmaps of the terms' documents (see
``postings``), phrases by checking positions (see ``phrases``), anything
else with Whoosh's own matchers. Ranking sums the BM25 weights of the
matched terms with NumPy over all documents at once, so a query over half
the archive costs little more than one over a handful. When the time budget
runs out, the answer is what was found so far.
"""

import heapq
import math
import operator
import time
from array import array
from functools import reduce

import numpy as np
from whoosh import query

from search import bitmaps, schema
from search.analyzers import build_analyzer
from search.phrases import phrase_docs
from search.postings import cached_postings, postings, term_bitmap

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


# Ranking reads at most this many postings per document in the archive: a
# query of fifty common words is ranked by its rarest words (the ones that
# tell documents apart); words in most documents add almost nothing to BM25.
RANKED_POSTINGS_PER_DOCUMENT = 6


def _weighted_terms(snapshot, terms, deadline):
    """Yield (idf * boost, [(offset, postings) per segment]) for the ranked terms."""
    count = snapshot.table.live_count or 1
    found_terms = []
    for fieldname, text, boost in terms:
        found = []
        for leaf in snapshot.leaves:
            read = cached_postings(snapshot, leaf, fieldname, text)
            if read is None and not (deadline and deadline.passed()):
                read = postings(snapshot, leaf, fieldname, text)
            if read is not None and read.ids.size:
                found.append((leaf.offset, read))
        frequency = sum(read.ids.size for _, read in found)
        if frequency:
            found_terms.append((frequency, boost, found))
    budget = RANKED_POSTINGS_PER_DOCUMENT * snapshot.table.size
    for n, (frequency, boost, found) in enumerate(
        sorted(found_terms, key=lambda t: t[0])
    ):
        if n and frequency > budget:
            break
        budget -= frequency
        yield boost * _idf(count, frequency), found


def _idf(documents: int, frequency: int) -> float:
    """BM25's inverse document frequency of a term in ``frequency`` of ``documents``."""
    return math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))


def rank(
    snapshot,
    terms: list[tuple[str, str, float]],
    docs: int,
    limit: int | None,
    deadline: Deadline | None = None,
) -> list[tuple[float, int]]:
    """Return (score, docnum) of the best ``limit`` documents of bitmap ``docs``.

    A document's score is the BM25 weight of each (field, term, boost) of
    ``terms`` it contains, times the term's idf and boost, summed; ties keep
    index order. ``limit`` None ranks them all. Past the deadline, terms
    whose postings are not in memory yet are left out of the score.
    """
    size = snapshot.table.size
    totals = np.zeros(size)
    for idf, found in _weighted_terms(snapshot, terms, deadline):
        for offset, read in found:
            # A term's document numbers are distinct, so this adds once each.
            totals[read.ids + offset] += read.weights * idf
    candidates = np.flatnonzero(bitmaps.mask(docs, size))
    return best(totals[candidates], candidates, limit)


def best(
    scores: np.ndarray, docnums: np.ndarray, limit: int | None
) -> list[tuple[float, int]]:
    """Return the ``limit`` highest (score, docnum), ties by ascending docnum.

    ``docnums`` must be ascending. ``limit`` None sorts them all.
    """
    if limit is not None and limit < scores.size:
        if limit <= 0:
            return []
        # Everything above the limit-th highest score, then as many of the
        # documents scoring exactly that as fit, in index order.
        threshold = np.partition(scores, scores.size - limit)[scores.size - limit]
        above = np.flatnonzero(scores > threshold)
        tied = np.flatnonzero(scores == threshold)[: limit - above.size]
        chosen = np.concatenate((above, tied))
        scores, docnums = scores[chosen], docnums[chosen]
    order = np.lexsort((docnums, -scores))
    return list(zip(scores[order].tolist(), docnums[order].tolist(), strict=True))


# Related reading: the words of an article repeated most often are looked up
# in the index, and the most telling of them (often in the article, rare in
# the archive) rank the other articles.
_RELATED_CANDIDATES = 40
_RELATED_TERMS = 8
_RELATED_BUDGET = 0.25
_ANALYZER = build_analyzer()


def related_ids(snapshot, text: str, *, exclude: int, limit: int) -> list[int]:
    """Return ids of up to ``limit`` indexed articles most like ``text``."""
    table = snapshot.table
    key_terms = _key_terms(snapshot, text)
    if not key_terms or limit < 1:
        return []
    deadline = Deadline(_RELATED_BUDGET)
    ranked = rank(snapshot, key_terms, table.live, limit + 1, deadline)
    pks = [table.pk[docnum] for score, docnum in ranked if score > 0]
    return [pk for pk in pks if pk != exclude][:limit]


def _key_terms(snapshot, text: str) -> list[tuple[str, str, float]]:
    """Return (field, term, weight) for the words that tell ``text`` apart."""
    positions, _ = _ANALYZER.term_positions(text)
    repeated = heapq.nlargest(
        _RELATED_CANDIDATES, positions.items(), key=lambda item: len(item[1])
    )
    reader = snapshot.searcher.reader()
    count = snapshot.table.live_count
    scored = []
    for term, where in repeated:
        frequency = reader.doc_frequency(schema.CONTENT, term)
        if frequency:
            scored.append((len(where) * _idf(count, frequency), len(where), term))
    best_terms = heapq.nlargest(_RELATED_TERMS, scored)
    # rank() weighs each term by its idf again: the boost is how often the
    # text uses it, relative to its most used key term.
    most = max((uses for _, uses, _ in best_terms), default=1)
    return [(schema.CONTENT, term, uses / most) for _, uses, term in best_terms]
