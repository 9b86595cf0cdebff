"""Related reading from a bounded candidate set: the articles sharing a subject still come first."""

import pytest
from django.core.management import call_command

from archive.models import Article
from search.engine import related
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
