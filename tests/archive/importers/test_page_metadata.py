"""Saved pages whose markup misleads: headline, date, author and outlet read from the whole page."""

import datetime

import pytest

from archive.importers.page_facts import PageFacts, authors, headline
from archive.models import Article
from tests.archive.importers.conftest import text_input

pytestmark = pytest.mark.django_db

PARAGRAPHS = "".join(
    f"<p>Paragraph {n} reports what listeners in the border towns said about the "
    "foreign stations they hear at night, and how the jamming has changed.</p>"
    for n in range(1, 5)
)


def page(head: str, body: str) -> str:
    return f'<html lang="en"><head>{head}</head><body>{body}</body></html>'


def imported(import_files, html: str) -> Article:
    import_files(text_input(html, "page.html"))
    return Article.objects.get()


def test_a_title_with_the_site_and_date_appended_is_cut_to_the_headline(
    import_files,
):
    article = imported(
        import_files,
        page(
            '<meta property="og:title" content="Radio at night | BW | 10.06.2013">'
            "<title>Radio at night | Culture | BW | 10.06.2013</title>",
            f"<article><h1>Radio at night</h1>{PARAGRAPHS}</article>",
        ),
    )
    assert article.title == "Radio at night"


RELATED_TEASER = (
    '<div class="related"><h4>Related content</h4><a href="/other">'
    '<h2>Another story <span class="date">01.08.2019</span></h2>'
    "<p>A teaser for a story the site published six years later.</p></a></div>"
)


def test_a_page_without_a_stated_date_takes_its_labelled_date_not_a_teasers(
    import_files,
):
    article = imported(
        import_files,
        page(
            "<title>Radio at night</title>",
            f"<div id='content'><h1>Radio at night</h1><div class='text'>{PARAGRAPHS}</div>"
            f"{RELATED_TEASER}<ul class='meta'><li><strong>Date</strong> 10.06.2013</li>"
            "<li><strong>Author</strong> Jane Roe</li></ul></div>",
        ),
    )
    assert (article.published, article.published_is_inferred) == (
        datetime.date(2013, 6, 10),
        False,
    )
    assert [a.name for a in article.authors.all()] == ["Jane Roe"]


def test_the_date_in_an_article_address_beats_a_guess(import_files):
    article = imported(
        import_files,
        page(
            '<link rel="canonical" href="https://news.example/2014/03/09/radio-at-night/">'
            "<title>Radio at night</title>",
            f"<article><h1>Radio at night</h1>{PARAGRAPHS}</article>{RELATED_TEASER}",
        ),
    )
    assert (article.published, article.published_is_inferred) == (
        datetime.date(2014, 3, 9),
        False,
    )


def test_the_articles_publication_date_wins_over_its_revision_date(import_files):
    article = imported(
        import_files,
        page(
            '<meta name="REVISION_DATE" content="2020-01-20T09:49:32Z">'
            '<meta name="sailthru.date" content="2020-01-20T09:49:32Z">'
            '<meta property="og:article:published_time" content="2020-01-19T12:25:36Z">'
            '<meta property="og:article:modified_time" content="2020-01-20T09:49:32Z">'
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"headline": "Radio at night", "dateModified": "2020-01-20T09:49:32Z", '
            '"datePublished": "2020-01-19T12:25:36Z"}</script>'
            "<title>Radio at night</title>",
            f"<article><h1>Radio at night</h1>{PARAGRAPHS}</article>",
        ),
    )
    assert article.published == datetime.date(2020, 1, 19)


def test_the_publishers_name_in_the_author_field_gives_way_to_the_printed_byline(
    import_files,
):
    article = imported(
        import_files,
        page(
            '<meta name="author" content="NORD MAGAZIN, Hamburg, Germany">'
            '<meta name="copyright" content="NORD MAGAZIN, Hamburg, Germany">'
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"author": [{"@type": "Organization", "name": "NORD MAGAZIN"}], '
            '"publisher": {"@type": "Organization", "name": "NORD MAGAZIN"}, '
            '"datePublished": "2018-12-22T00:00:00+0100"}</script>'
            "<title>Ein Sturm - NORD MAGAZIN 52/2018</title>",
            f"<div class='artikel'><h1>Ein Sturm</h1><div class='text'>{PARAGRAPHS}</div>"
            "<div class='artikel-autoren'>Von Jana Kim</div></div>",
        ),
    )
    assert [a.name for a in article.authors.all()] == ["Jana Kim"]
    assert article.source.name == "NORD MAGAZIN"


def test_a_credit_naming_no_person_is_not_an_author(import_files):
    article = imported(
        import_files,
        page(
            '<meta name="author" content="Korea Desk Staff">'
            '<meta property="og:site_name" content="Korea Desk">'
            '<meta property="article:published_time" content="2026-06-11T07:49:38Z">'
            "<title>Radio at night</title>",
            f"<article><h1>Radio at night</h1><div class='byline'>By Korea Desk Staff and AFP</div>"
            f"{PARAGRAPHS}</article>",
        ),
    )
    assert list(article.authors.all()) == []


def test_the_outlet_is_the_name_its_web_address_bears_out(import_files):
    article = imported(
        import_files,
        page(
            '<meta property="og:site_name" content="U.S.">'
            '<meta property="og:url" content="https://www.dailyplanet.example/article/radio-idUS1">'
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"publisher": {"@type": "Organization", "name": "Daily Planet"}}</script>'
            "<title>Radio at night</title>",
            f"<article><h1>Radio at night</h1>{PARAGRAPHS}</article>",
        ),
    )
    assert article.source.name == "Daily Planet"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Radio at night | Daily Planet | 10.06.2013", "Radio at night"),
        ("Radio at night - Daily Planet", "Radio at night"),
        ("Budget talks | March 2019", "Budget talks | March 2019"),  # no day: a subject
        ("Kim - Trump summit ends early", "Kim - Trump summit ends early"),
    ],
)
def test_only_the_outlets_name_and_a_full_date_are_cut_from_a_title(title, expected):
    assert headline(title, PageFacts(organisations=["Daily Planet"]), "") == expected


def test_an_outlets_address_is_not_read_as_authors():
    facts = PageFacts(organisations=["SPIEGEL ONLINE"])
    assert authors(["SPIEGEL ONLINE", "Hamburg", "Germany"], facts) == []
    assert authors(["Jane Doe", "John Roe"], facts) == ["Jane Doe", "John Roe"]
