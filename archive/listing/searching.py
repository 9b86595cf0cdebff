"""How archive pages reach search without importing it.

The article page shows related reading and, for a reader who came from a
search, previous and next within its results. Both come from the search app,
which registers itself here when Django starts (``search/apps.py``); the
archive's own pages never import ``search``. Without it, pages show neither.
"""

from typing import Protocol

from django.http import QueryDict

from archive.models import Article


class Searching(Protocol):
    """What archive pages ask of search."""

    def related(self, article: Article, n: int) -> tuple[Article, ...]:
        """Return up to ``n`` published articles most like ``article``."""

    def listing(self, query: QueryDict) -> tuple[QueryDict, list[int]]:
        """Return a search's cleaned query string and every match's id, in order."""


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
