import datetime

import pytest
from django.http import QueryDict

from archive import services
from archive.listing.params import clean_text, parse_date
from archive.listing.types import MAX_QUERY_LENGTH
from archive.models import Article
from search.forms import SearchForm
from tests.factories import AuthorFactory, SourceFactory, TagFactory, make_article

pytestmark = pytest.mark.django_db


def form_for(query: str) -> SearchForm:
    return SearchForm(QueryDict(query))


@pytest.fixture
def registry():
    SourceFactory(name="Bloomberg", slug="bloomberg")
    SourceFactory(name="NK News", slug="nk-news")
    TagFactory(name="radio", slug="radio")
    AuthorFactory(name="Nicole Gaouette", slug="nicole-gaouette")


def test_empty_query_string_gives_the_default_search_without_notices():
    form = form_for("")
    assert form.params.q == ""
    assert form.params.page == 1
    assert form.params.sort == "newest"
    assert form.params.expand_variants is True
    assert form.notices == ()
    assert form.format == "html"


def test_query_is_trimmed_and_its_inner_whitespace_collapsed():
    assert form_for("q=%20%20mobile%0A%09phones%20").params.q == "mobile phones"


def test_a_query_sorts_by_relevance_unless_asked_otherwise():
    assert form_for("q=radio").params.sort == "relevance"
    assert form_for("q=radio&sort=oldest").params.sort == "oldest"


def test_overlong_query_is_cut_with_a_notice():
    form = form_for("q=" + "a" * 10_000)
    assert len(form.params.q) == MAX_QUERY_LENGTH
    assert any("longer than 500" in n for n in form.notices)


def test_control_characters_are_removed_from_every_value():
    assert clean_text("ra\x00di\x07o\u202e") == "radio"
    assert form_for("q=ra%00dio%1b").params.q == "radio"


def test_korean_and_accented_text_pass_unchanged():
    assert form_for("q=김정은").params.q == "김정은"
    assert form_for("q=P%27y%C5%8Fngyang").params.q == "P'yŏngyang"


@pytest.mark.usefixtures("registry")
def test_known_facet_values_are_selected_and_labelled():
    form = form_for("source=bloomberg&source=nk-news&tag=radio&lang=ko&kind=news")
    assert form.params.values("source") == ("bloomberg", "nk-news")
    assert form.params.values("tag") == ("radio",)
    assert form.labels["source", "nk-news"] == "NK News"
    assert form.labels["lang", "ko"] == "Korean"
    assert form.notices == ()


@pytest.mark.usefixtures("registry")
@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("source=nope", "source “nope”"),
        ("tag=<script>", "tag “<script>”"),
        ("author=ghost", "author “ghost”"),
        ("year=12", "year “12”"),
        ("year=0000", "year “0000”"),
        ("lang=xx", "language “xx”"),
        ("kind=poem", "kind “poem”"),
        ("not_source=nope", "source “nope”"),
    ],
)
def test_unknown_facet_values_are_ignored_with_a_notice_naming_them(query, named):
    form = form_for(query)
    assert form.params.selected == frozenset()
    assert form.params.excluded == frozenset()
    assert any(named in n for n in form.notices), form.notices


@pytest.mark.usefixtures("registry")
def test_excluded_values_are_kept_apart_from_selected_ones():
    form = form_for("source=bloomberg&not_tag=radio&not_year=2012")
    assert form.params.selected == {("source", "bloomberg")}
    assert form.params.excluded == {("tag", "radio"), ("year", "2012")}


@pytest.mark.usefixtures("registry")
def test_a_value_both_chosen_and_excluded_is_excluded_with_a_notice():
    form = form_for("source=bloomberg&not_source=bloomberg")
    assert form.params.selected == frozenset()
    assert form.params.excluded == {("source", "bloomberg")}
    assert any("both chosen and excluded" in n for n in form.notices)


def test_thousands_of_repeated_values_are_cut_short():
    form = form_for("&".join(f"tag=t{n}" for n in range(500)))
    assert any("first 50 values" in n for n in form.notices)
    assert sum("There is no tag" in n for n in form.notices) == 50


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2012", datetime.date(2012, 1, 1), datetime.date(2012, 12, 31)),
        ("2012-05", datetime.date(2012, 5, 1), datetime.date(2012, 5, 31)),
        ("2012-2", datetime.date(2012, 2, 1), datetime.date(2012, 2, 29)),
        ("2012-05-09", datetime.date(2012, 5, 9), datetime.date(2012, 5, 9)),
    ],
)
def test_dates_name_the_days_they_span(text, first, last):
    bound = parse_date(text)
    assert (bound.first, bound.last) == (first, last)


