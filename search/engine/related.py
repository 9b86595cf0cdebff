"""Related reading: the documents most like a text."""

import heapq

from search.engine import schema
from search.engine.analyzers import build_analyzer
from search.engine.matching import Deadline
from search.engine.ranking import idf, rank

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
            scored.append((len(where) * idf(count, frequency), len(where), term))
    best_terms = heapq.nlargest(_RELATED_TERMS, scored)
    # rank() weighs each term by its idf again: the boost is how often the
    # text uses it, relative to its most used key term.
    most = max((uses for _, uses, _ in best_terms), default=1)
    return [(schema.CONTENT, term, uses / most) for _, uses, term in best_terms]
