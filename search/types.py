"""The values that cross the search service's door: what callers ask, what they get.

Callers build a ``SearchParams`` (the search page does it in ``SearchForm``) and
receive a ``SearchPage``; nothing of Whoosh's leaves ``search/``.
"""

import datetime
from dataclasses import dataclass

from django.utils.safestring import SafeString

# Facet names double as URL parameter names; values are slugs or codes:
# source/tag/author -> slug, year -> "2012", lang -> "en", kind -> "news".
FACET_NAMES = ("source", "tag", "author", "year", "lang", "kind")
SORTS = ("relevance", "newest", "oldest")


@dataclass(frozen=True)
class SearchParams:
    """One search, already validated: every value here is known to be well formed."""

    q: str = ""
    # (facet name, value) pairs. Values of one facet are ORed, facets ANDed.
    selected: frozenset[tuple[str, str]] = frozenset()
    # (facet name, value) pairs that results must not have.
    excluded: frozenset[tuple[str, str]] = frozenset()
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    # False turns off romanization/Hangul variant expansion ("exact spelling only").
    expand_variants: bool = True
    # How many values each facet lists; a facet named in ``expanded_facets``
    # lists all its values (the "more" link).
    facet_limit: int = 10
    expanded_facets: frozenset[str] = frozenset()

    def values(self, facet: str) -> tuple[str, ...]:
        """Return the selected values of one facet, sorted."""
        return tuple(sorted(v for f, v in self.selected if f == facet))

    def excluded_values(self, facet: str) -> tuple[str, ...]:
        """Return the excluded values of one facet, sorted."""
        return tuple(sorted(v for f, v in self.excluded if f == facet))


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    excluded: bool = False


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: tuple[FacetValue, ...]
    # True when more values exist than ``values`` lists.
    truncated: bool = False


@dataclass(frozen=True)
class YearCount:
    year: int
    count: int


@dataclass(frozen=True)
class Hit:
    article: object  # archive.models.Article, loaded with source, authors and tags
    rank: int  # 1-based position in the whole result list
    score: float
    # Escaped text with <mark> around the matched words (safe to render).
    snippet: SafeString


@dataclass(frozen=True)
class SearchPage:
    params: SearchParams
    hits: tuple[Hit, ...] = ()
    total: int = 0
    page: int = 1
    pages: int = 0
    facets: tuple[Facet, ...] = ()
    histogram: tuple[YearCount, ...] = ()
    # A corrected query when this one matched nothing, else None.
    suggestion: str | None = None
    # Variant spellings that were searched besides the ones typed.
    also_matched: tuple[str, ...] = ()
    # Messages for the reader ("searched as plain words", "results are partial").
    notices: tuple[str, ...] = ()
    # True when the time budget ran out and the results are incomplete.
    partial: bool = False
    elapsed_ms: float = 0.0
