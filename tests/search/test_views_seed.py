"""The search page over the seed articles and fresh saves, each test on its own archive."""

import pytest
from django.core.management import call_command

from search.indexing import rebuild_index
from tests.factories import make_article
from tests.search.test_views import get_page, text, titles

pytestmark = pytest.mark.django_db


SEED_SEARCHES = {
    "ChatGPT": {
        "North Korean universities use ChatGPT; one in four residents owns a mobile phone",
        "Use of AI in North Korea: Strategic Perspectives on AI's Potential Role",
    },
    '"foreign media"': {
        "North Korea\u2019s Control of Media Breached by Technology",
        "Foreign Media in North Korea - How Kpop is Challenging the Regime",
    },
    "radio NOT bloomberg": {
        "Foreign Media in North Korea - How Kpop is Challenging the Regime"
    },
    "Kim Jong-un": {
        "North Korea\u2019s Control of Media Breached by Technology",
        "North Korean universities use ChatGPT; one in four residents owns a mobile phone",
        "Foreign Media in North Korea - How Kpop is Challenging the Regime",
    },
    "P'yŏngyang": {
        "Use of AI in North Korea: Strategic Perspectives on AI's Potential Role"
    },
}


def test_the_seed_articles_answer_the_analysts_searches(client):
    call_command("loaddata", "sources", "authors", "tags", "seed_articles", verbosity=0)
    rebuild_index(procs=1)
    for q, expected in SEED_SEARCHES.items():
        assert set(titles(get_page(client, data={"q": q}))) == expected, q
    korean = get_page(client, data={"q": "김정은"})
    assert set(titles(korean)) == SEED_SEARCHES["Kim Jong-un"]
    assert "Kim Jong Un" in text(korean, "//p[@class='search-variants']")


def test_an_article_saved_as_the_admin_saves_it_is_found_at_once(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_article(
            title="Koryolink passes six million subscribers",
            body="<p>The state carrier Koryolink now counts six million lines.</p>",
        )
    assert titles(get_page(client, data={"q": "koryolink"})) == [
        "Koryolink passes six million subscribers"
    ]
