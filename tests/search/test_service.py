"""search(), search_ids() and more_like_this() against a small real index."""

import datetime
import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from archive.listing.facets import facet_names
from archive.listing.types import SearchParams
from archive.models import Article
from search.backend import get_backend, warm_for_serving
from search.engine import snapshot
from search.engine.analyzers import build_analyzer
from search.models import IndexLog
from search.service import more_like_this, search, search_ids
from tests.factories import AuthorFactory, SourceFactory, TagFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def corpus(publish):
    """Eight articles about radio and phones across sources, tags, years, languages."""
    daily = SourceFactory(name="Daily Border", slug="daily-border")
    wire = SourceFactory(name="Wire Service", slug="wire-service")
    radio, phones, law = (
        TagFactory(name="radio", slug="radio"),
        TagFactory(name="mobile phones", slug="mobile-phones"),
        TagFactory(name="law", slug="law"),
    )
    kim, lee = AuthorFactory(name="Min Kim"), AuthorFactory(name="Jae Lee")
    rows = [
        (
            "Radio jamming at the border",
            daily,
            [radio],
            [kim],
            D(2012, 3, 1),
            "en",
            "news",
        ),
        (
            "Radio dramas smuggled",
            daily,
            [radio, law],
            [lee],
            D(2013, 5, 2),
            "en",
            "analysis",
        ),
        (
            "Radio listeners punished",
            wire,
            [radio, law],
            [kim, lee],
            D(2013, 7, 9),
            "en",
            "news",
        ),
        (
            "Phones along the border",
            wire,
            [phones],
            [kim],
            D(2014, 1, 1),
            "en",
            "report",
        ),
        (
            "Phone surveillance law",
            daily,
            [phones, law],
            [],
            D(2015, 2, 2),
            "en",
            "news",
        ),
        ("라디오 청취 단속 radio", wire, [radio], [], D(2016, 6, 6), "ko", "news"),
        (
            "Radio and phones together",
            wire,
            [radio, phones],
            [lee],
            D(2017, 8, 8),
            "en",
            "blog",
        ),
        ("Markets and prices", daily, [], [kim], D(2018, 9, 9), "en", "news"),
    ]
    articles = {}
    for title, source, tags, authors, date, lang, kind in rows:
        articles[title] = publish(
            title=title,
            source=source,
            tags=tags,
            authors=authors,
            published=date,
            language=lang,
            kind=kind,
            body=f"<p>{title}. Reporting on North Korea.</p>",
        )
    return articles


def run(q="", *, selected=(), excluded=(), **options):
    return search(
        SearchParams(
            q=q, selected=frozenset(selected), excluded=frozenset(excluded), **options
        )
    )


def counts(page, name):
    facet = next(f for f in page.facets if f.name == name)
    return {v.value: v.count for v in facet.values}


def titles(page):
    return [hit.article.title for hit in page.hits]


def test_hits_come_in_rank_order_with_articles_loaded_in_few_queries(corpus):
    run("radio")  # open the searcher
    with CaptureQueriesContext(connection) as queries:
        page = run("radio")
    assert page.total == 5
    assert [hit.rank for hit in page.hits] == list(range(1, 6))
    assert all(h.article.is_published for h in page.hits)
    article_queries = [q for q in queries if 'FROM "archive_article"' in q["sql"]]
    assert len(article_queries) == 1  # with its source joined; tags/authors prefetched
    with CaptureQueriesContext(connection) as queries:
        for hit in page.hits:
            (
                hit.article.source.name,
                list(hit.article.tags.all()),
                list(hit.article.authors.all()),
            )
    assert len(queries) == 0


def test_facets_come_in_the_agreed_order_with_labels_from_the_database(corpus):
    page = run("radio")
    assert [f.name for f in page.facets] == list(facet_names())
    lang = next(f for f in page.facets if f.name == "lang")
    assert {v.value: v.label for v in lang.values} == {"en": "English", "ko": "Korean"}
    kind = next(f for f in page.facets if f.name == "kind")
    assert "Blog post" in {v.label for v in kind.values}


def test_values_of_one_facet_are_ored_and_facets_are_anded(corpus):
    both_sources = run(
        "radio", selected={("source", "daily-border"), ("source", "wire-service")}
    )
    assert both_sources.total == 5
    daily_law = run("radio", selected={("source", "daily-border"), ("tag", "law")})
    assert titles(daily_law) == ["Radio dramas smuggled"]


