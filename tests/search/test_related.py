"""Related reading from a bounded candidate set: the articles sharing a subject still come first."""

import numpy as np
import pytest
from django.core.management import call_command

from archive.models import Article
from search.engine import related
from search.engine.postings import postings
from search.indexing import rebuild_index
from search.service import _related, more_like_this

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_among_many():
    """The seed articles among synthetic ones that make everyday words common."""
    call_command("loaddata", "sources", "authors", "tags", "seed_articles", verbosity=0)
    call_command("generate_corpus", count=400, seed=7, verbosity=0)
    rebuild_index(procs=1)


def related_titles(title: str) -> list[str]:
    return [a.title for a in more_like_this(Article.objects.get(title=title), 3)]


USE_OF_AI = "Use of AI in North Korea: Strategic Perspectives on AI's Potential Role"
AI_ABROAD = "Despite ban, North Korea's global AI collaborations grow"
CHATGPT = (
    "North Korean universities use ChatGPT; one in four residents owns a mobile phone"
)


def test_related_reading_of_a_seed_article_offers_those_sharing_its_subject(
    seed_among_many, monkeypatch
):
    # The bound on postings read: the default, one that drops the articles'
    # everyday words, and one that leaves only their rarest key word.
    for bound in (related.RELATED_POSTINGS, 60, 1):
        monkeypatch.setattr(related, "RELATED_POSTINGS", bound)
        _related.clear()  # the service keeps what it found per article
        assert related_titles(USE_OF_AI)[0] == AI_ABROAD, bound
        assert related_titles(AI_ABROAD)[0] == USE_OF_AI, bound
        assert related_titles(CHATGPT)[0] == USE_OF_AI, bound


def test_scoring_only_the_candidates_ranks_as_scoring_every_document(
    seed_among_many,
):
    """The plain way: an array of every document's score, the live ones ranked."""
    from search.backend import get_backend
    from search.engine import bitmaps
    from search.engine.matching import Deadline
    from search.engine.ranking import best
    from search.engine.spelling import load_words

    backend = get_backend()
    compared = 0
    for n, article in enumerate(Article.objects.published().order_by("pk")[::7]):
        if n == 20:
            # From here a word missing from a segment's word list is not
            # looked up there.
            with backend._snapshot() as snapshot:
                load_words(snapshot.leaves)
        text = "\n".join((article.title, article.summary, article.body_text))
        with backend._snapshot() as snapshot:
            # Each word's document count, known without reading the index
            # where it can be, is the index's own.
            words, _ = related._ANALYZER.term_positions(text)
            for word in words:
                assert related._doc_frequency(snapshot, word) == sum(
                    leaf.searcher.reader().doc_frequency("content", word)
                    for leaf in snapshot.leaves
                ), word
            key_terms = related._key_terms(snapshot, text)
            table = snapshot.table
            dense = np.zeros(table.size)
            for term, weight in key_terms:
                for leaf in snapshot.leaves:
                    found = postings(snapshot, leaf, "content", term)
                    dense[found.ids + leaf.offset] += found.weights * weight
            docnums = np.flatnonzero(dense)
            docnums = docnums[bitmaps.mask(table.live, table.size)[docnums]]
            plain = [table.pk[d] for _, d in best(dense[docnums], docnums, 6)]
            plain = [pk for pk in plain if pk != article.pk][:5]
            assert related.related_ids(snapshot, text, exclude=article.pk, limit=5) == (
                plain
            )
            docnums, scores = related._scores(snapshot, key_terms, Deadline(60))
            assert np.array_equal(docnums, np.flatnonzero(dense))
            assert np.array_equal(scores, dense[docnums])
            compared += bool(plain)
    assert compared > 40
