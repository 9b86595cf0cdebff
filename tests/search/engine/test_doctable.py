"""The document table: compact arrays that answer exactly what each document holds."""

import random
from collections import Counter

import numpy as np
import pytest

from search.engine import bitmaps, doctable
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


def _counted(documents: dict, pks, name: str) -> Counter:
    """Count facet ``name`` over the documents ``pks`` from the documents themselves."""
    expected = Counter()
    for pk in pks:
        value = documents[pk].facets[name]
        expected.update(value if isinstance(value, tuple) else [value])
    return expected


def _check_counts(
    backend, documents: dict, rng: random.Random, *, rows: bool = True
) -> None:
    names = backend.layout.names
    with backend._snapshot() as snapshot:
        table = snapshot.table
        # Both ways of counting are taken: tags (40 values, up to four a
        # document) as rows of bytes, the single-valued facets together.
        assert (table.facet("tags").rows is not None) == rows
        assert (table.facet("regions").rows is not None) == rows
        assert any(len(joint.names) > 1 for joint in table.joint_codes)
        live = bitmaps.to_docnums(table.live).tolist()
        # Small and large sets (a large one is counted by what it lacks).
        for share in (0.02, 0.3, 0.7, 1.0):
            chosen = sorted(rng.sample(live, round(len(live) * share)))
            docs = bitmaps.from_docnums(chosen)
            pks = table.pk[chosen].tolist()
            counts = table.count_all(names, docs)
            for name in names:
                assert counts[name] == _counted(documents, pks, name), (share, name)
                assert table.count(name, docs) == counts[name]
            for joint in table.joint_codes:
                tallies = joint.tally(np.asarray(chosen))
                for name in joint.names:
                    assert np.array_equal(
                        tallies[name], table.facet(name).tally(np.asarray(chosen))
                    )


def test_facet_counts_by_rows_and_together_equal_each_documents_values(
    archive, monkeypatch
):
    """Counting by pairs of a row's codes and by combinations of single-valued
    facets counts what each document holds: multi-valued tags, replaced and
    deleted documents, and after a later save."""
    backend, documents = archive
    monkeypatch.setattr(doctable, "_PAIRS_FROM", 0)
    # Small enough that language and kind (and year with them) are counted together.
    monkeypatch.setattr(doctable, "JOINT_CELLS", 100)
    rng = random.Random(11)
    _check_counts(backend, documents, rng)
    # Without rows (facets of many values, such as authors), the first
    # value of each document is counted apart from the others.
    monkeypatch.setattr(doctable, "_ROW_VALUES", 0)
    backend.close()
    _check_counts(backend, documents, rng, rows=False)
    monkeypatch.setattr(doctable, "_ROW_VALUES", 255)
    # A save after indexing: a new segment, a replaced and a deleted document.
    saved = _documents(2401, 30, rng) + _documents(5, 1, rng)
    backend.index(saved)
    documents.update((d.id, d) for d in saved)
    backend.delete([7])
    del documents[7]
    _check_counts(backend, documents, rng)
