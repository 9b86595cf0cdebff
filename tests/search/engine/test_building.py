"""A fresh build writes the index Whoosh's own writer would, over one process or several."""

import dataclasses
import hashlib
import random

import pytest

from search.engine import store, whoosh_backend
from search.engine.api import SearchRequest
from search.engine.facets import Selection
from tests.search.engine.test_backend import day, doc, make_backend

WORDS = [
    "radio",
    "jamming",
    "border",
    "phones",
    "smuggled",
    "Pyongyang",
    "P'yŏngyang",
    "Jong-un",
    "market",
    "broadcast",
    "broadcasting",
    "television",
    "USB",
    "drama",
    "crackdown",
    "listeners",
]
HANGUL = ["북한", "단속", "김정은은", "로동신문을", "라디오", "휴대전화"]


def corpus(count: int) -> list:
    """Documents with English and Korean text, repeated words and empty fields."""
    rng = random.Random(5)
    documents = []
    for pk in range(1, count + 1):
        words = HANGUL if pk % 7 == 0 else WORDS
        body = " ".join(rng.choices(words, k=rng.randint(0, 300)))
        documents.append(
            doc(
                pk * 3,  # ids with gaps, as in the database
                " ".join(rng.choices(words, k=rng.randint(1, 6))),
                body,
                source=rng.randint(1, 4),
                tags=tuple(sorted(rng.sample(range(1, 9), rng.randint(0, 3)))),
                day=day(2000 + pk % 25, 1 + pk % 12, 1 + pk % 28),
                language="ko" if pk % 7 == 0 else "en",
            )
        )
    return documents


def segment_files(location) -> dict[str, list[str]]:
    """Each kind of segment file (postings, terms, columns) and its bytes' digest."""
    found: dict[str, list[str]] = {}
    for path in location.iterdir():
        if path.name.startswith("MAIN_") and "." in path.name:
            kind = path.name.split(".", 1)[1]
            found.setdefault(kind, []).append(
                hashlib.sha256(path.read_bytes()).hexdigest()
            )
    return found


def answers(backend) -> list:
    requests = [
        SearchRequest(q=q, limit=None)
        for q in (
            "radio",
            "border phones",
            '"radio jamming"',
            "김정은",
            "jong-un",
            "broad*",
        )
    ]
    requests += [
        # Every match: which fifteen rank first depends on each segment's
        # statistics, and segments built in two processes come in either order.
        SearchRequest(
            q="radio",
            selection=Selection(selected=(("source", frozenset({2})),)),
            limit=None,
        ),
        SearchRequest(q="market", sort="newest", limit=15),
        SearchRequest(limit=15),
    ]
    found = []
    for request in requests:
        # Whole answers even on a busy machine: no budget cuts a search short.
        matches = backend.search(dataclasses.replace(request, budget=60.0))
        found.append(
            (
                matches.total,
                [(pk, round(score, 5)) for pk, score in matches.ranked],
                {name: dict(counts) for name, counts in matches.counts.items()},
                matches.histogram,
            )
        )
    return found


@pytest.fixture
def documents():
    return corpus(150)


def written_whole(tmp_path, documents):
    """An index of ``documents`` written by Whoosh's writer, and an empty backend beside it."""
    written = make_backend(tmp_path / "written")
    location = written.new_generation()
    with written.writer(location, timeout=0) as writer:
        writer.add(documents)
    return written, location, make_backend(tmp_path / "built")


def test_a_built_segment_is_byte_for_byte_what_whooshs_writer_writes(
    tmp_path, documents
):
    _, location, built = written_whole(tmp_path, documents)
    other = built.new_generation()
    built.build(
        other, [documents[:40], documents[40:]], procs=1, segment_documents=10**6
    )

    assert segment_files(other) == segment_files(location)


@pytest.mark.parametrize("procs", [1, 2])
def test_an_index_built_in_segments_finds_and_counts_as_one_written_whole(
    tmp_path, documents, procs
):
    written, location, built = written_whole(tmp_path, documents)
    written.make_current(location)
    other = built.new_generation()
    taken = []
    built.build(
        other,
        [documents[n : n + 20] for n in range(0, len(documents), 20)],
        procs=procs,
        segment_documents=35,
        progress=taken.append,
    )
    built.make_current(other)

    sizes = sorted(
        r.doc_count_all() for r, _ in store.open_index(other).reader().leaf_readers()
    )
    assert sum(sizes) == sum(taken) == 150
    assert max(sizes) == 35
    if procs == 1:
        assert sizes == [10, 35, 35, 35, 35]
    # Ranking reads per-segment statistics, so compare what is found and counted.
    assert [without_scores(a) for a in answers(built)] == [
        without_scores(a) for a in answers(written)
    ]

    # Both take the same edits the log applies after a rebuild: an article
    # rewritten, one removed, new ones (a word no document had yet).
    changed = doc(documents[3].id, "Radio drama", "smuggled phones")
    added = [doc(1000 + n, "Marmot radio", "border marmot") for n in range(3)]
    for backend, path in ((written, location), (built, other)):
        with backend.writer(path, timeout=0, merge_limit=300) as writer:
            writer.index([changed, *added])
            writer.delete([documents[10].id])
    assert [without_scores(a) for a in answers(built)] == [
        without_scores(a) for a in answers(written)
    ]
    marmots = built.search(SearchRequest(q="marmot", limit=None))
    assert sorted(pk for pk, _ in marmots.ranked) == [1000, 1001, 1002]
    assert built.document_count(other) == len(documents) + 2
    written.close()
    built.close()


def without_scores(answer):
    total, ranked, counts, histogram = answer
    return total, sorted(pk for pk, _ in ranked), counts, histogram


def test_a_worker_that_fails_fails_the_build_and_nothing_is_committed(tmp_path):
    backend = make_backend(tmp_path / "index")
    location = backend.new_generation()
    broken = doc(9, "Radio", "jamming")
    broken.facets.pop("source")  # the layout needs it: indexing it raises

    with pytest.raises(RuntimeError, match="indexing process failed"):
        backend.build(
            location, [[doc(1, "Radio")], [broken]], procs=2, segment_documents=5
        )
    assert backend.document_count(location) == 0


def test_a_stage_adopted_in_one_commit_finds_and_counts_as_one_written_whole(
    tmp_path, documents, monkeypatch
):
    # Segments of 10, 20, then 35 documents a worker, sharing what each
    # worker's earlier segments learned of the words.
    monkeypatch.setattr(whoosh_backend, "_FIRST_STAGED_SEGMENT", 10)
    left_out = {d.id for d in documents[::15]}  # another process indexed these
    written, location, staged = written_whole(
        tmp_path, [d for d in documents if d.id not in left_out]
    )
    written.make_current(location)
    other = staged.new_generation()
    staged.make_current(other)

    with staged.stage(procs=2, segment_documents=35) as stage:
        for n in range(0, len(documents), 20):
            stage.add(documents[n : n + 20])
        assert staged.search(SearchRequest(q="radio")).total == 0  # not in yet
        with staged.writer(other, timeout=0) as writer:
            added = writer.adopt(stage, leave_out=left_out)

    assert added == len(documents) - len(left_out)
    assert not list((tmp_path / "built").glob(".staging-*"))
    sizes = sorted(
        r.doc_count_all() for r, _ in store.open_index(other).reader().leaf_readers()
    )
    assert sum(sizes) == len(documents) and max(sizes) == 35 and min(sizes) <= 10
    assert [without_scores(a) for a in answers(staged)] == [
        without_scores(a) for a in answers(written)
    ]
    written.close()
    staged.close()
