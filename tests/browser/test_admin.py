"""The curation admin in a real browser, under the site's Content-Security-Policy."""

import datetime

import pytest
from django.contrib.auth.models import User

from archive.models import Article, Author, Source
from tests.browser.conftest import ARTIFACTS
from tests.factories import SourceFactory, TagFactory, make_article

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_page(page):
    User.objects.create_superuser("curator", "curator@example.org", "a-long-password")
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "curator")
    page.fill("#id_password", "a-long-password")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return page


def console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def choose_in_autocomplete(page, field: str, typed: str, option: str) -> None:
    page.click(f".field-{field} .select2-selection")
    page.fill(".select2-search__field", typed)
    page.click(f".select2-results__option:has-text('{option}')")


def test_article_form_autocomplete_and_add_popup_work_under_the_csp(
    admin_page, screenshot
):
    page = admin_page
    SourceFactory(name="Bloomberg News")
    TagFactory(name="radio")
    response = page.goto("/admin/archive/article/add/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp

    page.fill("#id_title", "North Korea's Control of Media Breached by Technology")
    choose_in_autocomplete(page, "source", "bloom", "Bloomberg News")
    choose_in_autocomplete(page, "tags", "rad", "radio")

    with page.expect_popup() as popup_info:
        page.click("#add_id_authors")
    popup = popup_info.value
    popup_errors = console_errors(popup)
    popup.wait_for_load_state()
    popup.fill("#id_name", "Nicole Gaouette")
    popup.click("input[name=_save]")
    popup.wait_for_event("close")
    assert popup_errors == []
    page.wait_for_selector(
        "#id_authors option:checked:has-text('Nicole Gaouette')", state="attached"
    )

    page.fill("#id_published", "2012-05-09")
    page.fill("#id_body", "<p>Smuggled <em>DVDs</em>.</p><script>alert(1)</script>")
    screenshot(page, "admin-article-add")
    page.click("input[name=_continue]")
    page.wait_for_selector(".article-preview")

    article = Article.objects.get()
    assert article.source.name == "Bloomberg News"
    assert [a.name for a in article.authors.all()] == ["Nicole Gaouette"]
    assert [t.name for t in article.tags.all()] == ["radio"]
    assert article.body == "<p>Smuggled <em>DVDs</em>.</p>"
    preview = page.frame_locator(".article-preview")
    assert preview.locator(".article__body").inner_text() == "Smuggled DVDs."
    # Styled as the article page is, not as the admin.
    font = preview.locator(".article__body p").evaluate(
        "el => getComputedStyle(el).fontFamily"
    )
    site_font = page.evaluate("fetch('/static/css/site.css').then(r => r.text())")
    assert font.split(",")[0].strip("\"' ") in site_font
    page.locator(".article-preview").scroll_into_view_if_needed()
    page.locator(".article-preview").screenshot(
        path=str(ARTIFACTS / "admin-article-preview.png")
    )
    screenshot(page, "admin-article-change")


def test_source_popup_from_the_article_form_selects_the_new_source(admin_page):
    page = admin_page
    page.goto("/admin/archive/article/add/")
    with page.expect_popup() as popup_info:
        page.click("#add_id_source")
    popup = popup_info.value
    popup.wait_for_load_state()
    popup.fill("#id_name", "Rodong Sinmun")
    popup.select_option("#id_kind", "state-media")
    popup.click("input[name=_save]")
    popup.wait_for_event("close")
    source = Source.objects.get(name="Rodong Sinmun")
    assert page.input_value("#id_source") == str(source.pk)
    assert "Rodong Sinmun" in page.inner_text(".field-source .select2-selection")


def test_bulk_tag_action_page_offers_a_working_tag_search(admin_page, screenshot):
    page = admin_page
    article = make_article(title="Radio listening", published=datetime.date(2012, 5, 9))
    TagFactory(name="mobile phones")
    page.goto("/admin/archive/article/")
    page.check(f"input[name=_selected_action][value='{article.pk}']")
    page.select_option("select[name=action]", "add_tag")
    page.click("button[name=index]")
    page.wait_for_selector("text=1 article selected")
    choose_in_autocomplete(page, "tag", "mobile", "mobile phones")
    screenshot(page, "admin-add-tag")
    page.click("input[name=apply]")
    page.wait_for_selector("text=Tagged 1 article “mobile phones”.")
    assert [t.name for t in article.tags.all()] == ["mobile phones"]


def test_merge_page_works_under_the_csp(admin_page):
    page = admin_page
    keep, other = (
        Author.objects.create(name="Kim Jong Un", slug="kim-jong-un"),
        (Author.objects.create(name="Kim Jong-un", slug="kim-jong-un-2")),
    )
    make_article(authors=[other])
    page.goto("/admin/archive/author/")
    for author in (keep, other):
        page.check(f"input[name=_selected_action][value='{author.pk}']")
    page.select_option("select[name=action]", "merge_into")
    page.click("button[name=index]")
    choose_in_autocomplete(page, "into", "Kim Jong Un", "Kim Jong Un")
    page.click("input[name=apply]")
    page.wait_for_selector("text=Merged 1 author into “Kim Jong Un”")
    assert list(Author.objects.all()) == [keep]


def test_authors_picked_in_the_article_form_keep_their_byline_order(admin_page):
    page = admin_page
    SourceFactory(name="38 North")
    williams = Author.objects.create(name="Martyn Williams", slug="martyn-williams")
    baek = Author.objects.create(name="Jieun Baek", slug="jieun-baek")
    page.goto("/admin/archive/article/add/")
    page.fill("#id_title", "Smartphones and the state")
    choose_in_autocomplete(page, "source", "38", "38 North")
    choose_in_autocomplete(page, "authors", "Will", "Martyn Williams")
    choose_in_autocomplete(page, "authors", "Baek", "Jieun Baek")
    page.fill("#id_published", "2019-06-15")
    page.fill("#id_body", "<p>Phones and the state.</p>")
    page.click("input[name=_continue]")
    page.wait_for_selector(".article-preview")
    assert Article.objects.get().byline == [williams, baek]

    # Saving the change form untouched keeps the byline as it was.
    chosen = page.inner_text(".field-authors .select2-selection")
    assert chosen.index("Martyn Williams") < chosen.index("Jieun Baek")
    page.click("input[name=_continue]")
    page.wait_for_selector(".article-preview")
    assert Article.objects.get().byline == [williams, baek]


def test_the_article_list_gives_titles_room_at_1280_pixels(admin_page, screenshot):
    source = SourceFactory(name="Korea JoongAng Daily")
    tag = TagFactory(name="artificial intelligence and machine learning")
    for n in range(3):
        make_article(
            title=f"Despite ban, North Korea's global AI collaborations grow ({n})",
            source=source,
            tags=[tag],
        )
    page = admin_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/admin/archive/article/")
    screenshot(page, "admin-article-list")
    title = page.locator("#result_list tbody th.field-title").first
    assert title.bounding_box()["width"] >= 300
    # The title reads in a line or two, not a narrow column.
    assert title.locator("a").bounding_box()["height"] < 50
