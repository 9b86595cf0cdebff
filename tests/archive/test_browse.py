import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.browse import browse_page, facet_counts, year_histogram
from archive.filters import ArticleFilter
from archive.listing.facets import facet_names
from archive.listing.types import YearCount
from archive.models import Article
from tests.archive.sample_archive import build_sample_archive

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    return build_sample_archive()


def browse(query: str) -> ArticleFilter:
    return ArticleFilter(QueryDict(query))


def titles(filterset: ArticleFilter) -> list[str]:
    return [a.title for a in filterset.qs]


def counts(filterset: ArticleFilter, facet: str) -> dict[str, int]:
    (found,) = [f for f in facet_counts(filterset) if f.name == facet]
    return {fv.value: fv.count for fv in found.values}


def test_no_filters_lists_every_published_article_newest_first(archive):
    assert titles(browse("")) == [a.title for a in reversed(archive.published)]


def test_drafts_never_appear(archive):
    assert archive.draft.title not in titles(browse("tag=radio"))


def test_values_of_one_facet_are_ored_and_facets_anded(archive):
    assert set(titles(browse("tag=radio&tag=internet"))) == {
        archive.radio_2012.title,
        archive.intranet.title,
        archive.phones_2019.title,
        archive.radio_2019.title,
        archive.korean_2023.title,
    }
    assert titles(browse("tag=radio&source=daily-nk&year=2019")) == [
        archive.radio_2019.title
    ]


def test_exclusions_drop_articles_with_the_value(archive):
    result = titles(browse("source=daily-nk&not_tag=radio"))
    assert result == [archive.koryolink.title]


def test_date_bounds_accept_year_month_and_day(archive):
    assert titles(browse("from=2019-06&to=2019")) == [
        archive.radio_2019.title,
        archive.phones_2019.title,
    ]
    assert titles(browse("from=2012-05-09&to=2012-05-09")) == [archive.koryolink.title]


def test_language_kind_and_author_filters(archive):
    assert titles(browse("lang=ko")) == [archive.korean_2023.title]
    assert set(titles(browse("kind=analysis&author=jieun-baek"))) == {
        archive.intranet.title,
        archive.app_2023.title,
    }


@pytest.mark.parametrize(
    ("sort", "first"),
    [("newest", "kcna_2023"), ("oldest", "koryolink"), ("title", "app_2023")],
)
def test_sort_orders(archive, sort, first):
    assert titles(browse(f"sort={sort}"))[0] == getattr(archive, first).title


def test_a_facets_counts_ignore_its_own_filter_but_obey_the_others(archive):
    filterset = browse("source=daily-nk&tag=radio")
    # Source counts ignore source=daily-nk but apply tag=radio.
    assert counts(filterset, "source") == {"daily-nk": 3}
    # Tag counts ignore tag=radio but apply source=daily-nk.
    assert counts(filterset, "tag") == {"mobile-phones": 2, "radio": 3}
    assert counts(filterset, "year") == {"2012": 1, "2019": 1, "2023": 1}


def test_facet_values_say_whether_they_are_chosen_or_excluded(archive):
    facets = {f.name: f for f in facet_counts(browse("tag=radio&not_source=kcna"))}
    tag_values = {fv.value: fv for fv in facets["tag"].values}
    assert tag_values["radio"].selected and not tag_values["internet"].selected
    source_values = {fv.value: fv for fv in facets["source"].values}
    assert source_values["kcna"].excluded
    assert source_values["kcna"].count == 0  # no radio article from KCNA, still listed


def test_facet_counts_come_from_published_articles_only(archive):
    assert counts(browse(""), "tag")["radio"] == 3
    assert "2024" not in counts(browse(""), "year")


def test_long_facets_are_truncated_until_more_is_asked(archive):
    from tests.factories import TagFactory, make_article

    extra = [TagFactory(name=f"topic {n}", slug=f"topic-{n}") for n in range(12)]
    make_article(title="Many topics", tags=extra)
    (short,) = [f for f in facet_counts(browse("")) if f.name == "tag"]
    assert short.truncated and len(short.values) == 10
    (full,) = [f for f in facet_counts(browse("more=tag")) if f.name == "tag"]
    assert not full.truncated and len(full.values) == 15


def test_language_and_kind_values_carry_readable_labels(archive):
    facets = {f.name: f for f in facet_counts(browse(""))}
    assert {fv.label for fv in facets["lang"].values} == {"English", "Korean"}
    assert "State media" in {fv.label for fv in facets["kind"].values}


def test_year_histogram_fills_empty_years(archive):
    histogram = year_histogram(Article.objects.published())
    assert histogram[0] == YearCount(2012, 2)
    assert histogram[-1] == YearCount(2023, 3)
    assert len(histogram) == 12
    assert YearCount(2013, 0) in histogram


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("source=nowhere", "There is no source “nowhere”"),
        ("year=abcd", "There is no year “abcd”"),
        ("lang=xx", "There is no language “xx”"),
        ("from=2012-13", "not a date"),
        ("sort=sideways", "Unknown sort order"),
        ("page=zero", "not a page number"),
        ("more=colour", "There is no facet"),
        ("tag=radio&not_tag=radio", "both chosen and excluded"),
        ("from=2020&to=2010", "swapped"),
    ],
)
def test_bad_values_are_dropped_with_a_notice(archive, query, notice):
    filterset = browse(query)
    assert any(notice in n for n in filterset.notices), filterset.notices
    assert len(filterset.qs) >= 1


def test_good_values_survive_next_to_bad_ones(archive):
    filterset = browse("source=nowhere&source=kcna")
    assert titles(filterset) == [archive.kcna_2023.title]
    assert filterset.querydict().urlencode() == "source=kcna"


def test_a_page_past_the_end_shows_the_last_page_with_a_notice(archive):
    listing = browse_page(browse("page=99"))
    assert listing.page == 1 and listing.total == 8
    assert any("no page 99" in n for n in listing.notices)


# Any text at all, in any parameter, gives a working filter set.
_text = st.text(st.characters(codec="utf-8"), max_size=30) | st.sampled_from(
    ["radio", "daily-nk", "2012", "2012-05", "en", "news", "title", "1", "tag"]
)
_names = st.sampled_from(
    [
        *facet_names(),
        *(f"not_{f}" for f in facet_names()),
        "from",
        "to",
        "sort",
        "page",
        "more",
    ]
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(_names, _text), max_size=8))
def test_any_query_string_gives_a_listing_and_facets(archive, pairs):
    data = QueryDict(mutable=True)
    for name, value in pairs:
        data.appendlist(name, value)
    filterset = ArticleFilter(data)
    listing = browse_page(filterset)
    assert listing.total == len(list(filterset.qs))
    assert all(isinstance(n, str) for n in listing.notices)
    # The cleaned query string reproduces the same listing.
    again = ArticleFilter(filterset.querydict())
    assert list(again.qs) == list(filterset.qs)
    assert again.notices == ()
