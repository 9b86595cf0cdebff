"""Fixtures for search tests: a real Whoosh index per test, fed the way production feeds it."""

import datetime

import pytest

from archive.models import Article
from search import variants
from search.engine import snapshot
from tests.factories import make_article


@pytest.fixture(autouse=True)
def _fresh_search_state():
    """Start every test without another test's open searcher or variant table."""
    snapshot.close_snapshot()
    variants.forget()
    yield
    snapshot.close_snapshot()


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Create a published article and run the on-commit hooks, as a commit would."""

    def publish(**fields) -> Article:
        fields.setdefault("published", datetime.date(2020, 1, 1))
        with django_capture_on_commit_callbacks(execute=True):
            return make_article(**fields)

    return publish


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Context manager: run the block, then its on-commit hooks (index updates)."""

    def committed():
        return django_capture_on_commit_callbacks(execute=True)

    return committed
