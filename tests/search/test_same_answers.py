"""The search page gives the same answers for a fixed synthetic archive, query by query.

``data/same_answers.json`` holds what the JSON answer and the HTML result
list said for a sample of the benchmark's analyst queries (hits in order,
counts, facets with labels, histogram, notices, suggestions, snippets with
their highlights). Any change to how a page is put together must leave them
as they are; a change meant to alter answers records them again with
``SAME_ANSWERS_RECORD=1 .venv/bin/pytest tests/search/test_same_answers.py``
and shows the difference in review.

Article ids differ between databases (PostgreSQL sequences are not reset),
so every article id is written as its place in id order.
"""

import json
import os
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.management import call_command

from archive.models import Article
from bench.queries import BenchQuery, analyst_queries, source_slug, tag_slug
from search.indexing import rebuild_index

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "same_answers.json"
CORPUS_SIZE = 300
CORPUS_SEED = 7
RECORD = os.environ.get("SAME_ANSWERS_RECORD") == "1"
_ARTICLE_PATH = re.compile(r"/articles/(\d+)/")
_RESULTS = re.compile(r'<ol class="results".*?</ol>', re.DOTALL)
# The HTML result list is compared for every few searches (the JSON for all).
HTML_EVERY = 3


def sample_queries() -> list[tuple[str, dict]]:
    """Return (name, GET parameters) of the sampled searches."""
    sample = analyst_queries()[::12]
    extra = [
        BenchQuery("page", "radio"),
        BenchQuery("newest", "media", sort="newest"),
        BenchQuery("oldest", "border", sort="oldest"),
        BenchQuery("excluded", "radio", excluded=(("source", source_slug(0)),)),
        BenchQuery("tag", "phone", selected=(("tag", tag_slug("mobile phones")),)),
    ]
    searches = [(q.describe(), q.query_data()) for q in [*sample, *extra]]
    searches += [
        ("radio page 2", {"q": "radio", "page": "2"}),
        ("market, every tag", {"q": "market", "more": "tag"}),
        ("exact spelling", {"q": "Kim Jong-un", "exact": "1"}),
        ("filters only", {"source": source_slug(1), "sort": "oldest"}),
        ("did you mean", {"q": "Pyongyanng"}),
        ("Korean", {"q": "북한 단속"}),
    ]
    return searches


@pytest.fixture
def synthetic_archive(settings):
    call_command("generate_corpus", count=CORPUS_SIZE, seed=CORPUS_SEED, verbosity=0)
    rebuild_index(chunk_size=200)
    pks = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    return {pk: place for place, pk in enumerate(pks)}


def _answers(client, places: dict[int, int]) -> dict:
    def place(match: re.Match) -> str:
        return f"/articles/#{places[int(match.group(1))]}/"

    answers = {}
    for n, (name, data) in enumerate(sample_queries()):
        query = urlencode(data, doseq=True)
        response = client.get(f"/search/?{query}&format=json")
        assert response.status_code == 200, name
        answer = response.json()
        for result in answer["results"]:
            result["id"] = places[result["id"]]
        answers[name] = {
            "json": json.loads(_ARTICLE_PATH.sub(place, json.dumps(answer))),
            "html": "",
        }
        if n % HTML_EVERY == 0:
            page = client.get(f"/search/?{query}")
            assert page.status_code == 200, name
            listed = _RESULTS.search(page.content.decode())
            if listed:
                html = " ".join(listed.group().split())
                answers[name]["html"] = _ARTICLE_PATH.sub(place, html)
    return answers


def test_sampled_searches_answer_as_recorded(client, synthetic_archive):
    answers = _answers(client, synthetic_archive)
    if RECORD:
        DATA.parent.mkdir(exist_ok=True)
        # One line per search, so a change shows as the searches it touched.
        lines = [
            f"{json.dumps(name, ensure_ascii=False)}: "
            f"{json.dumps(answer, ensure_ascii=False, sort_keys=True)}"
            for name, answer in answers.items()
        ]
        DATA.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    expected = json.loads(DATA.read_text())
    assert list(answers) == list(expected)
    for name, answer in answers.items():
        assert answer["json"] == expected[name]["json"], name
        assert answer["html"] == expected[name]["html"], name
    # The sample exercises what it is meant to: highlights, facets, suggestions.
    found = [a["json"] for a in answers.values()]
    assert sum("<mark>" in r["snippet"] for a in found for r in a["results"]) > 100
    assert any(a["suggestion"] for a in found)
    assert all(a["facets"]["source"] for a in found if a["total"])