@pytest.mark.parametrize(
    "text",
    [
        "2012-13-45",
        "2012-02-30",
        "0000",
        "12",
        "2012/05",
        "\uff12\uff10\uff11\uff12",
        "x" * 500,
    ],
)
def test_impossible_dates_are_not_dates(text):
    assert parse_date(text) is None


def test_from_year_starts_on_new_year_and_to_year_ends_on_new_years_eve():
    params = form_for("from=2012&to=2015").params
    assert params.date_from == datetime.date(2012, 1, 1)
    assert params.date_to == datetime.date(2015, 12, 31)


def test_invalid_date_is_ignored_with_a_notice():
    form = form_for("from=2012-13-45&to=2015")
    assert form.params.date_from is None
    assert form.params.date_to == datetime.date(2015, 12, 31)
    assert any("“2012-13-45” is not a date" in n for n in form.notices)


def test_reversed_dates_are_swapped_with_a_notice():
    form = form_for("from=2015&to=2012-05")
    assert form.params.date_from == datetime.date(2012, 5, 1)
    assert form.params.date_to == datetime.date(2015, 12, 31)
    assert (form.date_from_text, form.date_to_text) == ("2012-05", "2015")
    assert any("swapped" in n for n in form.notices)


@pytest.mark.parametrize(
    ("query", "page", "noticed"),
    [
        ("page=3", 3, False),
        ("page=-1", 1, True),
        ("page=0", 1, True),
        ("page=two", 1, True),
        ("page=" + "9" * 5000, 1, True),
        ("page=99999", 100, False),
    ],
)
def test_page_numbers_are_clamped(query, page, noticed):
    form = form_for(query)
    assert form.params.page == page
    assert bool(form.notices) is noticed


def test_a_page_past_the_cap_is_remembered_for_the_page_to_explain():
    form = form_for("page=99999")
    assert form.params.page == 100
    assert form.requested_page == 99999


def test_unknown_sort_falls_back_with_a_notice():
    form = form_for("q=radio&sort=drop")
    assert form.params.sort == "relevance"
    assert any("Unknown sort order “drop”" in n for n in form.notices)


def test_repeated_single_valued_parameters_use_the_first_with_a_notice():
    form = form_for("q=radio&q=tv&sort=oldest&sort=newest")
    assert form.params.q == "radio"
    assert form.params.sort == "oldest"
    assert sum("only the first was used" in n for n in form.notices) == 2


def test_exact_turns_variant_expansion_off():
    assert form_for("q=kim&exact=1").params.expand_variants is False
    assert form_for("q=kim&exact=0").params.expand_variants is True


def test_more_expands_only_real_facets():
    form = form_for("more=tag&more=author&more=nonsense")
    assert form.params.expanded_facets == {"tag", "author"}
    assert any("“nonsense”" in n for n in form.notices)


@pytest.mark.parametrize("fmt", ["html", "json", "csv", "atom", "JSON"])
def test_known_formats_are_accepted(fmt):
    form = form_for(f"format={fmt}")
    assert form.format == fmt.lower()
    assert form.format_error is None


def test_unknown_format_is_an_error_that_lists_the_formats():
    form = form_for("format=xml")
    assert "Unknown format “xml”" in str(form.format_error)
    assert "format=json" in str(form.format_error)


@pytest.mark.usefixtures("registry")
def test_querydict_restates_only_what_survived_cleaning():
    form = form_for(
        "q=%20radio%20&source=bloomberg&source=nope&from=2015&to=2012"
        "&sort=drop&page=-4&exact=1&more=tag&format=json"
    )
    assert form.querydict().urlencode() == (
        "q=radio&source=bloomberg&from=2012&to=2015&exact=1&more=tag"
    )


def test_filters_are_checked_against_the_registries_as_they_are_now():
    """What a filter names is looked up afresh every time, whatever number of
    values it has: a tag filed only on drafts is unknown until one is
    published, and a renamed tag's new slug is known at once."""
    draft_only = TagFactory(name="leaflets", slug="leaflets")
    TagFactory(name="radio", slug="radio")
    article = make_article(tags=[draft_only], status=Article.Status.DRAFT)
    for _ in range(2):
        form = form_for("tag=leaflets&tag=radio")
        assert form.params.values("tag") == ("radio",)
        assert any("There is no tag" in n for n in form.notices)
    services.article_update(article=article, status=Article.Status.PUBLISHED)
    form = form_for("tag=leaflets&tag=radio")
    assert form.params.values("tag") == ("leaflets", "radio")
    assert form.labels["tag", "leaflets"] == "leaflets"
    draft_only.slug, draft_only.name = "balloons", "Leaflet balloons"
    draft_only.save()
    assert form_for("tag=leaflets").params.values("tag") == ()
    form = form_for("tag=balloons")
    assert form.params.values("tag") == ("balloons",)
    assert form.labels["tag", "balloons"] == "Leaflet balloons"
