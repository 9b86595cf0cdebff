"""Browser: an analyst reads what a source changed, at desktop and phone widths."""

import datetime

import pytest
from django.utils import timezone

from archive.models import Article
from archive.watch.recheck import recheck_article
from tests.archive.watch.pages import (
    CLOSING,
    OPENING,
    UNNAMED,
    article_page,
    filed_article,
)

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": (1280, 900), "phone": (375, 740)}


@pytest.fixture
def edited(web):
    article = filed_article(web)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
    recheck_article(article, now=timezone.now())
    web.page("/story", article_page(OPENING, UNNAMED, CLOSING))
    recheck_article(article, now=timezone.now() + datetime.timedelta(days=1))
    article.refresh_from_db()
    return article


def fits(page) -> bool:
    """Nothing sticks out sideways (no horizontal scrolling)."""
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_the_versions_page_and_the_difference_read_at_every_width(
    page, edited, screenshot, width
):
    w, h = WIDTHS[width]
    page.set_viewport_size({"width": w, "height": h})
    page.goto(edited.get_absolute_url())
    statement = page.locator(".at-source")
    assert "Changed at the source" in statement.inner_text()
    page.get_by_role("link", name="All versions").click()
    assert page.locator(".versions__list > li").count() == 2
    assert fits(page)
    screenshot(page, f"watch-versions-{width}", w, h)
    page.get_by_role("button", name="Compare").click()
    # The page's own stylesheet marks the difference; wait until it has loaded.
    page.wait_for_url("**/versions/compare/**", wait_until="load")
    removed = page.locator(".diff del")
    assert removed.count() == 1
    assert "Jang Song Thaek," in removed.inner_text()
    style = removed.evaluate(
        "el => [getComputedStyle(el).textDecorationLine,"
        " getComputedStyle(el, '::before').content]"
    )
    # Marked without colour: struck through, and bracketed.
    assert style == ["line-through", '"[\u2212"']
    assert page.locator(".diff ins").count() == 0
    assert fits(page)
    screenshot(page, f"watch-difference-{width}", w, h)
    page.goto("/changes/")
    assert "Jang Song Thaek," in page.locator(".change .diff del").inner_text()
    assert fits(page)
    screenshot(page, f"watch-changes-{width}", w, h)