def test_a_facet_counts_under_every_filter_but_its_own(corpus):
    page = run("radio", selected={("source", "daily-border")})
    assert page.total == 2
    # The source facet still shows the other source, with its own count.
    assert counts(page, "source") == {"daily-border": 2, "wire-service": 3}
    # Other facets count only what the source filter lets through.
    assert counts(page, "tag") == {"radio": 2, "law": 1}
    selected = [v for f in page.facets for v in f.values if v.selected]
    assert [(v.value, v.count) for v in selected] == [("daily-border", 2)]


def test_facet_counts_add_up_to_the_total_for_single_valued_facets(corpus):
    page = run("radio OR phones")
    for name in ("source", "year", "lang", "kind"):
        assert sum(counts(page, name).values()) == page.total


def test_excluded_values_are_removed_but_still_listed(corpus):
    page = run("radio", excluded={("tag", "law")})
    assert page.total == 3
    tag = next(f for f in page.facets if f.name == "tag")
    law = next(v for v in tag.values if v.value == "law")
    assert law.excluded and law.count == 2


def test_long_facets_show_the_top_values_and_say_there_are_more(corpus):
    page = run("radio OR phones OR markets", **{"facet_limit": 2})
    year = next(f for f in page.facets if f.name == "year")
    assert len(year.values) == 2 and year.truncated
    page = run("radio OR phones OR markets", facet_limit=2, expanded_facets={"year"})
    year = next(f for f in page.facets if f.name == "year")
    assert len(year.values) == 7 and not year.truncated


def test_unknown_filter_values_are_ignored_with_a_notice(corpus):
    page = run("radio", selected={("source", "no-such-source"), ("year", "20x")})
    assert page.total == 5
    assert any("no-such-source" in notice for notice in page.notices)


def test_date_range_keeps_only_articles_published_within_it(corpus):
    page = run("radio", date_from=D(2013, 1, 1), date_to=D(2013, 12, 31))
    assert sorted(titles(page)) == ["Radio dramas smuggled", "Radio listeners punished"]
    assert [(y.year, y.count) for y in page.histogram] == [(2013, 2)]


def test_sorting_newest_and_oldest_first(corpus):
    newest = titles(run("radio", sort="newest"))
    oldest = titles(run("radio", sort="oldest"))
    assert newest[0] == "Radio and phones together"
    assert oldest == list(reversed(newest))


def test_relevance_ranks_title_matches_first(publish):
    body_only = publish(
        title="Weekly digest", body="<p>" + "filler " * 50 + "satellite</p>"
    )
    in_title = publish(title="Satellite launch", body="<p>" + "filler " * 50 + "</p>")
    page = run("satellite")
    assert [h.article.pk for h in page.hits] == [in_title.pk, body_only.pk]


def test_paging_returns_the_requested_slice(corpus):
    first = run("radio", sort="oldest", page_size=4)
    second = run("radio", sort="oldest", page=2, page_size=4)
    assert (first.pages, second.page) == (2, 2)
    assert titles(first) + titles(second) == titles(run("radio", sort="oldest"))
    assert [h.rank for h in second.hits] == [5]


def test_empty_query_without_filters_is_an_empty_page_without_a_searcher(corpus):
    snapshot.close_snapshot()
    page = run("   ")
    assert (page.total, page.hits, page.facets) == (0, (), ())
    assert snapshot._holder._snapshot is None


def test_empty_query_with_filters_browses_newest_first(corpus):
    page = run("", selected={("tag", "law")})
    assert titles(page) == [
        "Phone surveillance law",
        "Radio listeners punished",
        "Radio dramas smuggled",
    ]
    assert counts(page, "tag")["law"] == 3


def test_snippets_escape_the_text_and_mark_only_the_matches(publish):
    publish(
        title="Escaping",
        body="<p>Before &lt;script&gt;alert(1)&lt;/script&gt; the radio & TV "
        "<b>bold</b> after.</p>",
    )
    snippet = run("radio").hits[0].snippet
    assert "<mark>radio</mark>" in snippet
    assert "&lt;script&gt;" in snippet and "<script>" not in snippet
    assert "&amp; TV" in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_hangul_matches_are_marked_as_one_word(publish):
    publish(title="Korean", body="<p>오늘 김정은은 연설했다.</p>", language="ko")
    assert "<mark>김정은</mark>" in run("김정은").hits[0].snippet


def test_a_hit_without_a_body_match_shows_the_start_of_its_summary(publish):
    publish(title="Kaesong", summary="Trade & tourism.", body="<p>Nothing.</p>")
    snippet = run("kaesong").hits[0].snippet
    assert snippet == "Trade &amp; tourism."


