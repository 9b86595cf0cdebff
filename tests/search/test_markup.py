"""The search page's hits read exactly as the shared result partial renders them."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from archive.models import IMPORT_DAY_NOTE, UNKNOWN_SOURCE, Article
from search.forms import SearchForm
from search.markup import result_item
from search.service import search
from tests.factories import AuthorFactory, SourceFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows_of_every_shape(publish):
    publish(
        title="Radio <jamming> & “noise”",
        summary="A summary " * 60,
        body="<p>Radio signals jammed near the border.</p>",
        authors=[AuthorFactory(name="Lee Ha-eun"), AuthorFactory(name="Kim & Co")],
        tags=[TagFactory(name="radio"), TagFactory(name="AI <b>")],
        url="https://example.org/radio?a=1&b=2",
        published_is_inferred=True,
    )
    publish(
        title="북한 라디오",
        language="ko",
        kind=Article.Kind.REPORT,
        body="<p>북한의 라디오 방송 radio.</p>",
        source=SourceFactory(name="연합뉴스"),
    )
    publish(
        title="Radio with nothing known",
        source=SourceFactory(name=UNKNOWN_SOURCE),
        review_note=f"Imported, needs review: {IMPORT_DAY_NOTE}",
        body="<p>radio</p>",
        published=datetime.date(2011, 3, 4),
    )
    publish(title="Radio in the title only", summary="Only a summary here.", body="")


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_hit_reads_as_the_result_partial_renders_it(rows_of_every_shape, language):
    request = RequestFactory().get("/search/", {"q": "radio"})
    form = SearchForm(request.GET)
    with translation.override(language):
        hits = search(form.params, rows=True).hits
        assert len(hits) == 4
        for hit in hits:
            for query in ("back=q%3Dradio&from=search", ""):
                partial = render_to_string(
                    "includes/_result.html",
                    {
                        "article": hit.article,
                        "snippet": hit.snippet,
                        "article_query": query,
                        "heading_level": 2,
                    },
                    request=request,
                )
                built = result_item(hit.article, hit.snippet, query, request)
                assert built == partial


def test_the_page_shows_what_each_hit_is(client, rows_of_every_shape):
    html = client.get("/search/", {"q": "radio"}).content.decode()
    listed = re.search(r'<ol class="results".*?</ol>', html, re.DOTALL).group()
    assert listed.count('<article class="result">') == 4
    assert "Radio &lt;jamming&gt; &amp; “noise”" in listed
    assert "<b>" not in listed
    assert 'class="Z3988"' in listed
    assert "Source unknown" in listed and "Date unknown" in listed
    assert 'lang="ko"' in listed


def test_the_page_shows_a_renamed_source_author_and_tag_at_once(
    client, publish, committed
):
    source, author, tag = (
        SourceFactory(name="Daily"),
        AuthorFactory(name="Kim"),
        TagFactory(name="jamming"),
    )
    publish(title="Radio jamming", source=source, authors=[author], tags=[tag])
    assert "Daily" in client.get("/search/", {"q": "radio"}).content.decode()
    with committed():
        for entry, name in (
            (source, "Evening Daily"),
            (author, "Kim Min-ji"),
            (tag, "signal jamming"),
        ):
            entry.name, entry.slug = name, name.lower().replace(" ", "-")
            entry.save()
    html = client.get("/search/", {"q": "radio"}).content.decode()
    for text in (
        '/sources/evening-daily/">Evening Daily<',
        '/authors/kim-min-ji/">Kim Min-ji<',
        '/tags/signal-jamming/">signal jamming<',
    ):
        assert text in html
