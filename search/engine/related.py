"""Related reading: the documents most like a text, from a bounded candidate set.

The words a text repeats most are looked up in the index, and the most
telling of them (often in the text, rare in the archive) rank the other
documents. Their postings are read rarest first, up to ``RELATED_POSTINGS``
in all whatever the archive's size, and only the documents in them are
scored: the cost follows the article's own words, not the archive. A word
in so many documents that it would pass the bound tells little about any
of them (its idf is low) and is left out, unless it is the only one.
The text is meant to be that of an indexed document (``exclude``).
"""

import heapq

import numpy as np

from search.engine import schema
from search.engine.analyzers import build_analyzer
from search.engine.matching import Deadline
from search.engine.postings import cached_postings, postings
from search.engine.ranking import best, idf

_RELATED_CANDIDATES = 40
_RELATED_TERMS = 8
_RELATED_BUDGET = 0.25
# Postings read for one related reading, over all its key terms.
RELATED_POSTINGS = 10_000
_ANALYZER = build_analyzer()


def related_ids(snapshot, text: str, *, exclude: int, limit: int) -> list[int]:
    """Return ids of up to ``limit`` indexed articles most like ``text``."""
    if limit < 1:
        return []
    key_terms = _key_terms(snapshot, text)
    if not key_terms:
        return []
    table = snapshot.table
    docnums, scores = _scores(snapshot, key_terms, Deadline(_RELATED_BUDGET))
    alive = table.live_mask[docnums]
    ranked = best(scores[alive], docnums[alive], limit + 1)
    pks = table.pk[[docnum for _, docnum in ranked]].tolist()
    return [pk for pk in pks if pk != exclude][:limit]


def _key_terms(snapshot, text: str) -> list[tuple[str, float]]:
    """Return (term, weight) for the words that tell ``text`` apart, rarest first.

    The weight is the term's idf times how often the text uses it, relative
    to its most used key term; the terms' documents add up to at most
    ``RELATED_POSTINGS`` (the rarest term is kept whatever its count).
    """
    positions, _ = _ANALYZER.term_positions(text)
    repeated = heapq.nlargest(
        _RELATED_CANDIDATES, positions.items(), key=lambda item: len(item[1])
    )
    count = snapshot.table.live_count
    scored = []
    for term, where in repeated:
        frequency = _doc_frequency(snapshot, term)
        # A word only one document has (the article itself, whose text
        # this is) leads to no other.
        if frequency > 1:
            weight = idf(count, frequency)
            scored.append((len(where) * weight, len(where), weight, frequency, term))
    best_terms = heapq.nlargest(_RELATED_TERMS, scored)
    most = max((uses for _, uses, _, _, _ in best_terms), default=1)
    chosen, read = [], 0
    for _, uses, weight, frequency, term in sorted(best_terms, key=lambda t: t[3]):
        if chosen and read + frequency > RELATED_POSTINGS:
            break
        read += frequency
        chosen.append((term, weight * uses / most))
    return chosen


def _doc_frequency(snapshot, term: str) -> int:
    """How many documents (deleted ones too) hold ``term``, kept per segment.

    Looking a word up costs a few reads in each segment's term table; an
    article's most repeated words are mostly everyday ones that the next
    article repeats too, so their counts are kept with the postings.
    """
    total = 0
    for leaf in snapshot.leaves:
        frequency = _segment_frequency(snapshot, leaf, term)
        if frequency is None:
            frequency = leaf.searcher.reader().doc_frequency(schema.CONTENT, term)
            snapshot.docsets.put(_frequency_key(leaf, term), frequency)
        total += frequency
    return total


def _frequency_key(leaf, term: str) -> tuple:
    return (leaf.segment_id, ("frequency", schema.CONTENT, term))


def _segment_frequency(snapshot, leaf, term: str) -> int | None:
    """A term's document count in one segment when known without reading the index.

    Kept from before, or the length of its postings in memory (they list
    deleted documents too, as the count does), or 0 when the segment's
    words in memory lack it (in an archive of many segments a rare word is
    absent from most). None: not known.
    """
    frequency = snapshot.docsets.get(_frequency_key(leaf, term))
    if frequency is None:
        found = cached_postings(snapshot, leaf, schema.CONTENT, term)
        if found is not None:
            frequency = int(found.ids.size)
        elif leaf.values.lacks_word(term):
            frequency = 0
    return frequency


def _scores(snapshot, key_terms, deadline: Deadline) -> tuple[np.ndarray, np.ndarray]:
    """Return the documents holding any of ``key_terms`` (ascending) and their BM25.

    Only the documents in the terms' postings are scored, never an array
    the size of the archive. Past the deadline, a term whose postings are
    not in memory yet is left out (the rarest is always read).
    """
    found_ids, found_scores = [], []
    for n, (term, weight) in enumerate(key_terms):
        for leaf in snapshot.leaves:
            if _segment_frequency(snapshot, leaf, term) == 0:
                continue  # not in this segment: no need to look it up
            found = cached_postings(snapshot, leaf, schema.CONTENT, term)
            if found is None and (n == 0 or not deadline.passed()):
                found = postings(snapshot, leaf, schema.CONTENT, term)
            if found is not None and found.ids.size:
                found_ids.append(found.ids + leaf.offset)
                found_scores.append(found.weights * weight)
    if not found_ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    docnums, at = np.unique(np.concatenate(found_ids), return_inverse=True)
    # A term's document numbers are distinct: each adds once, in the terms'
    # order, as adding them one term after another would.
    scores = np.bincount(at, weights=np.concatenate(found_scores))
    scored = scores != 0
    return docnums[scored], scores[scored]
