"""The search page's lean parts: labels kept per index version never go stale, rows match articles."""

import pytest
from django.core.management import call_command

from archive.models import Tag
from tests.factories import AuthorFactory, SourceFactory, TagFactory

pytestmark = pytest.mark.django_db


def get_json(client, **data) -> dict:
    response = client.get("/search/", {**data, "format": "json"})
    assert response.status_code == 200
    return response.json()


def tag_facet(answer: dict) -> list[tuple[str, str, int]]:
    return [(v["value"], v["label"], v["count"]) for v in answer["facets"]["tag"]]


@pytest.fixture
def tagged(publish):
    tag = TagFactory(name="jamming", slug="jamming")
    for n in range(3):
        publish(title=f"Radio jamming {n}", tags=[tag])
    return tag


def test_a_renamed_tag_shows_its_new_name_at_once(client, tagged, committed):
    assert tag_facet(get_json(client, q="radio")) == [("jamming", "jamming", 3)]
    with committed():
        tagged.name = "signal jamming"
        tagged.save()
    assert tag_facet(get_json(client, q="radio")) == [("jamming", "signal jamming", 3)]


def test_a_result_row_shows_a_renamed_tag_at_once(client, tagged, committed):
    get_json(client, q="radio")
    with committed():
        tagged.name = "signal jamming"
        tagged.slug = "signal-jamming"
        tagged.save()
    for row in get_json(client, q="radio")["results"]:
        assert row["tags"] == [{"name": "signal jamming", "slug": "signal-jamming"}]


def test_a_tag_given_a_new_slug_links_to_it_at_once(client, tagged, committed):
    get_json(client, q="radio")
    with committed():
        tagged.slug = "radio-jamming"
        tagged.save()
    assert tag_facet(get_json(client, q="radio")) == [("radio-jamming", "jamming", 3)]
    chosen = get_json(client, q="radio", tag="radio-jamming")
    assert chosen["total"] == 3
    assert chosen["facets"]["tag"][0]["selected"] is True


def test_labels_follow_a_rebuild_after_changes_made_without_signals(client, tagged):
    get_json(client, q="radio")
    Tag.objects.filter(pk=tagged.pk).update(name="jammers", slug="jammers")
    call_command("rebuild_search_index", "--noinput", verbosity=0)
    assert tag_facet(get_json(client, q="radio")) == [("jammers", "jammers", 3)]


def test_a_chosen_value_without_matches_is_labelled_as_it_is_now(client, tagged):
    empty = TagFactory(name="unused", slug="unused")
    get_json(client, q="radio", tag="unused")
    Tag.objects.filter(pk=empty.pk).update(name="never used")
    answer = get_json(client, q="radio", tag="unused")
    assert ("unused", "never used", 0) in tag_facet(answer)


def test_a_json_row_shows_what_the_article_page_and_registries_say(client, publish):
    kim = AuthorFactory(name="Kim Min-ji", slug="kim-min-ji")
    lee = AuthorFactory(name="Lee Ha-eun", slug="lee-ha-eun")
    article = publish(
        title="북한 라디오 방송",
        source=SourceFactory(name="연합뉴스", slug="연합뉴스"),
        authors=[lee, kim],
        tags=[TagFactory(name="radio", slug="radio"), TagFactory(name="AI", slug="ai")],
        language="ko",
        url="https://example.org/a?b=1",
        body="<p>북한의 라디오 방송을 들었다.</p>",
    )
    (row,) = get_json(client, q="라디오")["results"]
    assert row["url"] == "http://testserver" + article.get_absolute_url()
    assert client.get(row["url"]).status_code == 200
    assert row["source"] == {"name": "연합뉴스", "slug": "연합뉴스"}
    assert [a["slug"] for a in row["authors"]] == ["lee-ha-eun", "kim-min-ji"]
    assert [t["name"] for t in row["tags"]] == ["AI", "radio"]
    assert row["original_url"] == "https://example.org/a?b=1"
    assert "<mark>" in row["snippet"]


def test_rows_link_to_the_pages_of_the_language_asked_for(client, tagged):
    """Paths kept for rows and their tags follow the page's language, request by request."""
    from django.urls import reverse
    from django.utils import translation

    def links(language: str) -> tuple[str, str]:
        with translation.override(language):
            tag = reverse("archive:tag-detail", args=["jamming"])
            article = reverse("archive:article-detail", args=[0, "-"])
        return tag, article.removesuffix("0/-/")

    for language, prefix in [
        ("en", "/search/"),
        ("ko", "/ko/search/"),
        ("en", "/search/"),
    ]:
        tag, articles = links(language)
        answer = client.get(prefix, {"q": "radio", "format": "json"}).json()
        assert answer["total"] == 3
        assert all(articles in row["url"] for row in answer["results"])
        page = client.get(prefix, {"q": "radio"}).content.decode()
        assert f'href="{tag}"' in page
        assert links("ko") != links("en")


def test_a_chosen_tag_no_article_has_shows_its_new_name_at_once(client, tagged):
    """Renaming it re-indexes nothing, so its label is never taken from what is kept."""
    empty = TagFactory(name="unused", slug="unused")
    assert ("unused", "unused", 0) in tag_facet(
        get_json(client, q="radio", tag="unused")
    )
    Tag.objects.filter(pk=empty.pk).update(name="still unused")
    answer = get_json(client, q="radio", tag="unused")
    assert ("unused", "still unused", 0) in tag_facet(answer)
    # A chosen tag the matches have is labelled as counted.
    chosen = get_json(client, q="radio", tag="jamming")
    assert ("jamming", "jamming", 3) in tag_facet(chosen)
