import pytest
from django.http import QueryDict

from archive.listing.querystring import (
    QueryLinks,
    active_filters,
    add_pair,
    clear_filters_url,
    describe_filters,
    filter_inputs,
    format_url,
    link_facets,
    page_links,
    remove_pair,
    toggle_pair,
)
from archive.listing.types import Facet, FacetValue


def q(text: str) -> QueryDict:
    return QueryDict(text)


@pytest.mark.parametrize(
    ("query", "key", "value", "expected"),
    [
        ("", "tag", "radio", "/a/?tag=radio"),
        ("tag=radio", "tag", "radio", "/a/?tag=radio"),
        ("tag=radio&page=3", "tag", "tv", "/a/?tag=radio&tag=tv"),
        ("q=k%C3%B6rea&format=csv", "year", "2012", "/a/?q=k%C3%B6rea&year=2012"),
        ("tag=a%26b", "source", "x y", "/a/?tag=a%26b&source=x+y"),
    ],
)
def test_add_pair(query, key, value, expected):
    assert add_pair(q(query), key, value, "/a/") == expected


@pytest.mark.parametrize(
    ("query", "key", "value", "expected"),
    [
        ("tag=radio", "tag", "radio", "/a/"),
        ("tag=radio&tag=tv&page=2", "tag", "radio", "/a/?tag=tv"),
        ("tag=tv", "tag", "radio", "/a/?tag=tv"),
        ("", "tag", "radio", "/a/"),
    ],
)
def test_remove_pair(query, key, value, expected):
    assert remove_pair(q(query), key, value, "/a/") == expected


def test_toggle_adds_then_removes():
    added = toggle_pair(q("page=4"), "lang", "ko", "/a/")
    assert added == "/a/?lang=ko"
    assert toggle_pair(q(added.split("?")[1]), "lang", "ko", "/a/") == "/a/"


def test_without_a_path_links_stay_on_the_page():
    assert add_pair(q(""), "tag", "radio") == "?tag=radio"
    assert remove_pair(q("tag=radio"), "tag", "radio") == "?"


def test_the_query_passed_in_is_left_alone():
    query = q("tag=radio&page=2")
    add_pair(query, "tag", "tv")
    assert query.urlencode() == "tag=radio&page=2"


def facet(*values: FacetValue, truncated=False) -> Facet:
    return Facet(name="tag", label="Tag", values=values, truncated=truncated)


def test_facet_links_choose_unchoose_and_exclude():
    (linked,) = link_facets(
        [
            facet(
                FacetValue("radio", "radio", 3, selected=True),
                FacetValue("tv", "TV", 2),
                FacetValue("k-pop", "K-pop", 1, excluded=True),
            )
        ],
        q("tag=radio&not_tag=k-pop&page=2"),
        "/a/",
    )
    radio, tv, kpop = linked.values
    assert radio.toggle_url == "/a/?not_tag=k-pop"
    assert radio.exclude_url == "/a/?not_tag=k-pop&not_tag=radio"
    assert tv.toggle_url == "/a/?tag=radio&tag=tv&not_tag=k-pop"
    assert kpop.toggle_url == "/a/?tag=radio&tag=k-pop"
    assert kpop.exclude_url == "/a/?tag=radio"


def test_more_and_fewer_links():
    (short,) = link_facets([facet(truncated=True)], q("page=2"), "/a/")
    assert short.more_url == "/a/?page=2&more=tag" and short.fewer_url == ""
    (full,) = link_facets([facet()], q("more=tag"), "/a/")
    assert full.more_url == "" and full.fewer_url == "/a/"


def test_active_filters_each_remove_only_themselves():
    query = q("source=bbc&not_tag=radio&from=2012&to=2014-05")
    filters = active_filters(query, {("source", "bbc"): "BBC"}, "/a/")
    assert [(f.label, f.value_label, f.excluded) for f in filters] == [
        ("Source", "BBC", False),
        ("Tag", "radio", True),
        ("Published from", "2012", False),
        ("Published until", "2014-05", False),
    ]
    assert filters[0].remove_url == "/a/?not_tag=radio&from=2012&to=2014-05"
    assert describe_filters(filters) == (
        "Source: BBC; not Tag: radio; Published from: 2012; Published until: 2014-05"
    )


def test_clear_keeps_the_query_and_sort_only():
    assert clear_filters_url(q("q=radio&tag=x&sort=oldest&page=3"), "/s/") == (
        "/s/?q=radio&sort=oldest"
    )


def test_format_links_cover_the_whole_set_except_json():
    query = q("tag=radio&page=3&more=tag")
    assert format_url(query, "csv", "/a/") == "/a/?tag=radio&format=csv"
    assert format_url(query, "atom", "/a/") == "/a/?tag=radio&format=atom"
    assert format_url(query, "json", "/a/") == "/a/?tag=radio&page=3&format=json"


def test_filter_inputs_carry_filters_not_paging():
    query = q("q=x&tag=radio&tag=tv&page=2&more=tag&format=csv&from=2012")
    assert filter_inputs(query) == [
        ("tag", "radio"),
        ("tag", "tv"),
        ("from", "2012"),
    ]


def test_page_links_show_ends_and_a_window_with_gaps():
    pagination = page_links(q("tag=radio&page=7"), 7, 20, "/a/")
    numbers = [link.number for link in pagination.links]
    assert numbers == [1, None, 5, 6, 7, 8, 9, None, 20]
    assert pagination.previous_url == "/a/?tag=radio&page=6"
    assert pagination.next_url == "/a/?tag=radio&page=8"
    assert pagination.links[0].url == "/a/?tag=radio"


def test_a_single_page_needs_no_links():
    assert page_links(q(""), 1, 1).links == ()
    assert page_links(q(""), 1, 0).links == ()


def _one_by_one(query: QueryDict, key: str, opposite: str, value: str) -> str:
    """The link as copying and changing the whole query for it gives it."""
    new = query.copy()
    for name in ("page", "format"):
        new.pop(name, None)
    if value in new.getlist(key):
        kept = [v for v in new.getlist(key) if v != value]
        new.setlist(key, kept) if kept else new.pop(key)
    else:
        kept = [v for v in new.getlist(opposite) if v != value]
        new.setlist(opposite, kept) if kept else new.pop(opposite, None)
        new.appendlist(key, value)
    return f"/a/?{new.urlencode()}" if new else "/a/"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=radio&page=3&format=json",
        "tag=radio&q=북한 단속&not_tag=tv&more=tag",
        "not_tag=r%26d&tag=a+b&tag=radio&source=kcna",
        "tag=radio",
        "not_tag=radio",
    ],
)
def test_facet_links_are_what_changing_the_whole_query_gives(query):
    values = ["radio", "tv", "r&d", "a b", "라디오"]
    facets = [facet(*(FacetValue(v, v, 1) for v in values))]
    (linked,) = link_facets(facets, q(query), "/a/")
    for value, fv in zip(values, linked.values, strict=True):
        assert fv.toggle_url == _one_by_one(q(query), "tag", "not_tag", value)
        assert fv.exclude_url == _one_by_one(q(query), "not_tag", "tag", value)
        assert QueryLinks(q(query), "/a/").toggle_pair("tag", value) == toggle_pair(
            q(query), "tag", value, "/a/"
        )
