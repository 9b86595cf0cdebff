"""“Did you mean”: a corrected query, in real words, when nothing matched.

The index holds stems (satellit), which cannot be shown to a reader. So the
nearest indexed stem is found first, then an article containing it is read
(through the caller's ``text_of``) to learn a real word with that stem (satellite).
"""

import re
from collections.abc import Callable

from search.engine import schema
from search.engine.analyzers import TOKEN_PATTERN, build_analyzer, is_cjk, surface_words

_ANALYZER = build_analyzer()
_MAX_WORDS = 8
_SEGMENTS_SEARCHED = 3


TextOf = Callable[[int], str | None]


def suggest_query(
    searcher, raw_query: str, typed_terms: tuple[str, ...], text_of: TextOf
) -> str | None:
    """Return ``raw_query`` with unknown words replaced by close known ones, or None.

    ``text_of(id)`` returns the searchable text of a document, or None.
    """
    # Words worth suggesting are in the largest segments; looking through
    # every small one would cost more than it finds.
    leaves = sorted(
        (s.reader() for s, _ in searcher.leaf_searchers()),
        key=lambda reader: reader.doc_count_all(),
        reverse=True,
    )[:_SEGMENTS_SEARCHED]
    # A word typed in capitals (KCNA, KJU) is an acronym, not a misspelling.
    acronyms = {
        _ANALYZER.term(word) for word in re.findall(r"\b[A-Z]{2,}\b", raw_query)
    }
    corrections = {}
    for term in typed_terms[:_MAX_WORDS]:
        if is_cjk(term) or term in acronyms:
            continue
        if any((schema.CONTENT, term) in r for r in leaves):
            continue
        stem = _nearest_stem(leaves, term)
        word = _real_word(searcher, stem, text_of) if stem else None
        if word:
            corrections[term] = word
    if not corrections:
        return None

    def replace(match: re.Match) -> str:
        if match.lastgroup != "word":
            return match.group()
        return corrections.get(_ANALYZER.term(match.group()) or "", match.group())

    suggestion = TOKEN_PATTERN.sub(replace, raw_query)
    return suggestion if suggestion != raw_query else None


def _nearest_stem(readers, term: str) -> str | None:
    # Two edits turn any short word into another (kcna -> kind): short words
    # get one edit, and words of three letters or fewer none.
    distances = (1, 2) if len(term) >= 5 else (1,) if len(term) >= 4 else ()
    for distance in distances:
        candidates = {}
        for reader in readers:
            for word in reader.terms_within(schema.CONTENT, term, distance, prefix=1):
                candidates[word] = candidates.get(word, 0) + reader.doc_frequency(
                    schema.CONTENT, word
                )
        if candidates:
            return max(candidates, key=lambda w: (candidates[w], w))
    return None


def _real_word(searcher, stem: str, text_of: TextOf) -> str | None:
    """Return a word from an indexed document whose index term is ``stem``."""
    for subsearcher, _offset in searcher.leaf_searchers():
        reader = subsearcher.reader()
        if (schema.CONTENT, stem) not in reader:
            continue
        matcher = reader.postings(schema.CONTENT, stem)
        if not matcher.is_active():
            continue
        text = text_of(int(reader.stored_fields(matcher.id())[schema.ID]))
        if text is None:
            return None
        for word, term in surface_words(text):
            if term == stem:
                return word
        return None
    return None
