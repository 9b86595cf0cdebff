"""Saved news pages: the article's text and metadata, without the site around it."""

import datetime

import pytest

from archive.importers import Action
from archive.models import Article
from tests.archive.importers.conftest import DATA, text_input

pytestmark = pytest.mark.django_db

SITE_FURNITURE = [
    "cookies", "Donate", "Subscribe", "newsletter", "Sign up", "Related articles",
    "Leave a comment", "Great reporting", "comments", "All rights reserved",
    "Privacy policy", "Photo", "Share", "Most read", "Advertisement", "Log in",
    "Disqus", "Give today", "monthly gift", "Leave a Reply", "Previous post",
    "Stay in touch", "Proudly powered", "Skip to content", "Tags:",
]  # fmt: skip


def imported(import_files, filename: str) -> Article:
    report = import_files(DATA / filename)
    assert report.summary().startswith("1 created"), report.outcomes
    return Article.objects.get()


def assert_clean(article: Article) -> None:
    for text in SITE_FURNITURE:
        assert text not in article.body_text, text
    for markup in ("<script", "onerror", "<img", "<iframe", "<form", "<nav"):
        assert markup not in article.body


def test_a_page_with_json_ld_and_meta_tags(import_files):
    article = imported(import_files, "news_page_jsonld.html")
    assert (
        article.title == "Smuggled SD cards carry South Korean dramas across the Tumen"
    )
    assert (article.published, article.published_is_inferred) == (
        datetime.date(2023, 3, 14),
        False,
    )
    assert sorted(a.name for a in article.authors.all()) == ["Daniel Cho", "Hana Park"]
    assert article.source.name == "Korea Tech Observer"
    assert (
        article.url
        == "https://www.koreatechobserver.example/2023/03/14/smuggled-sd-cards-dramas-tumen/"
    )
    assert article.language == "en"
    assert article.status == "draft"
    assert article.summary.startswith("Traders along the Chinese border say")
    assert article.body_text.startswith("Traders along North Korea's border with China")
    assert article.body_text.endswith("as some crossings reopened.")
    assert "<h2>Cheaper than a bribe</h2>" in article.body
    assert "<blockquote>" in article.body
    assert article.title not in article.body_text  # the headline is not repeated
    assert_clean(article)


def test_a_chrome_saved_page_with_meta_tags_only(import_files):
    article = imported(import_files, "news_page_saved.html")
    assert (
        article.title
        == "Gaps in jamming let foreign radio reach North Korean listeners"
    )
    assert article.published == datetime.date(2021, 11, 2)
    assert [a.name for a in article.authors.all()] == ["Lee Sun-mi"]
    assert article.source.name == "Pyongyang Watch"  # from "Headline - Pyongyang Watch"
    assert (
        article.url
        == "https://news.pyongyangwatch.example/articles/2021/radio-jamming-gaps-in-the-north"
    )
    assert article.body_text.endswith("by the end of October.")
    assert "as clearly as a local station" in article.body_text
    assert "covers North Korean media" not in article.body_text
    assert_clean(article)


def test_a_wordpress_blog_post(import_files):
    article = imported(import_files, "blog_post_page.html")
    assert article.title == "What defectors told us about USB sticks and phones"
    assert article.published == datetime.date(2022, 6, 9)
    assert [a.name for a in article.authors.all()] == ["Grace Yoon"]
    assert article.source.name == "Open Door Korea"
    assert article.source.homepage == "https://opendoorkorea.example"
    assert "<li>Chinese and American action films</li>" in article.body
    assert article.body_text.endswith(
        "We will publish the full findings later this year."
    )
    assert_clean(article)


def test_published_status_can_be_asked_for(import_files):
    import_files(DATA / "blog_post_page.html", status="published")
    assert Article.objects.get().status == "published"


PARAGRAPHS = "".join(
    f"<p>Paragraph {n} reports what listeners in the border towns said about the "
    "foreign stations they hear at night, and how the jamming has changed.</p>"
    for n in range(1, 5)
)


def test_a_page_dated_only_in_its_text_gets_that_date_flagged_as_guessed(import_files):
    page = (
        "<html><head><title>Radio at night</title></head><body><article>"
        "<h1>Radio at night in the border towns</h1>"
        "<p>The survey, carried out before 14 May 2019 in three provinces, asked "
        f"about radio listening at night.</p>{PARAGRAPHS}</article></body></html>"
    )
    import_files(text_input(page, "page.html"))
    article = Article.objects.get()
    assert article.published == datetime.date(2019, 5, 14)
    assert article.published_is_inferred
    assert "date guessed from the page text" in article.review_note


def test_a_page_without_any_date_takes_the_import_day_for_review(import_files):
    page = f"<html><head><title>Undated</title></head><body><article><h1>Undated story here</h1>{PARAGRAPHS}</article></body></html>"
    import_files(text_input(page, "page.html"))
    article = Article.objects.get()
    assert (article.published, article.published_is_inferred) == (
        datetime.date.today(),
        True,
    )
    assert "no date found" in article.review_note


def test_a_page_with_no_article_fails(import_files):
    page = "<html><head><title>Home</title></head><body><nav><a href='/'>Home</a><a href='/news'>News</a></nav></body></html>"
    [outcome] = import_files(text_input(page, "home.html")).outcomes
    assert (outcome.action, outcome.message) == (
        Action.FAILED,
        "no article text was found in the page",
    )


def test_markup_nested_ten_thousand_deep_is_refused_quickly(import_files):
    page = (
        "<html><body>"
        + "<div>" * 10_000
        + "text"
        + "</div>" * 10_000
        + "</body></html>"
    )
    [outcome] = import_files(text_input(page, "deep.html")).outcomes
    assert outcome.action is Action.FAILED
    assert "more than 100 levels deep" in outcome.message


def page_in(lang: str, text: str) -> str:
    paragraphs = "".join(f"<p>{text} ({n})</p>" for n in range(4))
    return f'<html lang="{lang}"><head><title>Page</title></head><body><article><h1>A headline for the page</h1>{paragraphs}</article></body></html>'


ENGLISH = "Listeners in the border towns say the foreign stations come in clearly at night, and jamming has weakened."
KOREAN = "접경 지역 주민들은 밤에 외국 방송이 잘 들린다고 말했으며, 전파 방해도 약해졌다고 전했다."


def test_a_page_declaring_its_sites_language_is_filed_under_its_texts(import_files):
    import_files(text_input(page_in("ko", ENGLISH), "en.html"))
    import_files(text_input(page_in("en", KOREAN), "ko.html"))
    assert sorted(Article.objects.values_list("language", flat=True)) == ["en", "ko"]


def test_a_page_in_a_language_the_archive_does_not_keep_needs_one_chosen(import_files):
    italian = page_in("it", ENGLISH.replace("Listeners", "Ascoltatori"))
    [outcome] = import_files(text_input(italian, "it.html")).outcomes
    assert outcome.message.startswith("language “it” is not one the archive records")
    assert outcome.message.endswith("give a default language (--language) to file it")
    import_files(text_input(italian, "it.html"), language="en")
    assert Article.objects.get().language == "en"
