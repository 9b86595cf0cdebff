"""The admin: versions on the article's page, adopting one, and who changed what."""

import datetime
import html
import re

import pytest
from django.contrib.admin.models import LogEntry
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

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def edited(web):
    article = filed_article(web)
    recheck_article(article, now=timezone.now())
    web.page("/story", article_page(OPENING, UNNAMED, CLOSING, title="Meeting held"))
    recheck_article(article, now=timezone.now() + DAY)
    article.refresh_from_db()
    return article


def history(client, article) -> str:
    return client.get(f"/admin/archive/article/{article.pk}/history/").content.decode()


def test_the_article_form_lists_the_versions_and_the_checks(editor_client, edited):
    page = editor_client.get(
        f"/admin/archive/article/{edited.pk}/change/"
    ).content.decode()
    assert "versions at the source" in page.lower()
    assert "Meeting held" in page
    assert "2 checks" in page
    version = edited.versions.get(number=2)
    assert f"/admin/watch/version/{version.pk}/adopt/" in page
    checks = editor_client.get(f"/admin/watch/check/?article__id__exact={edited.pk}")
    assert checks.status_code == 200 and "Changed" in checks.content.decode()


def test_adopting_a_version_changes_only_the_ticked_fields_and_is_logged(
    editor_client, edited, editor
):
    version = edited.versions.get(number=2)
    url = f"/admin/watch/version/{version.pk}/adopt/"
    page = editor_client.get(url).content.decode()
    assert "<del" in page and "Jang Song Thaek" in page
    response = editor_client.post(url, {"body": "1"})
    assert response.status_code == 302
    edited.refresh_from_db()
    assert "Jang Song Thaek" not in edited.body_text
    assert edited.title == "Political Bureau meeting held"  # not ticked: kept
    version.refresh_from_db()
    assert version.adopted is not None
    entry = LogEntry.objects.get(object_id=str(edited.pk))
    assert entry.user == editor
    assert "Body" in entry.get_change_message()
    assert "Changed Body for version at the source “2”." in history(
        editor_client, edited
    )


def test_adopting_nothing_says_so(editor_client, edited):
    version = edited.versions.get(number=2)
    response = editor_client.post(f"/admin/watch/version/{version.pk}/adopt/", {})
    assert "Tick at least one field" in response.content.decode()


def test_a_curators_edit_is_kept_with_who_and_which_fields(editor_client, edited):
    page = editor_client.get(f"/admin/archive/article/{edited.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: field.widget.format_value(form.initial.get(name)) or ""
        for name, field in form.fields.items()
    }
    # Hidden fields as the browser posts them back: their rendered values.
    for name, value in re.findall(
        r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.content.decode()
    ):
        data[name] = html.unescape(value)
    data.update(
        {
            "title": "A corrected title",
            "authors": [],
            "tags": [],
            "source": edited.source_id,
            "published": edited.published.isoformat(),
        }
    )
    data = {k: v for k, v in data.items() if v is not None}
    response = editor_client.post(f"/admin/archive/article/{edited.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    text = history(editor_client, edited)
    assert "curator" in text and "Changed Title." in text


def test_bulk_publishing_is_kept_in_each_articles_history(editor_client, edited):
    editor_client.post(
        "/admin/archive/article/",
        {"action": "unpublish", "_selected_action": [edited.pk]},
    )
    Article.objects.filter(pk=edited.pk).update(status=Article.Status.DRAFT)
    editor_client.post(
        "/admin/archive/article/",
        {
            "action": "publish",
            "_selected_action": [edited.pk],
            "apply": "1",
            "choice": "all",
        },
    )
    assert "Changed Status." in history(editor_client, edited)
