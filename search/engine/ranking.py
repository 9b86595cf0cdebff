"""Ranking: BM25 over the matched documents, with NumPy, on a time budget.

Ranking sums the BM25 weights of the matched terms over all documents at
once, so a query over half the archive costs little more than one over a
handful.
"""

import math

import numpy as np

from search.engine.matching import Deadline
from search.engine.postings import cached_postings, postings

# Ranking reads at most this many postings per document in the archive: a
# query of fifty common words is ranked by its rarest words (the ones that
# tell documents apart); words in most documents add almost nothing to BM25.
RANKED_POSTINGS_PER_DOCUMENT = 6
# A term in at least one document of this many of a segment is added to the
# scores by counting over the whole segment (see ``rank``).
_DENSE = 4


def _weighted_terms(snapshot, terms, deadline):
    """Yield (idf * boost, [(offset, documents, postings) per segment]) for the ranked terms."""
    count = snapshot.table.live_count or 1
    found_terms = []
    for fieldname, text, boost in terms:
        found = []
        for leaf in snapshot.leaves:
            read = cached_postings(snapshot, leaf, fieldname, text)
            if read is None and not (deadline and deadline.passed()):
                read = postings(snapshot, leaf, fieldname, text)
            if read is not None and read.ids.size:
                found.append((leaf.offset, leaf.values.size, read))
        frequency = sum(read.ids.size for _, _, read in found)
        if frequency:
            found_terms.append((frequency, boost, found))
    budget = RANKED_POSTINGS_PER_DOCUMENT * snapshot.table.size
    for n, (frequency, boost, found) in enumerate(
        sorted(found_terms, key=lambda t: t[0])
    ):
        if n and frequency > budget:
            break
        budget -= frequency
        yield boost * idf(count, frequency), found


def idf(documents: int, frequency: int) -> float:
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
        for offset, documents, read in found:
            weights = read.weights * idf
            # A term's document numbers are distinct, so each document gets
            # one weight either way (the same sum, bit for bit). Counting
            # into the whole segment is one pass where the term is in many
            # of its documents; indexing touches only those it is in.
            if read.ids.size * _DENSE >= documents:
                totals[offset : offset + documents] += np.bincount(
                    read.ids, weights, documents
                )
            else:
                totals[read.ids + offset] += weights
    candidates = snapshot.table.docnums(docs)
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
        scores, docnums = _contenders(scores, docnums, limit)
        # Everything above the limit-th highest score, then as many of the
        # documents scoring exactly that as fit, in index order.
        threshold = np.partition(scores, scores.size - limit)[scores.size - limit]
        above = np.flatnonzero(scores > threshold)
        tied = np.flatnonzero(scores == threshold)[: limit - above.size]
        chosen = np.concatenate((above, tied))
        scores, docnums = scores[chosen], docnums[chosen]
    order = np.lexsort((docnums, -scores))
    return list(zip(scores[order].tolist(), docnums[order].tolist(), strict=True))


# Scores are looked at in blocks of this many to narrow a large set cheaply.
_BLOCK = 64


def _contenders(
    scores: np.ndarray, docnums: np.ndarray, limit: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return the scores and documents that may be among the best ``limit``, in order.

    The ``limit``-th highest of the blocks' best scores is a score that at
    least ``limit`` documents reach (one in each of those blocks), so no
    document scoring less can be among the best, and every document tied
    with the last of them scores at least that. Partitioning a block's best
    of a large set and then the few left costs a fraction of partitioning
    it whole.
    """
    blocks = scores.size // _BLOCK
    if blocks < 4 * limit:
        return scores, docnums
    tops = scores[: blocks * _BLOCK].reshape(blocks, _BLOCK).max(axis=1)
    bound = np.partition(tops, blocks - limit)[blocks - limit]
    keep = np.flatnonzero(scores >= bound)
    return scores[keep], docnums[keep]
