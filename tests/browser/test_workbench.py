"""The analyst's workbench in Chromium: filters on a phone, trends, Korean text."""

import re

import pytest
from playwright.sync_api import expect

from tests.search.page_corpus import build_corpus

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def corpus():
    return build_corpus()


@pytest.fixture
def phone_without_script(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    yield context.new_page()
    context.close()


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and -1 <= box["y"] < height


@pytest.mark.usefixtures("corpus")
def test_on_a_phone_the_filters_are_one_tap_away_without_script(
    phone_without_script, screenshot
):
    page = phone_without_script
    page.goto("/search/?q=radio")
    jump = page.get_by_role("link", name="Filters")
    expect(jump).to_be_visible()
    assert in_view(page, jump)  # at the top, above twenty results
    facets = page.locator("#filters .facet").first
    assert not in_view(page, facets)
    screenshot(page, "phone-filters-top", **PHONE)
    page.set_viewport_size(PHONE)
    jump.click()
    expect(page).to_have_url(re.compile(r"#filters$"))
    assert in_view(page, page.locator("#filters"))
    page.screenshot(path=str(screenshot(page, "phone-filters-open", **PHONE)))
    # A facet chosen there narrows the search, and the way back is as short.
    expect(page.get_by_role("link", name="Back to the results")).to_be_visible()


@pytest.mark.usefixtures("corpus")
def test_on_a_desktop_the_filters_sit_beside_the_results(page):
    page.goto("/search/?q=radio")
    expect(page.locator(".filters-jump")).to_be_hidden()
    expect(page.locator("#filters .facet").first).to_be_visible()


@pytest.mark.usefixtures("corpus")
def test_an_analyst_compares_coverage_over_time(page, screenshot):
    page.goto("/search/?q=radio")
    page.get_by_role("link", name="Compare over time").click()
    expect(page.get_by_label("Query 1")).to_have_value("radio")
    page.get_by_label("Query 2").fill("mobile phones")
    page.get_by_role("button", name="Compare").click()
    chart = page.locator("svg.trend-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("polyline")).to_have_count(2)
    expect(chart.locator(".trend-chart__tick").first).to_have_text("0")
    years = chart.locator(".trend-chart__label").all_text_contents()
    assert years == [str(y) for y in range(int(years[0]), int(years[-1]) + 1)]
    table = page.locator(".trends__table table")
    expect(table.locator("thead th")).to_have_count(4)
    expect(table.locator("thead")).to_contain_text("mobile phones")
    screenshot(page, "trends-desktop")
    screenshot(page, "trends-phone", **PHONE)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="share of the archive").click()
    expect(chart.locator(".trend-chart__tick").last).to_contain_text("%")
    page.get_by_role("link", name="month", exact=True).click()
    expect(page.locator(".trends__table thead th").first).to_have_text("Month")
    screenshot(page, "trends-share-by-month")


def test_korean_titles_and_snippets_break_between_words(page, screenshot):
    from tests.factories import SourceFactory, make_article

    make_article(
        title="북한 주민들의 외국 방송 청취와 손전화 사용이 크게 늘어났다는 조사 결과",
        summary="북한 주민들 사이에서 외국 라디오 방송을 몰래 듣는 사람이 늘어나고 "
        "있으며 손전화 가입자도 빠르게 증가하고 있다는 조사 결과가 나왔다.",
        body="<p>북한 주민들 사이에서 외국 라디오 방송을 몰래 듣는 사람이 늘어나고 있다.</p>",
        language="ko",
        source=SourceFactory(name="연합뉴스", slug="yonhap-ko"),
    )
    page.set_viewport_size(PHONE)
    page.goto("/articles/")
    title = page.locator(".result__title a").first
    expect(title).to_have_attribute("lang", "ko")
    expect(page.locator(".result__snippet").first).to_have_attribute("lang", "ko")
    assert title.evaluate("el => getComputedStyle(el).wordBreak") == "keep-all"
    # Every line of the wrapped title ends at a space: no word is cut.
    lines = title.evaluate(
        """el => {
          const text = el.textContent.trim(); const range = document.createRange();
          const node = el.firstChild; const tops = [];
          for (let i = 0; i < node.length; i++) {
            range.setStart(node, i); range.setEnd(node, i + 1);
            tops.push(Math.round(range.getBoundingClientRect().top));
          }
          const breaks = [];
          for (let i = 1; i < tops.length; i++) if (tops[i] > tops[i - 1]) breaks.push(i);
          return breaks.map(i => text[i - 1]);
        }"""
    )
    assert lines, "the title should wrap at phone width"
    assert all(char == " " for char in lines)
    screenshot(page, "korean-results-phone", **PHONE)
