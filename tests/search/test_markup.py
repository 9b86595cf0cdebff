"""The search page's hits read exactly as the shared result partial renders them."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from archive.models import IMPORT_DAY_NOTE, UNKNOWN_SOURCE, Article
from search.forms import SearchForm
from search.markup import result_item, year_chart
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
            row, article = hit.article, Article.objects.get(pk=hit.article.pk)
            assert row.get_absolute_url() == article.get_absolute_url()
            assert row.source.get_absolute_url() == article.source.get_absolute_url()
            for shown, entries in (
                (row.byline, article.byline),
                (row.tags.all(), article.tags.all()),
            ):
                assert {e.get_absolute_url() for e in shown} == {
                    e.get_absolute_url() for e in entries
                }
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


@pytest.fixture
def years_and_facets(publish):
    kim, lee = AuthorFactory(name="Kim <Min-ji>"), AuthorFactory(name="Lee")
    daily = SourceFactory(name="Daily & Co", slug="daily-co")
    for n, year in enumerate((2001, 2001, 2004, 2012, 2013, 2013, 2013)):
        publish(
            title=f"Radio {n}",
            published=datetime.date(year, 5, 1),
            source=daily if n % 2 else SourceFactory(),
            authors=[kim] if n % 3 else [lee],
            tags=[TagFactory(name=f"t{n} “quoted”", slug=f"t{n}")],
        )


# (GET parameters, facets listed per facet): values chosen, excluded and the
# "more"/"fewer" links; a few years (labels across) and many (upright).
PAGES = [
    {"q": "radio"},
    {"q": "radio", "source": "daily-co", "not_tag": "t1", "more": "tag"},
    {"q": "radio", "year": "2013", "not_year": "2001"},
]


@pytest.mark.parametrize("data", PAGES)
@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_side_column_reads_as_the_shared_partials_render_it(
    rf, years_and_facets, data, language
):
    from archive.listing.querystring import link_facets
    from archive.templatetags.archive_tags import build_chart
    from search.presenters import continuous_years, results_context

    request = rf.get("/search/", data)
    form = SearchForm(request.GET)
    with translation.override(language):
        page = search(form.params, rows=True)
        context = results_context(form, page, request)
        query, path = form.querydict(), reverse("search:results")
        facets = link_facets(page.facets, query, path)
        assert any(v.selected or v.excluded for f in facets for v in f.values) == (
            data != PAGES[0]
        )
        assert str(context["facet_list"]) == render_to_string(
            "includes/_facets.html",
            {"facets": facets, "facets_heading": "Narrow the results"},
        ).replace("Narrow the results", str(translation.gettext("Narrow the results")))
        for width in (300, 40):
            chart = build_chart(
                continuous_years(page.histogram), query, path, "Per year", width
            )
            # Empty years between (the whole archive's 2001-2013).
            assert any(not bar.count for bar in chart.bars) == (data == PAGES[0])
            assert str(year_chart(chart)) == render_to_string(
                "includes/_histogram.html", {"chart": chart}
            )
    assert str(year_chart(None)) == render_to_string(
        "includes/_histogram.html", {"chart": None}
    )
