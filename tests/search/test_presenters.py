import datetime

import pytest
from django.http import QueryDict

from archive.listing.types import SearchParams, YearCount
from search.presenters import (
    continuous_years,
    date_phrase,
    describe_search,
    join_words,
    sort_links,
)

LABELS = {
    ("source", "bloomberg"): "Bloomberg",
    ("source", "nk-news"): "NK News",
    ("tag", "radio"): "radio",
    ("tag", "k-pop"): "k-pop",
    ("author", "nicole-gaouette"): "Nicole Gaouette",
    ("lang", "ko"): "Korean",
    ("kind", "news"): "News",
}


def params(**kwargs) -> SearchParams:
    for key in ("selected", "excluded"):
        kwargs[key] = frozenset(kwargs.get(key, ()))
    return SearchParams(**kwargs)


def test_the_issue_example_reads_as_written():
    described = describe_search(
        total=12,
        params=params(
            q="mobile phones",
            selected={("source", "bloomberg"), ("source", "nk-news")},
            date_from=datetime.date(2012, 1, 1),
            date_to=datetime.date(2015, 12, 31),
        ),
        labels=LABELS,
        from_text="2012",
        to_text="2015",
    )
    assert described == (
        "12 articles matching “mobile phones” from Bloomberg and NK News, 2012\u20132015"
    )


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, "No articles"),
        ({"q": "radio"}, "No articles matching “radio”"),
        (
            {"selected": {("tag", "radio"), ("tag", "k-pop")}},
            "No articles tagged k-pop or radio",
        ),
        (
            {"selected": {("author", "nicole-gaouette"), ("lang", "ko")}},
            "No articles by Nicole Gaouette, in Korean",
        ),
        (
            {"excluded": {("source", "bloomberg"), ("kind", "news")}},
            "No articles not from Bloomberg, not of kind News",
        ),
        (
            {"selected": {("year", "2012"), ("year", "2014")}},
            "No articles in 2012 and 2014",
        ),
        (
            {"q": "kim", "expand_variants": False},
            "No articles matching “kim”, exact spelling only",
        ),
    ],
)
def test_filters_are_stated_in_words(kwargs, expected):
    assert describe_search(total=0, params=params(**kwargs), labels=LABELS) == expected


def test_a_feed_title_states_the_search_without_a_count():
    described = describe_search(
        total=None, params=params(q="radio", selected={("lang", "ko")}), labels=LABELS
    )
    assert described == "Articles matching “radio” in Korean"


def test_counts_are_singular_or_plural():
    assert describe_search(total=1, params=params(), labels={}) == "1 article"
    assert describe_search(total=1234, params=params(), labels={}) == "1,234 articles"


@pytest.mark.parametrize(
    ("from_text", "to_text", "expected"),
    [
        ("2012", "2015", "2012\u20132015"),
        ("2012", "2012", "in 2012"),
        ("2012-05", "", "from May 2012"),
        ("", "2012-05-09", "until 9 May 2012"),
        ("2012-05-09", "2013-01", "9 May 2012\u2013January 2013"),
        ("", "", ""),
    ],
)
def test_date_ranges_read_as_typed(from_text, to_text, expected):
    assert date_phrase(from_text, to_text) == expected


def test_join_words_uses_commas_and_a_last_conjunction():
    assert join_words(["a"], "and") == "a"
    assert join_words(["a", "b", "c"], "or") == "a, b or c"


def test_relevance_is_offered_only_when_there_are_words():
    assert [s.name for s in sort_links(QueryDict(""), "newest")] == [
        "newest",
        "oldest",
    ]
    links = sort_links(QueryDict("q=radio&page=3"), "relevance", "/search/")
    assert [(s.name, s.url, s.current) for s in links] == [
        ("relevance", "/search/?q=radio", True),
        ("newest", "/search/?q=radio&sort=newest", False),
        ("oldest", "/search/?q=radio&sort=oldest", False),
    ]


def test_the_histogram_fills_empty_years_between_matches():
    years = continuous_years([YearCount(2015, 2), YearCount(2012, 1)])
    assert years == (
        YearCount(2012, 1),
        YearCount(2013, 0),
        YearCount(2014, 0),
        YearCount(2015, 2),
    )
    assert continuous_years([]) == ()
