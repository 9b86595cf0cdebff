"""The admin's import page: upload files or paste a page; see links to what was imported."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archive.models import Article
from tests.archive.importers.conftest import DATA, SEEDS

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("tests.archive.importers.admin_urls"),
]


def import_url() -> str:
    return reverse("admin:archive_article_import")


def upload(path, name=None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def test_the_page_shows_the_form_to_editors(editor_client):
    response = editor_client.get(import_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'name="files"' in html and "multiple" in html
    assert 'name="pasted"' in html
    assert "Import articles" in html


def test_visitors_are_sent_to_log_in(client):
    response = client.get(import_url())
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_without_the_right_to_add_articles_are_refused(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="viewer", password="pw", is_staff=True
    )
    client.force_login(user)
    assert client.get(import_url()).status_code == 403


def test_uploaded_files_are_imported_and_listed_with_links_to_the_drafts(editor_client):
    response = editor_client.post(
        import_url(),
        {
            "files": [
                upload(SEEDS / "004_027c9e1a57c1b1c6.txt"),
                upload(DATA / "mixed.jsonl"),
            ]
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "5 created, 0 updated, 0 skipped as duplicates, 8 failed" in html
    post = Article.objects.get(title__startswith="Foreign Media in North Korea")
    change = reverse("admin:archive_article_change", args=[post.pk])
    assert (
        f'<a href="{change}">Foreign Media in North Korea - How Kpop is Challenging the Regime</a>'
        in html
    )
    assert "Draft, needs review" in html
    assert "mixed.jsonl, line 4" in html and "invalid JSON" in html
    assert editor_client.get(change).status_code == 200


def test_a_pasted_page_is_imported_with_the_chosen_defaults(editor_client):
    page = (DATA / "news_page_saved.html").read_text()
    response = editor_client.post(
        import_url(),
        {
            "pasted": page,
            "source": "Pyongyang Watch (English)",
            "tags": "radio, jamming",
            "status": "published",
        },
    )
    assert "1 created" in response.content.decode()
    article = Article.objects.get()
    assert (
        article.title
        == "Gaps in jamming let foreign radio reach North Korean listeners"
    )
    assert article.status == "published"
    assert sorted(t.name for t in article.tags.all()) == ["jamming", "radio"]
    # The page names its site, so the default source is not needed.
    assert article.source.name == "Pyongyang Watch"


def test_pasted_html_markup_reaches_the_page_escaped(editor_client):
    hostile = "<script>alert(1)</script>Radio &amp; TV\n\nA paragraph about <b>radio</b> listening in the north of the country today."
    response = editor_client.post(import_url(), {"pasted": hostile, "source": "S"})
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "1 created" in html


def test_submitting_nothing_asks_for_a_file_or_a_page(editor_client):
    response = editor_client.post(import_url(), {"pasted": "  "})
    assert "Choose at least one file or paste a page." in response.content.decode()
    assert not Article.objects.exists()


def test_checking_only_lists_what_would_happen_without_links(editor_client):
    response = editor_client.post(
        import_url(), {"files": [upload(DATA / "feed_atom.xml")], "dry_run": "on"}
    )
    html = response.content.decode()
    assert "Check only: nothing was saved" in html
    assert "2 created" in html
    assert not re.search(r'href="/admin/archive/article/\d+/change/"', html)
    assert not Article.objects.exists()


def test_a_file_over_the_limit_fails_alone(editor_client, settings):
    settings.IMPORT_MAX_FILE_BYTES = 6000
    response = editor_client.post(
        import_url(),
        {
            "files": [
                upload(DATA / "news_page_jsonld.html"),
                upload(DATA / "feed_atom.xml"),
            ]
        },
    )
    html = response.content.decode()
    assert "over the import limit" in html
    assert "2 created, 0 updated, 0 skipped as duplicates, 1 failed" in html


def test_updating_needs_the_right_to_change_articles(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(
        username="adder", password="pw", is_staff=True
    )
    user.user_permissions.add(Permission.objects.get(codename="add_article"))
    client.force_login(user)
    response = client.post(
        import_url(), {"files": [upload(DATA / "feed_atom.xml")], "update": "on"}
    )
    assert "not allowed to change existing articles" in response.content.decode()
    assert not Article.objects.exists()
