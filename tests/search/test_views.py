"""The search page over the real engine and a temporary index, as an analyst uses it."""

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from lxml import etree, html

from tests.search.page_corpus import FILLER_COUNT, corpus, corpus_index  # noqa: F401

pytestmark = pytest.mark.django_db

URL = "/search/"


def get_page(client, url: str = URL, data=None):
    response = client.get(url, data or {})
    assert response.status_code == 200, response.content[:500]
    return html.fromstring(response.content.decode())


def get_json(client, url: str = URL, data=None) -> dict:
    data = dict(data or {})
    if "?" in url:
        url += "&format=json"
    else:
        data["format"] = "json"
    response = client.get(url, data)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def titles(page) -> list[str]:
    return [t.text_content().strip() for t in page.xpath("//ol[@class='results']//h2")]


def text(page, xpath: str) -> str:
    return " ".join(" ".join(n.text_content().split()) for n in page.xpath(xpath))


def summary(page) -> str:
    return text(page, "//h1")


# --- The analyst's searches ------------------------------------------------


@pytest.mark.usefixtures("corpus")
def test_chatgpt_finds_the_news1_article_with_its_details_and_a_marked_snippet(
    client,
):
    page = get_page(client, data={"q": "ChatGPT"})
    assert titles(page) == [
        "North Korean universities use ChatGPT; one in four residents owns a mobile phone"
    ]
    result = page.xpath("//ol[@class='results']/li")[0]
    assert "News1" in result.text_content()
    assert "4 December 2025" in result.text_content()
    assert {a.text for a in result.xpath(".//ul[@class='tag-list']//a")} == {
        "AI",
        "mobile phones",
    }
    assert [m.text.lower() for m in result.xpath(".//mark")] == ["chatgpt"] * len(
        result.xpath(".//mark")
    )
    assert result.xpath(".//mark")
    assert summary(page) == "1 article matching “ChatGPT”"


@pytest.mark.usefixtures("corpus")
def test_an_exact_phrase_finds_only_articles_with_those_words_together(client):
    found = set(titles(get_page(client, data={"q": '"foreign media"'})))
    assert "North Korea\u2019s Control of Media Breached by Technology" in found
    assert "Foreign Media in North Korea - How Kpop is Challenging the Regime" in found
    assert "Radio listening rises along the border" not in found


@pytest.mark.usefixtures("corpus")
def test_radio_not_bloomberg_leaves_out_what_mentions_bloomberg(client):
    found = set(titles(get_page(client, data={"q": "radio NOT bloomberg"})))
    assert "Radio listening rises along the border" in found
    assert "Shortwave radio in the provinces" not in found
    assert "North Korea\u2019s Control of Media Breached by Technology" not in found


@pytest.mark.usefixtures("corpus")
def test_kim_jong_un_matches_other_romanizations_and_says_so(client):
    page = get_page(client, data={"q": "Kim Jong-un"})
    assert "Kim Jong Un tours a computer centre" in titles(page)
    variants = text(page, "//p[@class='search-variants']")
    assert variants.startswith("Also matched:")
    exact = page.xpath("//p[@class='search-variants']/a/@href")[0]
    assert parse_qs(urlsplit(exact).query)["exact"] == ["1"]
    exact_page = get_page(client, exact)
    assert "Showing your exact spelling only" in text(
        exact_page, "//p[@class='search-variants']"
    )
    assert "exact spelling only" in summary(exact_page)


@pytest.mark.usefixtures("corpus")
def test_pyongyang_with_its_diacritics_matches_the_plain_spelling(client):
    assert "Kim Jong Un tours a computer centre" in titles(
        get_page(client, data={"q": "P'yŏngyang"})
    )
    assert "Kim Jong Un tours a computer centre" in titles(
        get_page(client, data={"q": "pyongyang"})
    )


@pytest.mark.usefixtures("corpus")
def test_a_korean_name_matches_korean_text_with_a_particle_attached(client):
    page = get_page(client, data={"q": "김정은"})
    assert "김정은은 인공지능 개발을 강조했다" in titles(page)


# --- Facets, filters, words ----------------------------------------------------


