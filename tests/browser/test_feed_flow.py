"""A curator adds a source's feed in the admin, polls it, and reads its health."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from archive.models import Article
from tests.archive.collect.feeds import rss, serve_feed, serve_items

pytestmark = pytest.mark.django_db(transaction=True)


def test_curator_adds_a_feed_polls_it_and_sees_its_health(page, web, screenshot):
    serve_feed(web, "/feed.xml", rss(serve_items(web, 2)), etag='"v1"')
    web.page("/broken.xml", "oops", status=500)
    User.objects.create_superuser("curator", "curator@example.org", "a-long-password")
    page.goto("/admin/login/?next=/admin/archive/source/add/")
    page.fill("#id_username", "curator")
    page.fill("#id_password", "a-long-password")
    page.click("input[type=submit]")
    page.fill("#id_name", "Border Signals")
    page.fill("#id_feeds-0-url", web.url("/feed.xml"))
    page.click("#feeds-group .add-row a")
    page.fill("#id_feeds-1-url", web.url("/broken.xml"))
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    page.goto("/admin/collect/feed/")
    assert page.inner_text("#result_list").count("Not polled yet") == 2
    page.check("#action-toggle")
    page.select_option("select[name=action]", "poll_now")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist .success")
    assert "2 feeds will be polled by the background worker" in page.inner_text(
        ".messagelist"
    )

    call_command("archive_worker", "--once", verbosity=0)  # the worker beside it
    page.reload()
    listing = page.inner_text("#result_list")
    assert "Healthy" in listing
    assert "Failing (1 failure)" in listing
    assert "the server answered 500 Internal Server Error" in listing
    screenshot(page, "feed-health")
    assert Article.objects.filter(status=Article.Status.DRAFT).count() == 2

    page.click("#changelist-filter a:text-is('Failing')")
    page.wait_for_url("**health=failing**")
    assert web.url("/broken.xml") in page.inner_text("#result_list")
    assert web.url("/feed.xml") not in page.inner_text("#result_list")