def test_did_you_mean_suggests_real_words_when_nothing_matches(publish):
    publish(title="Satellite broadcasting", body="<p>Satellite dishes.</p>")
    page = run("satelite broadcastng")
    assert page.total == 0
    assert page.suggestion == "satellite broadcasting"
    assert run("satellite").suggestion is None


def test_search_ids_lists_the_whole_result_set_in_order(corpus):
    ids = search_ids(SearchParams(q="radio", sort="newest"))
    assert ids == [h.article.pk for h in run("radio", sort="newest").hits]
    assert search_ids(SearchParams(q="radio", sort="newest"), limit=2) == ids[:2]
    assert search_ids(SearchParams()) == []


def test_more_like_this_finds_related_published_articles_only(publish, committed):
    base = publish(
        title="Radio jamming", body="<p>Jamming radio signals near Sinuiju.</p>"
    )
    close = publish(title="Signals", body="<p>Radio signals jamming reported.</p>")
    hidden = publish(title="Hidden", body="<p>Radio signals jamming again.</p>")
    publish(title="Unrelated", body="<p>Rice harvest prices.</p>")
    with committed():
        hidden.status = Article.Status.DRAFT
        hidden.save()
    related = more_like_this(base, n=5)
    assert related == (close,)  # nothing about rice, nothing unpublished, not itself
    assert len(more_like_this(base, n=1)) == 1


def test_searching_without_an_index_says_so(db):
    assert get_backend().current() is None
    page = run("radio")
    assert page.total == 0 and page.notices


@override_settings(SEARCH_TIME_BUDGET=0.0)
def test_a_search_over_its_time_budget_returns_a_partial_page_with_a_notice(corpus):
    page = run("radio OR phones OR markets")
    assert page.partial and page.estimated
    assert page.hits and page.total
    assert any("estimates" in notice for notice in page.notices)


def test_the_year_facet_reads_as_a_timeline_newest_first(publish):
    source = SourceFactory(name="Timeline Wire")
    for year, copies in ((2012, 3), (2020, 1), (2016, 2)):
        for n in range(copies):
            publish(
                title=f"Timeline radio {year} {n}",
                source=source,
                published=datetime.date(year, 5, 1),
                body=f"<p>Timeline radio story {year} number {n}.</p>",
            )
    page = search(SearchParams(q="timeline"))
    years = next(f for f in page.facets if f.name == "year")
    assert [v.value for v in years.values] == ["2020", "2016", "2012"]


def marked(snippet) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", str(snippet))


def test_a_phrase_is_marked_only_where_it_matched(publish):
    publish(
        title="Listening abroad",
        body="<p>The media office said little. Smuggled foreign media reach "
        "homes; the people trade drives.</p>",
    )
    (hit,) = run('"foreign media"').hits
    assert marked(hit.snippet) == ["foreign", "media"]
    (hit,) = run('"media foreign"~3').hits
    assert marked(hit.snippet) == ["foreign", "media"]


def test_a_variant_phrase_marks_the_name_not_its_first_word_elsewhere(publish):
    # The seeded spelling variants hold Kim Jong Un's romanizations.
    publish(
        title="Founders and heirs",
        body="<p>Statues of Kim Il Sung stand in every town; Kim Jŏng-ŭn visited "
        "one.</p>",
    )
    (hit,) = run("Kim Jong-un").hits
    assert marked(hit.snippet) == ["Kim", "Jŏng", "ŭn"]


def test_an_article_unpublished_before_the_index_heard_is_neither_found_nor_counted(
    corpus,
):
    jamming = Article.objects.get(title="Radio jamming at the border")
    before = run("radio")
    # What a crash between the commit and the index write leaves behind: the
    # database says draft, the log holds the change, the index has not seen it.
    Article.objects.filter(pk=jamming.pk).update(status=Article.Status.DRAFT)
    IndexLog.objects.create(article_id=jamming.pk, reason="save")

    after = run("radio")
    assert after.total == before.total - 1
    assert jamming.title not in titles(after)
    assert counts(after, "source")["daily-border"] == (
        counts(before, "source")["daily-border"] - 1
    )
    assert jamming.pk not in search_ids(SearchParams(q="radio"))


def test_a_serving_process_knows_the_archives_words_before_its_first_search(publish):
    publish(title="Jamming", body="<p>Transmitters near Sinuiju were jammed.</p>")
    cache = build_analyzer()._cache
    cache.clear()
    assert warm_for_serving()
    # Snippets look these up for every hit; none is stemmed during a search.
    assert cache["Transmitters"] == "transmitt"
    assert cache["Sinuiju"] == "sinuiju"
    assert "<mark>Transmitters</mark>" in run("transmitter").hits[0].snippet
