"""An analyst's pass through the search page in Chromium: query, facet, chart, pages, article."""

import re

import pytest
from playwright.sync_api import expect

from tests.search.page_corpus import build_corpus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def corpus():
    # Transactional tests commit each save, so every article is indexed at once.
    return build_corpus()


def summary(page) -> str:
    return " ".join(page.locator("h1").inner_text().split())


@pytest.mark.usefixtures("corpus")
def test_an_analyst_searches_narrows_pages_and_opens_an_article(page, screenshot):
    page.goto("/search/")
    page.get_by_label("Search words").fill("radio OR broadcast")
    page.get_by_role("button", name="Search", exact=True).last.click()
    expect(page.locator("h1")).to_contain_text("matching “radio OR broadcast”")
    total = int(re.match(r"[\d,]+", summary(page)).group().replace(",", ""))
    assert total > 20

    screenshot(page, "search-desktop", width=1280, height=900)
    screenshot(page, "search-phone", width=375, height=812)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Add a facet value, then remove it with its chip.
    nk_news = page.locator(
        "section[aria-labelledby='facet-source'] a.facet__toggle", has_text="NK News"
    )
    nk_count = int(nk_news.locator(".facet__count").inner_text().split()[0])
    nk_news.click()
    expect(page.locator("h1")).to_contain_text("from NK News")
    assert summary(page).startswith(f"{nk_count} article")
    chip = page.locator(".active-filters a.chip", has_text="NK News")
    expect(chip).to_be_visible()
    chip.click()
    expect(page.locator(".active-filters a.chip")).to_have_count(0)
    assert summary(page).startswith(f"{total} articles")

    # Narrow to one year with a bar of the chart.
    bar = page.locator("a.histogram__bar").first
    year, count = re.match(r"(\d{4}): (\d+)", bar.get_attribute("aria-label")).groups()
    bar.click()
    expect(page.locator("h1")).to_contain_text(f"in {year}")
    assert summary(page).startswith(f"{count} article")
    page.locator(".active-filters a.chip", has_text=year).click()
    expect(page.locator("h1")).not_to_contain_text(f"in {year}")

    # Page forward.
    first_page_titles = page.locator("ol.results h2").all_inner_texts()
    page.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator("ol.results")).to_have_attribute("start", "21")
    second_page_titles = page.locator("ol.results h2").all_inner_texts()
    assert not set(first_page_titles) & set(second_page_titles)

    # Open an article; its page knows the listing it came from.
    title = page.locator("ol.results h2 a").first
    title_text = title.inner_text()
    title.click()
    expect(page.locator("h1")).to_have_text(title_text)
    expect(page.locator(".listing-nav")).to_be_visible()