def facet_values(page, name: str) -> list[dict]:
    values = []
    for li in page.xpath(f"//section[@aria-labelledby='facet-{name}']//li"):
        toggle = li.xpath("./a[contains(@class, 'facet__toggle')]")[0]
        count = toggle.xpath(".//span[@class='facet__count']")[0].text_content()
        values.append(
            {
                "label": toggle.xpath(".//span[@class='facet__label']")[0]
                .text_content()
                .replace("Remove filter: ", "")
                .strip(),
                "count": int(re.match(r"\d+", count.replace(",", "")).group()),
                "selected": "is-selected" in li.get("class"),
                "toggle_url": toggle.get("href"),
                "exclude_url": li.xpath(
                    "./a[contains(@class, 'facet__exclude')]/@href"
                )[0],
            }
        )
    return values


@pytest.mark.usefixtures("corpus")
def test_facet_counts_of_single_valued_facets_add_up_to_the_total(client):
    page = get_json(client, data={"q": "broadcast OR radio"})
    assert page["total"] > 20
    for key in ("source", "year", "language", "kind"):
        assert sum(v["count"] for v in page["facets"][key]) == page["total"], key


@pytest.mark.usefixtures("corpus")
def test_a_long_facet_lists_its_top_values_and_links_to_all_of_them(client):
    page = get_page(client, data={"not_kind": "interview"})
    years = facet_values(page, "year")
    assert len(years) == 10
    more = page.xpath(
        "//section[@aria-labelledby='facet-year']//p[@class='facet__more']/a"
    )
    assert more[0].text_content().startswith("All year values")
    expanded = get_page(client, more[0].get("href"))
    assert len(facet_values(expanded, "year")) == 12
    fewer = expanded.xpath(
        "//section[@aria-labelledby='facet-year']//p[@class='facet__more']/a/@href"
    )
    assert len(facet_values(get_page(client, fewer[0]), "year")) == 10


@pytest.mark.usefixtures("corpus")
def test_choosing_two_sources_ors_them_and_says_so_in_words(client):
    page = get_page(client, data={"q": "radio", "source": ["bloomberg", "nk-news"]})
    data = get_json(client, data={"q": "radio", "source": ["bloomberg", "nk-news"]})
    assert {hit["source"]["slug"] for hit in data["results"]} == {
        "bloomberg",
        "nk-news",
    }
    assert summary(page) == (
        f"{data['total']} articles matching “radio” from Bloomberg and NK News"
    )
    chips = text(page, "//div[@class='active-filters']")
    assert "Source: Bloomberg" in chips
    assert "Source: NK News" in chips


@pytest.mark.usefixtures("corpus")
def test_the_summary_states_dates_and_exclusions(client):
    page = get_page(
        client,
        data={"q": "radio", "from": "2012", "to": "2015", "not_source": "bloomberg"},
    )
    assert re.fullmatch(
        "\\d+ articles? matching “radio” not from Bloomberg, 2012\u20132015",
        summary(page),
    )


@pytest.mark.usefixtures("corpus")
def test_a_date_range_keeps_only_articles_inside_it(client):
    data = get_json(client, data={"q": "broadcast", "from": "2012-05", "to": "2013"})
    assert data["total"] > 0
    for hit in data["results"]:
        assert "2012-05-01" <= hit["published"] <= "2013-12-31"


@pytest.mark.usefixtures("corpus")
def test_the_search_box_keeps_filters_and_shows_dates_and_exact(client):
    page = get_page(
        client,
        data={
            "q": "radio",
            "tag": "radio",
            "from": "2012",
            "exact": "1",
            "sort": "oldest",
        },
    )
    form = page.xpath("//form[@class='search-box']")[0]
    hidden = {
        (i.get("name"), i.get("value")) for i in form.xpath(".//input[@type='hidden']")
    }
    assert hidden == {("tag", "radio"), ("sort", "oldest")}
    assert form.xpath(".//input[@name='q']/@value") == ["radio"]
    assert form.xpath(".//input[@name='from']/@value") == ["2012"]
    assert form.xpath(".//input[@name='exact']/@checked")
    assert form.xpath(".//a[@href=$url]", url=reverse("search:help"))


