"""The values a listing passes around, and its sizes, declared once.

Browse builds ``SearchParams`` from its FilterSet, search from its form; both
describe facets as ``Facet``/``FacetValue`` and the timeline as ``YearCount``.
"""

import datetime
from dataclasses import dataclass

# Articles per page, on browse, search and registry pages.
PAGE_SIZE = 20
# How many values a facet lists until its "more" link asks for all.
FACET_LIMIT = 10
# Longer queries are cut, with a notice.
MAX_QUERY_LENGTH = 500
# Search orders; browse has its own (``archive/browse_form.py``).
SORTS = ("relevance", "newest", "oldest")


@dataclass(frozen=True)
class SearchParams:
    """One listing, already validated: every value here is known to be well formed."""

    q: str = ""
    # (facet name, value) pairs. Values of one facet are ORed, facets ANDed.
    selected: frozenset[tuple[str, str]] = frozenset()
    # (facet name, value) pairs that results must not have.
    excluded: frozenset[tuple[str, str]] = frozenset()
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = PAGE_SIZE
    # False turns off romanization/Hangul variant expansion ("exact spelling only").
    expand_variants: bool = True
    # How many values each facet lists; a facet named in ``expanded_facets``
    # lists all its values (the "more" link).
    facet_limit: int = FACET_LIMIT
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
class CountedListing:
    """A listing narrowed by filters alone, as the search index counts it.

    Browse asks for it so that no request counts the articles table: the
    index holds every published article's facet values in memory.
    """

    total: int
    facets: tuple[Facet, ...]
    histogram: tuple[YearCount, ...]
    # The ids of the page asked for, in the listing's order; None for an
    # order the index does not keep (by title).
    ids: tuple[int, ...] | None
    # In an order the index does not keep, every matching id (in no
    # particular order) when there are few, so that the database sorts only
    # those; None otherwise.
    members: tuple[int, ...] | None = None
