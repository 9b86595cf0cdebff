"""What the search service returns: a page of hits with everything the page shows.

Callers build a ``SearchParams`` (the search page does it in ``SearchForm``)
and receive a ``SearchPage``; the listing's shared values (``SearchParams``,
``Facet``, ``FacetValue``, ``YearCount``) live in ``archive.listing.types``.
"""

from dataclasses import dataclass

from django.utils.safestring import SafeString

from archive.listing.types import Facet, SearchParams, YearCount


@dataclass(frozen=True)
class Hit:
    # archive.models.Article (with source, authors and tags) or search.rows.HitRow
    article: object
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
    # True when the budget ran out before every article was looked at: the
    # total, facet counts and histogram are estimates.
    estimated: bool = False
    elapsed_ms: float = 0.0