@pytest.mark.usefixtures("corpus")
def test_results_and_home_have_one_search_box_and_other_pages_keep_the_header_one(
    client,
):
    page = get_page(client, data={"q": "radio"})
    assert len(page.xpath("//form[@role='search']")) == 1
    assert page.xpath("//input[@name='q']/@value") == ["radio"]
    help_page = get_page(client, reverse("search:help"))
    assert help_page.xpath("//header//form[@role='search']")
    home = get_page(client, reverse("archive:home"))
    assert len(home.xpath("//form[@role='search']")) == 1


# --- Results, pages, sorting -----------------------------------------------


@pytest.mark.usefixtures("corpus")
def test_results_come_twenty_to_a_page_and_the_last_page_holds_the_rest(client):
    first = get_json(client, data={"q": "broadcast"})
    assert first["total"] == FILLER_COUNT
    assert first["pages"] == 2
    assert len(first["results"]) == 20
    second = get_json(client, data={"q": "broadcast", "page": "2"})
    assert len(second["results"]) == FILLER_COUNT - 20
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert len(set(ids)) == FILLER_COUNT


@pytest.mark.usefixtures("corpus")
def test_a_page_past_the_last_shows_the_last_with_a_notice(client):
    page = get_page(client, data={"q": "broadcast", "page": "99999"})
    assert "There is no page 99,999; showing the last page, 2." in text(
        page, "//div[@class='notices']"
    )
    assert page.xpath("//ol[@class='results']/@start") == ["21"]


@pytest.mark.usefixtures("corpus")
@pytest.mark.parametrize(("sort", "reverse"), [("newest", True), ("oldest", False)])
def test_sorting_by_date_orders_the_results(client, sort, reverse):
    data = get_json(client, data={"q": "broadcast", "sort": sort})
    dates = [hit["published"] for hit in data["results"]]
    assert dates == sorted(dates, reverse=reverse)


@pytest.mark.usefixtures("corpus")
def test_without_words_the_filters_list_articles_newest_first(client):
    data = get_json(client, data={"source": "nk-news"})
    assert data["total"] > 3
    dates = [hit["published"] for hit in data["results"]]
    assert dates == sorted(dates, reverse=True)
    assert {hit["source"]["slug"] for hit in data["results"]} == {"nk-news"}


@pytest.mark.usefixtures("corpus")
def test_nothing_matched_offers_to_drop_each_filter(client):
    page = get_page(
        client, data={"q": "chatgpt", "source": "bloomberg", "year": "2012"}
    )
    assert summary(page).startswith("No articles matching “chatgpt”")
    advice = page.xpath("//div[contains(@class, 'search-empty')]")[0]
    links = advice.xpath(".//a/@href")
    assert any("year" not in parse_qs(urlsplit(u).query) for u in links)
    everything = [u for u in links if set(parse_qs(urlsplit(u).query)) == {"q"}]
    assert everything
    assert get_json(client, everything[0])["total"] == 1


@pytest.mark.usefixtures("corpus")
def test_a_misspelled_word_gets_a_did_you_mean_link_that_finds_something(client):
    page = get_page(client, data={"q": "koryolnik"})
    links = page.xpath(
        "//a[starts-with(@href, '/search/?q=')][contains(., 'koryolink')]/@href"
    )
    assert len(links) == 1, "a suggestion, offered once"
    assert "Did you mean" in text(page, "//main")
    assert text(page, "//main").count("Did you mean") == 1
    assert get_json(client, links[0])["total"] >= 1


@pytest.mark.usefixtures("corpus")
@pytest.mark.parametrize("q", ["KCNA", "KJU", "zzqx"])
def test_acronyms_and_far_off_words_get_no_nonsense_suggestion(client, q):
    assert get_json(client, data={"q": q})["suggestion"] is None


@pytest.mark.usefixtures("corpus")
def test_a_query_the_engine_rewrites_is_searched_and_the_page_says_how(client):
    page = get_page(client, data={"q": "radio *"})
    assert "* only completes the end of a word" in text(page, "//div[@class='notices']")
    assert "Radio listening rises along the border" in titles(page)


@pytest.mark.usefixtures("corpus")
def test_unbalanced_quotes_and_brackets_still_find_the_words(client):
    for q in ('"foreign media', "((foreign media", "foreign media)"):
        assert "North Korea\u2019s Control of Media Breached by Technology" in titles(
            get_page(client, data={"q": q})
        ), q


