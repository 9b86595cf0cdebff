"""A page of the best is the same as that slice of every match ranked, across segments."""

import random

import pytest

from search.engine.api import SearchRequest
from tests.search.engine.test_backend import doc, make_backend

WORDS = ["radio", "phone", "market", "border", "media", "jamming", "drama", "usb"]


def documents():
    rng = random.Random(5)
    # Many documents mention the common words in the text; a few also in the
    # title, where they count double: those are the ones worth ranking.
    found = []
    for pk in range(1, 1500):
        body = " ".join(rng.choices(WORDS, k=rng.randint(3, 40)))
        title = " ".join(rng.sample(WORDS, k=rng.randint(0, 2))) or "report"
        found.append(doc(pk, title, body))
    return found


@pytest.fixture
def backend(tmp_path):
    backend = make_backend(tmp_path / "index")
    location = backend.new_generation()
    backend.make_current(location)
    docs = documents()
    # Several commits: several segments, as a live archive has.
    for start in range(0, len(docs), 400):
        backend.index(docs[start : start + 400])
    yield backend
    backend.close()


@pytest.mark.parametrize(
    "q", ["radio", "radio jamming", "media OR drama", "usb -border", "phone market"]
)
@pytest.mark.parametrize("limit", [1, 20, 45])
def test_the_best_are_the_best_of_everything_scored(backend, q, limit):
    # Rankings are kept per snapshot: the pages are asked for first.
    page = backend.search(SearchRequest(q=q, limit=limit))
    second = backend.search(SearchRequest(q=q, offset=limit, limit=limit))
    every = backend.search(SearchRequest(q=q, limit=None))
    assert every.total > limit * 2
    assert page.ranked == every.ranked[:limit]
    assert second.ranked == every.ranked[limit : 2 * limit]
