"""How archive pages reach search without importing it.

The article page shows related reading and, for a reader who came from a
search, previous and next within its results; the browse page has the
index count a filtered listing. All come from the search app, which
registers itself here when Django starts (``search/apps.py``); the
archive's own pages never import ``search``. Without it, pages show no
related reading or search navigation, and browse counts in the database.
"""

from typing import Protocol

from django.http import QueryDict

from archive.listing.types import CountedListing, SearchParams
from archive.models import Article


class Searching(Protocol):
    """What archive pages ask of search."""

    def related(self, article: Article, n: int) -> tuple[Article, ...]:
        """Return up to ``n`` published articles most like ``article``."""

    def listing(self, query: QueryDict) -> tuple[QueryDict, list[int]]:
        """Return a search's cleaned query string and every match's id, in order."""

    def counted(self, params: SearchParams) -> CountedListing | None:
        """Return a filter-only listing as the index counts it, or None if it cannot."""


_registered: list[Searching] = []


def register(searching: Searching) -> None:
    """Make ``searching`` what archive pages use (called once, at startup)."""
    _registered[:] = [searching]


def related_articles(article: Article, n: int) -> tuple[Article, ...]:
    """Return up to ``n`` articles like ``article`` (none without search)."""
    return _registered[0].related(article, n) if _registered else ()


def search_listing(query: QueryDict) -> tuple[QueryDict, list[int]] | None:
    """Return the search ``query`` names (cleaned) and its ids, or None without search."""
    return _registered[0].listing(query) if _registered else None


def counted_listing(params: SearchParams) -> CountedListing | None:
    """Return the listing ``params`` filter as the index counts it (None: count elsewhere)."""
    return _registered[0].counted(params) if _registered else None
