"""Spelling variants: a lookup table, and the query rewrite that uses it.

A spelling is compared by its index terms, so Kim Jong-un, Kim Jŏng-ŭn and
KIM JONG UN are one form and 김정은 another.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from whoosh import query

from search.engine.analyzers import build_analyzer

_ANALYZER = build_analyzer()


def searchable_form(spelling: str) -> tuple[str, ...]:
    """Return the index terms a spelling is searched as (empty if none)."""
    return tuple(token.text for token in _ANALYZER(spelling, mode="query"))


@dataclass(frozen=True)
class Variant:
    spelling: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class VariantTable:
    # terms of a spelling -> every variant of the groups it belongs to
    alternatives: dict[tuple[str, ...], tuple[Variant, ...]]
    longest: int  # the most terms any spelling has

    def lookup(self, terms: tuple[str, ...]) -> tuple[Variant, ...]:
        """Return the variants to search besides ``terms`` (one per distinct form)."""
        found = self.alternatives.get(terms, ())
        return tuple(v for v in found if v.terms != terms)


EMPTY = VariantTable(alternatives={}, longest=0)


def build_table(groups: list[list[str]]) -> VariantTable:
    """Return the lookup table for groups of spellings."""
    members: dict[tuple[str, ...], dict[tuple[str, ...], Variant]] = defaultdict(dict)
    longest = 0
    for spellings in groups:
        variants = {}
        for spelling in spellings:
            terms = searchable_form(spelling)
            if terms and terms not in variants:
                variants[terms] = Variant(spelling, terms)
        if len(variants) < 2:
            continue
        longest = max(longest, *(len(t) for t in variants))
        for terms in variants:
            for other_terms, variant in variants.items():
                members[terms].setdefault(other_terms, variant)
    return VariantTable(
        alternatives={k: tuple(v.values()) for k, v in members.items()},
        longest=longest,
    )


def query_words(q: query.Query) -> tuple[str, ...] | None:
    """Return the terms of a term or exact phrase query, else None."""
    if isinstance(q, query.Term):
        return (q.text,)
    if isinstance(q, query.Phrase) and q.slop == 1:
        return tuple(q.words)
    return None


@dataclass
class VariantExpander:
    """Rewrite a parsed query so that a spelling in the table finds its variants too."""

    table: VariantTable
    also_matched: list[str] = field(default_factory=list)

    def visit(self, q: query.Query) -> query.Query:
        if isinstance(q, query.And):
            return query.And(self._expand_runs(list(q.subqueries)), boost=q.boost)
        words = query_words(q)
        if words is not None:
            return self._alternatives([q], q.fieldname, words) or q
        if isinstance(q, (query.CompoundQuery, query.Not)):
            return q.apply(self.visit)
        return q

    def _expand_runs(self, children: list[query.Query]) -> list[query.Query]:
        """Replace runs of words that spell a variant (kim jong un) by an OR."""
        out, i = [], 0
        while i < len(children):
            for j in range(min(len(children), i + self.table.longest), i + 1, -1):
                run = children[i:j]
                words = [query_words(c) for c in run]
                fieldnames = {getattr(c, "fieldname", None) for c in run}
                if None in words or len(fieldnames) != 1:
                    continue
                terms = tuple(w for ws in words for w in ws)
                expanded = self._alternatives(run, fieldnames.pop(), terms)
                if expanded is not None:
                    out.append(expanded)
                    i = j
                    break
            else:
                out.append(self.visit(children[i]))
                i += 1
        return out

    def _alternatives(
        self, typed: list[query.Query], fieldname: str, terms: tuple[str, ...]
    ) -> query.Query | None:
        variants = self.table.lookup(terms)
        if not variants:
            return None
        original = typed[0] if len(typed) == 1 else query.And(typed)
        others = []
        for variant in variants:
            self.also_matched.append(variant.spelling)
            others.append(
                query.Term(fieldname, variant.terms[0])
                if len(variant.terms) == 1
                else query.Phrase(fieldname, list(variant.terms))
            )
        return query.Or([original, *others])
