"""The index's posting blocks read back exactly what was written, across blocks and merges."""

import numpy as np
import pytest
from whoosh import query

from search.engine import schema, store
from search.engine.codec import BLOCK_POSTINGS, ArrayLeafMatcher
from search.engine.postings import read_term

DOCUMENTS = BLOCK_POSTINGS * 2 + 37  # three blocks, the last one short


def text_of(n: int) -> str:
    words = ["radio"] * (1 + n % 4)
    if n % 3 == 0:
        words += ["north", "korea"]
    if n % 5 == 0:
        words += ["korea", "north"]
    return " ".join([*words, f"item{n:04d}"])


@pytest.fixture
def ix(tmp_path):
    built = store.open_index(store.create_generation(tmp_path, "codec-test"))
    # Two commits, then a merge of both segments into one.
    for first, last in ((0, DOCUMENTS // 2), (DOCUMENTS // 2, DOCUMENTS)):
        writer = store.open_writer(built, timeout=1)
        for n in range(first, last):
            writer.add_document(**{schema.ID: str(n), schema.CONTENT: text_of(n)})
        writer.commit()
    return built


def whoosh_postings(reader, word):
    matcher = reader.postings(schema.CONTENT, word)
    found = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value()))
        matcher.next()
    return matcher, found


@pytest.mark.parametrize("merged", [False, True])
def test_postings_read_back_through_whoosh_and_through_numpy(ix, merged):
    if merged:
        store.open_writer(ix, timeout=1).commit(optimize=True)
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            matcher, found = whoosh_postings(leaf, "radio")
            assert isinstance(matcher, ArrayLeafMatcher)
            fmt = leaf.schema[schema.CONTENT].format
            stored = {leaf.stored_fields(d)[schema.ID]: d for d in leaf.all_doc_ids()}
            expected = {
                stored[str(n)]: list(range(1 + n % 4))
                for n in range(DOCUMENTS)
                if str(n) in stored
            }
            assert {d: fmt.decode_positions(v) for d, _, v in found} == expected
            assert [w for _, w, _ in found] == [len(expected[d]) for d, _, _ in found]

            ids, weights, positions = read_term(
                leaf, schema.CONTENT, "radio", positions=True
            )
            assert ids.tolist() == [d for d, _, _ in found]
            assert weights.tolist() == [w for _, w, _ in found]
            starts = np.concatenate(([0], np.cumsum(positions.counts)[:-1]))
            decoded = {
                d: positions.flat[s : s + c].tolist()
                for d, s, c in zip(ids.tolist(), starts, positions.counts, strict=True)
            }
            assert decoded == expected


def test_whoosh_phrase_queries_read_the_positions(ix):
    with ix.searcher() as searcher:
        phrase = query.Phrase(schema.CONTENT, ["north", "korea"])
        hits = {
            searcher.stored_fields(d)[schema.ID]
            for d in searcher.docs_for_query(phrase)
        }
    assert hits == {str(n) for n in range(DOCUMENTS) if n % 3 == 0}


def test_a_term_read_in_one_piece_reads_what_stepping_its_blocks_reads(ix):
    """Deleted documents stay in the blocks read (the live documents are
    picked later), except whole blocks that the deletions made Whoosh step
    past: reading a term's blocks in one piece takes the same ones."""
    store.open_writer(ix, timeout=1).commit(optimize=True)
    writer = store.open_writer(ix, timeout=1)
    for n in range(BLOCK_POSTINGS + 5):  # every "radio" of the first block
        writer.delete_by_term(schema.ID, str(n))
    writer.commit(merge=False)
    with ix.reader() as reader:
        (leaf, _), *_ = reader.leaf_readers()
        assert leaf.has_deletions()
        for word in ("radio", "korea", "north"):
            matcher = leaf.postings(schema.CONTENT, word).child
            stepped = []
            while matcher.is_active():
                stepped += np.frombuffer(matcher.raw_block().ids, np.uint32).tolist()
                matcher._next_block()
            ids, _, positions = read_term(leaf, schema.CONTENT, word, positions=True)
            assert ids.tolist() == stepped
            assert positions.ids.tolist() == stepped
        radio, _, _ = read_term(leaf, schema.CONTENT, "radio", positions=False)
        assert radio.size == DOCUMENTS - BLOCK_POSTINGS