@pytest.mark.usefixtures("corpus")
def test_result_links_open_the_article_with_the_listing_for_previous_and_next(client):
    page = get_page(client, data={"q": "broadcast"})
    link = page.xpath("//ol[@class='results']//h2/a/@href")[1]
    query = parse_qs(urlsplit(link).query)
    assert query["from"] == ["search"]
    assert parse_qs(query["back"][0]) == {"q": ["broadcast"]}
    article = client.get(link)
    assert article.status_code == 200


# --- Bad input ------------------------------------------------------------------


@pytest.mark.usefixtures("corpus")
def test_unknown_values_are_named_in_an_escaped_notice(client):
    response = client.get(URL, {"q": "radio", "tag": "<b>bold</b>", "sort": "drop"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is no tag “&lt;b&gt;bold&lt;/b&gt;”" in content
    assert "<b>bold</b>" not in content
    assert "Unknown sort order “drop”" in content


@pytest.mark.usefixtures("corpus")
def test_an_invalid_date_is_ignored_with_a_notice(client):
    page = get_page(client, data={"q": "radio", "from": "2012-13-45"})
    assert "“2012-13-45” is not a date" in text(page, "//div[@class='notices']")
    assert page.xpath("//input[@name='from']/@value") == [""]


def test_an_unknown_format_is_refused_with_a_clear_message(client):
    response = client.get(URL, {"q": "radio", "format": "xml"})
    assert response.status_code == 400
    assert "Unknown format “xml”" in response.content.decode()
    assert "format=json" in response.content.decode()


# --- Other formats ------------------------------------------------------------------


@pytest.mark.usefixtures("corpus")
def test_json_is_the_same_page_in_the_documented_shape(client):
    data = get_json(client, data={"q": "radio", "tag": "radio"})
    assert set(data) >= {
        "query", "total", "page", "pages", "results", "facets",
        "also_matched", "suggestion", "histogram",
    }  # fmt: skip
    assert data["query"] == "radio"
    assert set(data["facets"]) == {
        "source",
        "tag",
        "author",
        "year",
        "language",
        "kind",
        "at_source",
    }
    assert {
        "value": "radio",
        "label": "radio",
        "count": data["total"],
        "selected": True,
    } in data["facets"]["tag"]
    hit = data["results"][0]
    assert set(hit) >= {
        "id", "title", "url", "original_url", "source", "published",
        "authors", "tags", "language", "kind", "snippet",
    }  # fmt: skip
    assert hit["url"].startswith("http://testserver/articles/")
    assert sum(y["count"] for y in data["histogram"]) == data["total"]
    page = get_page(client, data={"q": "radio", "tag": "radio"})
    assert titles(page) == [hit["title"] for hit in data["results"]]


@pytest.mark.usefixtures("corpus")
def test_csv_exports_the_whole_result_set(client):
    response = client.get(URL, {"q": "broadcast OR radio", "format": "csv"})
    assert response.status_code == 200
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    )
    total = get_json(client, data={"q": "broadcast OR radio"})["total"]
    assert total > 20
    assert len(rows) == total


@pytest.mark.usefixtures("corpus")
def test_the_page_links_its_atom_feed_of_the_newest_matches(client):
    page = get_page(client, data={"q": "radio"})
    feed_url = page.xpath(
        "//link[@rel='alternate'][@type='application/atom+xml']/@href"
    )
    assert feed_url
    feed = client.get(feed_url[0])
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("application/atom+xml")
    atom = {"a": "http://www.w3.org/2005/Atom"}
    root = etree.fromstring(feed.content)
    assert root.findtext("a:title", namespaces=atom).startswith(
        "Articles matching “radio”"
    )
    entries = root.findall("a:entry/a:title", namespaces=atom)
    assert "Radio listening rises along the border" in [e.text for e in entries]


def test_the_help_page_documents_the_query_language(client):
    page = get_page(client, reverse("search:help"))
    content = page.text_content()
    for example in (
        '"foreign media"',
        "radio NOT bloomberg",
        "title:",
        "author:",
        "~5",
        "smuggl*",
    ):
        assert example in content


# --- Every link says where it leads ------------------------------------------------

SINGLE_VALUED = ("source", "year", "lang", "kind")
WALKED_SEARCHES = [
    {"q": "broadcast OR radio"},
    {"q": "broadcast OR radio", "source": "nk-news"},
    {
        "q": "radio OR broadcast",
        "tag": "radio",
        "not_source": "bloomberg",
        "from": "2012",
    },
    {"kind": "news"},
    {"not_kind": "interview", "more": "year"},
]


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def own_filters(query: dict, name: str) -> bool:
    return bool(query.get(name) or query.get(f"not_{name}"))


def is_blank(url: str) -> bool:
    """A search with no words and no filters: the page to start from, with no results."""
    return not set(query_of(url)) - {"sort", "page", "more", "exact"}


def expected_total(value: dict, chosen: list[int], name: str, query: dict):
    """What choosing or unchoosing ``value`` must give, as (low, high) bounds."""
    others = sum(chosen) - (value["count"] if value["selected"] else 0)
    single = name in SINGLE_VALUED
    if value["selected"]:
        if chosen and single and len(chosen) > 1:
            return others, others
        return None
    if not chosen:
        # The count on a value is the total of the page it leads to.
        exact = single or not query.get(f"not_{name}")
        return (value["count"], value["count"]) if exact else (0, value["count"])
    if single:
        return value["count"] + others, value["count"] + others
    return max(value["count"], others), value["count"] + others


def check_facet_links(client, page, current: dict, query: dict) -> int:
    """Follow every facet value's links; return how many were followed."""
    followed = 0
    for name in ("source", "tag", "author", "year", "lang", "kind"):
        values = facet_values(page, name)
        chosen = [v["count"] for v in values if v["selected"]]
        for value in values:
            url = value["toggle_url"]
            target = get_json(client, url)
            get_page(client, url)
            followed += 1
            bounds = expected_total(value, chosen, name, query)
            if is_blank(url):
                assert target["total"] == 0
            elif bounds is None:
                assert target["total"] >= current["total"], (name, value)
            else:
                assert bounds[0] <= target["total"] <= bounds[1], (
                    name,
                    value,
                    target["total"],
                )
            if not value["selected"] and not own_filters(query, name):
                excluded = get_json(client, value["exclude_url"])
                followed += 1
                assert excluded["total"] == current["total"] - value["count"], (
                    name,
                    value,
                )
    return followed


def _key(name: str) -> str:
    return "language" if name == "lang" else name


def check_other_links(client, page, current: dict, query: dict) -> int:
    followed = 0
    for bar in page.xpath("//a[contains(@class, 'histogram__bar')]"):
        year, count = re.match(r"(\d{4}): (\d+)", bar.get("aria-label")).groups()
        target = get_json(client, bar.get("href"))
        followed += 1
        if "is-selected" in bar.get("class"):
            assert year not in query_of(bar.get("href")).get("year", [])
        elif not query.get("year"):
            assert target["total"] == int(count), (year, count)
            assert {h["published"][:4] for h in target["results"]} == {year}
    for chip in page.xpath("//a[contains(@class, 'chip')]"):
        target = get_json(client, chip.get("href"))
        followed += 1
        if not is_blank(chip.get("href")):
            assert target["total"] >= current["total"]
        assert len(query_of(chip.get("href"))) < len(query) + 1
    for link in page.xpath("//nav[@class='pagination']//a"):
        number = int(query_of(link.get("href")).get("page", ["1"])[0])
        target = get_json(client, link.get("href"))
        followed += 1
        assert (target["page"], target["total"]) == (number, current["total"])
    for link in page.xpath("//nav[@class='sort']//a"):
        target = get_json(client, link.get("href"))
        followed += 1
        assert target["total"] == current["total"]
    for link in page.xpath("//p[@class='facet__more']/a"):
        target = get_json(client, link.get("href"))
        followed += 1
        assert target["total"] == current["total"]
    return followed


@pytest.mark.usefixtures("corpus")
@pytest.mark.parametrize("search", WALKED_SEARCHES, ids=lambda s: "&".join(s))
def test_every_link_on_the_page_leads_to_what_it_says(client, search):
    page = get_page(client, data=search)
    current = get_json(client, data=search)
    query = {k: [v] if isinstance(v, str) else v for k, v in search.items()}
    assert summary(page).startswith(f"{current['total']} article")
    followed = check_facet_links(client, page, current, query)
    followed += check_other_links(client, page, current, query)
    assert followed > 10
