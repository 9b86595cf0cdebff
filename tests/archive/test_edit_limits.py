"""Limits where one item can cost everyone: body size, and edits that cross."""

import html
import json
import re

import pytest

from archive import services
from archive.models import Article
from tests.archive.importers.conftest import import_files, text_input  # noqa: F401
from tests.archive.test_admin import change_url, form_data
from tests.factories import SourceFactory, make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limit(settings):
    settings.ARTICLE_MAX_BODY_BYTES = 5000
    return settings.ARTICLE_MAX_BODY_BYTES


def test_the_admin_refuses_a_body_over_the_limit_with_a_clear_message(
    admin_client, small_limit
):
    body = "<p>" + "Listeners tune in at night. " * 400 + "</p>"
    response = admin_client.post(
        "/admin/archive/article/add/", form_data(SourceFactory(), body=body)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["body"]
    message = errors[0].replace("\xa0", " ")
    assert "The body is 10.9 KB; an article's body can be at most 4.9 KB." in message
    assert not Article.objects.exists()


def test_a_form_too_large_to_read_says_so_and_saves_nothing(admin_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000
    body = "<p>" + "Listeners tune in at night. " * 1000 + "</p>"
    response = admin_client.post(
        "/admin/archive/article/add/", form_data(SourceFactory(), body=body)
    )
    assert response.status_code == 400
    page = response.content.decode().replace("\xa0", " ")
    assert "larger than the 19.5 KB the archive reads at once" in page
    assert "Nothing was saved" in page
    assert not Article.objects.exists()


def test_the_importer_reports_a_body_over_the_limit(import_files, small_limit):  # noqa: F811
    record = {
        "title": "Huge",
        "source": "S",
        "published": "2024-01-01",
        "body": "<p>" + "x " * 4000 + "</p>",
    }
    small = dict(record, title="Small", body="<p>Fits.</p>", url="https://s.example/")
    text = json.dumps(record) + "\n" + json.dumps(small)
    report = import_files(text_input(text, "a.jsonl"))
    huge, fits = report.outcomes
    assert huge.action == "failed"
    assert "an article's body can be at most 4.9\xa0KB" in huge.message
    assert fits.action == "created"


def based_on(client, article) -> dict:
    page = client.get(change_url(article)).content.decode()
    value = re.search(r'name="based_on" value="([^"]*)"', page).group(1)
    return {"based_on": html.unescape(value)}


def editor_form(article, **overrides) -> dict:
    return form_data(
        article.source,
        title=article.title,
        body=article.body,
        published=article.published.isoformat(),
        **overrides,
    )


def test_a_save_over_someone_elses_newer_version_is_refused_naming_the_change(
    admin_client,
):
    article = make_article(title="Radio listening", status=Article.Status.DRAFT)
    opened = based_on(admin_client, article)  # editor A opens the article
    # Editor B saves a new title meanwhile.
    services.article_update(article=Article.objects.get(), title="Radio at night")

    response = admin_client.post(
        change_url(article),
        {**editor_form(article, summary="A's summary"), **opened},
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert "Someone else saved this article while you were editing it" in errors[0]
    assert "(changed: Title, Slug)" in errors[0]  # the slug follows the title
    stored = Article.objects.get()
    assert (stored.title, stored.summary) == ("Radio at night", "")


def test_a_bulk_publish_counts_as_a_newer_version(admin_client):
    article = make_article(title="Radio", status=Article.Status.DRAFT)
    opened = based_on(admin_client, article)
    services.articles_set_status(
        articles=Article.objects.all(), status=Article.Status.PUBLISHED
    )
    response = admin_client.post(
        change_url(article), {**editor_form(article, summary="x"), **opened}
    )
    errors = response.context["adminform"].form.non_field_errors()
    assert "(changed: Status)" in errors[0]
    assert Article.objects.get().status == Article.Status.PUBLISHED


def test_saving_the_version_one_opened_works_and_again_after_reopening(admin_client):
    article = make_article(title="Radio", status=Article.Status.DRAFT)
    first = based_on(admin_client, article)
    response = admin_client.post(
        change_url(article), {**editor_form(article, summary="One."), **first}
    )
    assert response.status_code == 302
    second = based_on(admin_client, article)
    response = admin_client.post(
        change_url(article), {**editor_form(article, summary="Two."), **second}
    )
    assert response.status_code == 302
    assert Article.objects.get().summary == "Two."
    # The form opened first is now two versions behind.
    response = admin_client.post(
        change_url(article), {**editor_form(article, summary="Old."), **first}
    )
    assert response.status_code == 200
    assert Article.objects.get().summary == "Two."
