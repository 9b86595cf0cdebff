"""A page of the best is that slice of every match ranked, across segments, and
facet counts are those of every match."""

import random
from collections import Counter

import numpy as np
import pytest

from search.engine.api import SearchRequest
from search.engine.facets import Selection
from search.engine.ranking import best
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
        tags = tuple(sorted(rng.sample(range(1, 6), k=rng.randint(0, 3))))
        found.append(doc(pk, title, body, source=1 + pk % 3, tags=tags))
    return found


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    # Read only by the tests: built once for all of them.
    backend = make_backend(tmp_path_factory.mktemp("ranking") / "index")
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
    # Rankings are kept per snapshot: none from the tests before, and the
    # pages are asked for first.
    backend.close()
    page = backend.search(SearchRequest(q=q, limit=limit))
    second = backend.search(SearchRequest(q=q, offset=limit, limit=limit))
    every = backend.search(SearchRequest(q=q, limit=None))
    assert every.total > limit * 2
    assert page.ranked == every.ranked[:limit]
    assert second.ranked == every.ranked[limit : 2 * limit]


@pytest.mark.parametrize("q", ["radio", "radio OR usb", "jamming"])
def test_facets_count_every_match_of_common_and_rare_words(backend, q):
    # "radio" is in most documents (counted by the few it is not in), jamming
    # in fewer; each facet is counted under the other facet's filter only.
    facets = {d.id: d.facets for d in documents()}
    chosen = Selection(selected=(("source", frozenset({2})),))
    for selection in (Selection(), chosen):
        matches = backend.search(SearchRequest(q=q, limit=None, selection=selection))
        every = backend.search(SearchRequest(q=q, limit=None))
        matched = [facets[pk] for pk, _ in every.ranked]
        in_source = [f for f in matched if f["source"] in selection.values("source")]
        tags_of = in_source if selection.active else matched
        assert matches.counts["source"] == Counter(f["source"] for f in matched)
        assert matches.counts["tags"] == Counter(t for f in tags_of for t in f["tags"])


@pytest.mark.parametrize("seed", range(4))
def test_the_best_of_a_large_set_are_those_of_sorting_it_whole(seed):
    """Narrowing a large set before choosing its best keeps the same documents in
    the same order, ties (many equal scores, or dates) by index order."""
    rng = np.random.default_rng(seed)
    size = 30_000
    docnums = np.sort(rng.choice(1_000_000, size, replace=False))
    for scores in (
        rng.random(size),
        rng.integers(0, 4, size).astype(float),  # a few scores, many ties
        -rng.integers(0, 500, size),  # newest first: ages, many equal
    ):
        order = sorted(zip(-scores, docnums, strict=True))
        for limit in (1, 20, 100, 2_000):
            expected = [(-s, d) for s, d in order[:limit]]
            assert best(scores, docnums, limit) == expected
