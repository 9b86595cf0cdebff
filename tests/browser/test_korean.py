"""A Korean reader in Chromium: Korean pages from Accept-Language, and back to English."""

import re

import pytest
from playwright.sync_api import expect

from tests.archive.sample_archive import build_sample_archive

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def korean_page(browser, live_server):
    """A tab of a browser set to Korean (Accept-Language: ko-KR); errors fail the test."""
    context = browser.new_context(base_url=live_server.url, locale="ko-KR")
    page = context.new_page()
    errors = []
    page.on(
        "console", lambda msg: errors.append(msg.text) if msg.type == "error" else None
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"The browser reported errors: {errors}"


def fits_the_screen(page) -> bool:
    """Nothing sticks out sideways (no horizontal scrolling)."""
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )


def review(page, screenshot, name: str) -> None:
    """Screenshots at desktop and phone widths; the phone one must not overflow."""
    screenshot(page, f"ko-{name}-desktop", **DESKTOP)
    screenshot(page, f"ko-{name}-phone", **PHONE)
    assert fits_the_screen(page), f"{name} overflows a phone screen"
    page.set_viewport_size(DESKTOP)


def test_a_korean_reader_searches_reads_and_switches_back_to_english(
    korean_page, screenshot
):
    build_sample_archive()
    page = korean_page

    # First visit: the browser's language decides.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/ko/$"))
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator(".site-name")).to_have_text("북한 미디어·기술 아카이브")
    expect(page.locator(".intro")).to_contain_text("기사 8건")
    review(page, screenshot, "home")

    # Search, narrow by a facet, and see a notice about a bad date.
    page.get_by_label("아카이브 검색").fill("radio")
    page.get_by_role("button", name="검색", exact=True).click()
    expect(page).to_have_url(re.compile(r"/ko/search/\?q=radio"))
    expect(page.locator("h1")).to_contain_text("“radio” 검색 결과 기사")
    kinds = page.locator("section[aria-labelledby='facet-kind']")
    expect(kinds.locator("h3")).to_have_text("유형")
    kinds.locator("a.facet__toggle", has_text="뉴스").click()
    expect(page.locator("h1")).to_contain_text("유형: 뉴스")
    expect(page.locator(".active-filters")).to_contain_text("유형: 뉴스")
    page.goto(page.url + "&from=2012-13")
    expect(page.locator(".notices")).to_contain_text(
        "시작 날짜 “2012-13”은(는) 날짜 형식이 아니어서 무시했습니다"
    )
    review(page, screenshot, "search")

    # An article: the interface in Korean, the article in its own language.
    page.locator("ol.results h2 a").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator(".article__meta")).to_contain_text("발행일")
    expect(page.locator(".article__meta time")).to_have_text(
        re.compile(r"^\d{4}년 \d{1,2}월 \d{1,2}일$")
    )
    expect(page.locator("h1")).to_have_attribute("lang", "en")
    expect(page.locator(".cite")).to_contain_text("인용 정보 내려받기")
    review(page, screenshot, "article")

    # The help page explains Korean searches in Korean.
    page.get_by_role("link", name="검색 도움말").click()
    expect(page.locator("h1")).to_have_text("검색 방법")
    expect(page.locator("#spelling + p + p")).to_contain_text(
        "김정은으로 검색하면 영어 기사 속의 Kim Jong Un"
    )
    review(page, screenshot, "help")

    # Back to English with the switch; the choice is remembered.
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"/search/help/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("How to search")
    page.goto("/")
    expect(page).not_to_have_url(re.compile(r"/ko/"))
    expect(page.locator(".site-name")).to_have_text(
        "North Korea Media & Technology Archive"
    )
