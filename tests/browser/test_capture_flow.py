"""A curator captures two pages in the admin; an analyst downloads a capture."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from warcio.archiveiterator import ArchiveIterator

from archive.models import Article
from tests.archive.collect.pages import BLOG_PAGE, NEWS_PAGE

pytestmark = pytest.mark.django_db(transaction=True)


def test_curator_pastes_two_urls_publishes_one_analyst_downloads_its_capture(
    page, browser, live_server, web, screenshot
):
    web.page("/news", NEWS_PAGE)
    web.page("/blog", BLOG_PAGE)
    User.objects.create_superuser("curator", "curator@example.org", "a-long-password")
    page.goto("/admin/login/?next=/admin/archive/article/")
    page.fill("#id_username", "curator")
    page.fill("#id_password", "a-long-password")
    page.click("input[type=submit]")
    page.click("text=Add from URL")
    page.fill("#id_urls", f"{web.url('/news')}\n{web.url('/blog')}")
    page.click("input[value=Capture]")
    page.wait_for_url("**/batch/**")
    assert "The worker is fetching the pages" in page.inner_text("#content-main")

    call_command(
        "archive_worker", "--once", verbosity=0
    )  # the worker beside the server
    page.reload()
    results = page.inner_text("#capture-results")
    assert results.count("Captured") == 2 and "HTTP 200" in results
    screenshot(page, "capture-batch")
    assert Article.objects.filter(status=Article.Status.DRAFT).count() == 2

    page.click("#capture-results a:has-text('Gaps in jamming')")
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    # The capture's review note asks for a check; publishing past it takes a tick.
    page.wait_for_selector(".errornote")
    page.check("#id_publish_unreviewed")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    article = Article.objects.get(status=Article.Status.PUBLISHED)

    analyst = browser.new_context(base_url=live_server.url).new_page()
    analyst.goto(article.get_absolute_url())
    assert "SHA-256" in analyst.inner_text(".captures")
    screenshot(analyst, "article-captures")
    with analyst.expect_download() as download_info:
        analyst.click("text=Download .warc.gz")
    download = download_info.value
    assert download.suggested_filename.endswith(".warc.gz")
    with open(download.path(), "rb") as saved:
        kinds = [r.rec_type for r in ArchiveIterator(io.BytesIO(saved.read()))]
    assert kinds == ["warcinfo", "response", "request"]
    analyst.context.close()
