"""The document table: compact arrays that answer exactly what each document holds."""

import random
from collections import Counter

import numpy as np
import pytest

from search.engine import bitmaps
from search.engine.api import SearchRequest
from search.engine.doctable import code_dtype
from tests.search.engine.test_backend import day, doc, make_backend

# Enough sources that their codes no longer fit in one byte.
SOURCES = 700


def _documents(first: int, count: int, rng: random.Random) -> list:
    return [
        doc(
            pk,
            f"Report {pk}",
            "radio border " * rng.randint(1, 3),
            day=day(rng.randint(1996, 2024), rng.randint(1, 12), rng.randint(1, 28)),
            source=rng.randrange(SOURCES),
            tags=tuple(rng.sample(range(40), rng.randint(0, 4))),
            language=rng.choice(["en", "ko", "zh"]),
            kind=rng.choice(["news", "report", "statement"]),
            regions=tuple(rng.sample(["north", "south", "border", "sea"], 2))
            if rng.random() < 0.5
            else (),
        )
        for pk in range(first, first + count)
    ]


@pytest.fixture
def archive(tmp_path):
    """An index of several segments with replaced and deleted documents."""
    rng = random.Random(5)
    backend = make_backend(tmp_path / "index")
    location = backend.new_generation()
    backend.make_current(location)
    documents = {}
    for first in (1, 1201, 1801):
        batch = _documents(first, 600 if first > 1 else 1200, rng)
        backend.index(batch)
        documents.update((d.id, d) for d in batch)
    replaced = _documents(100, 50, rng)
    backend.index(replaced)
    documents.update((d.id, d) for d in replaced)
    gone = list(range(1500, 1550))
    backend.delete(gone)
    for pk in gone:
        del documents[pk]
    yield backend, documents
    backend.close()


def test_every_document_reads_back_its_own_values_and_counts(archive):
    backend, documents = archive
    names = backend.layout.names
    with backend._snapshot() as snapshot:
        table = snapshot.table
        assert len(snapshot.leaves) > 1
        live = bitmaps.to_docnums(table.live)
        assert sorted(table.pk[live].tolist()) == sorted(documents)
        read = table.values_of(live.tolist())
        for docnum, values in zip(live.tolist(), read, strict=True):
            document = documents[int(table.pk[docnum])]
            assert values == tuple(document.facets[name] for name in names)
            assert table.days[docnum] == document.day
        some = live[::3]
        for name in names:
            expected = Counter()
            for docnum in some.tolist():
                value = documents[int(table.pk[docnum])].facets[name]
                expected.update(value if isinstance(value, tuple) else [value])
            assert table.facet(name).count(some) == expected
            # A whole searcher's codes in the smallest type that holds them.
            column = table.facet(name)
            assert column.codes.dtype == code_dtype(len(column.values))
        assert table.facet("source").codes.dtype == np.uint16


def test_a_page_of_hits_carries_each_hits_own_facet_values(archive):
    backend, documents = archive
    matches = backend.search(SearchRequest(q="radio", limit=50))
    assert matches.total == len(documents)
    assert len(matches.ranked) == 50
    for (pk, _), values in zip(matches.ranked, matches.ranked_values, strict=True):
        assert type(pk) is int
        document = documents[pk]
        assert values == tuple(document.facets[n] for n in backend.layout.names)
