"""A facet is declared once, and browse, search, facet counts and exports follow it."""

import csv
import io

import pytest
from django.core.management import call_command

from archive.listing import facets as listing_facets
from archive.listing.facets import Choices, FacetSpec, Phrase
from archive.models import Source
from search.backend import get_backend
from tests.factories import SourceFactory, make_article

pytestmark = pytest.mark.django_db

SOURCE_TYPE = FacetSpec(
    name="type",
    label="Source type",
    noun="source type",
    json_key="source_type",
    values=Choices("source__kind", Source.Kind),
    phrase=Phrase("from a {}", "not from a {}", "or", 6),
)


@pytest.fixture
def source_type_facet(monkeypatch):
    """The archive with one more facet: the kind of source an article comes from."""
    monkeypatch.setattr(listing_facets, "FACETS", (*listing_facets.FACETS, SOURCE_TYPE))


@pytest.fixture
def articles(django_capture_on_commit_callbacks):
    think_tank = SourceFactory(name="38 North", kind=Source.Kind.THINK_TANK)
    outlet = SourceFactory(name="Daily NK", kind=Source.Kind.NEWS_OUTLET)
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Radio jamming analysis", source=think_tank)
        make_article(title="Radio smuggling report", source=think_tank)
        make_article(title="Radio listeners at night", source=outlet)
    call_command("sync_search_index", verbosity=0)


def facet_values(facets: dict, key: str) -> dict[str, int]:
    return {v["value"]: v["count"] for v in facets[key]}


def test_the_index_layout_follows_the_declarations(source_type_facet):
    layout = get_backend().layout
    assert layout.names[-1] == "type"
    assert layout.field("type").stored == "str"


def test_a_new_facet_filters_and_counts_on_browse(client, source_type_facet, articles):
    page = client.get("/articles/", {"type": "think-tank", "format": "json"}).json()
    assert page["total"] == 2
    assert facet_values(page["facets"], "source_type") == {
        "think-tank": 2,
        "news-outlet": 1,
    }
    html = client.get("/articles/", {"not_type": "think-tank"}).content.decode()
    assert "Radio listeners at night" in html
    assert "Radio jamming analysis" not in html
    assert "Source type" in html


def test_a_new_facet_filters_and_counts_in_search(client, source_type_facet, articles):
    page = client.get(
        "/search/", {"q": "radio", "type": "think-tank", "format": "json"}
    ).json()
    assert page["total"] == 2
    assert page["notices"] == []
    assert facet_values(page["facets"], "source_type") == {
        "think-tank": 2,
        "news-outlet": 1,
    }
    html = client.get("/search/", {"q": "radio", "type": "think-tank"}).content
    assert "from a Think tank" in html.decode()


def test_an_unknown_value_of_a_new_facet_is_a_notice(client, source_type_facet):
    page = client.get("/search/", {"q": "radio", "type": "spaceship", "format": "json"})
    assert page.status_code == 200
    assert (
        "There is no source type “spaceship”; that filter was ignored."
        in (page.json()["notices"])
    )


def test_a_new_facet_narrows_exports(client, source_type_facet, articles):
    for path, words in (("/articles/", {}), ("/search/", {"q": "radio"})):
        response = client.get(path, {**words, "type": "news-outlet", "format": "csv"})
        text = b"".join(response.streaming_content).decode()
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [row["title"] for row in rows] == ["Radio listeners at night"]
