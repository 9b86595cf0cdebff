import datetime
import json

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import SeparateCoAuthors

from archive.citations import (
    bibtex_escape,
    formatted_reference,
    to_bibtex,
    to_csl_json,
    to_ris,
)
from archive.models import Article
from tests.factories import AuthorFactory, SourceFactory, TagFactory, make_article

pytestmark = pytest.mark.django_db

PAGE_URL = "https://archive.example/articles/1/slug/"


@pytest.fixture
def article():
    return make_article(
        title="Smartphones, Wi-Fi & the 50% rule: North Korea's {new} internet",
        source=SourceFactory(name="38 North", slug="38-north"),
        authors=[
            AuthorFactory(name="Martyn Williams", slug="martyn-williams"),
            AuthorFactory(name="Jieun Baek", slug="jieun-baek"),
        ],
        tags=[TagFactory(name="mobile phones", slug="mobile-phones")],
        published=datetime.date(2019, 6, 15),
        kind=Article.Kind.ANALYSIS,
        url="https://www.38north.org/2019/06/smartphones/",
        summary="How the state\ncontrols phones.",
    )


def test_ris_parses_to_the_right_title_authors_date_and_publisher(article):
    (record,) = rispy.loads(to_ris(article, PAGE_URL))
    assert record["title"] == article.title
    assert record["authors"] == ["Martyn Williams", "Jieun Baek"]  # byline order
    assert record["year"] == "2019"
    assert record["date"] == "2019/06/15/"
    assert record["publisher"] == "38 North"
    assert record["secondary_title"] == "38 North"
    assert record["urls"] == ["https://www.38north.org/2019/06/smartphones/"]
    assert record["keywords"] == ["mobile phones"]
    assert record["abstract"] == "How the state controls phones."


@pytest.mark.parametrize(
    ("kind", "ris_type"),
    [
        (Article.Kind.NEWS, "NEWS"),
        (Article.Kind.REPORT, "RPRT"),
        (Article.Kind.BLOG, "BLOG"),
        (Article.Kind.ANALYSIS, "ELEC"),
    ],
)
def test_ris_type_follows_the_article_kind(kind, ris_type):
    article = make_article(kind=kind)
    (record,) = rispy.loads(to_ris(article, PAGE_URL))
    assert record["type_of_reference"] == ris_type


def test_ris_without_original_url_cites_the_archive_page():
    article = make_article(title="No original")
    (record,) = rispy.loads(to_ris(article, PAGE_URL))
    assert record["urls"] == [PAGE_URL]


def test_ris_notes_an_inferred_date():
    article = make_article(published_is_inferred=True)
    (record,) = rispy.loads(to_ris(article, PAGE_URL))
    assert "inferred" in record["notes"][0]


def test_bibtex_parses_to_the_right_title_authors_date_and_publisher(article):
    library = bibtexparser.parse_string(
        to_bibtex(article, PAGE_URL), append_middleware=[SeparateCoAuthors()]
    )
    assert not library.failed_blocks
    (entry,) = library.entries
    fields = {key: field.value for key, field in entry.fields_dict.items()}
    assert entry.entry_type == "article"
    assert fields["title"] == (
        r"Smartphones, Wi-Fi \& the 50\% rule: North Korea's \{new\} internet"
    )
    assert fields["author"] == ["Martyn Williams", "Jieun Baek"]
    assert fields["year"] == "2019"
    assert fields["month"] == "6"
    assert fields["publisher"] == "38 North"
    assert fields["journal"] == "38 North"
    assert fields["url"] == "https://www.38north.org/2019/06/smartphones/"
    assert entry.key == "williams2019smartphones"


def test_bibtex_decodes_back_to_the_plain_title(article):
    from bibtexparser.middlewares import LatexDecodingMiddleware

    library = bibtexparser.parse_string(
        to_bibtex(article, PAGE_URL), append_middleware=[LatexDecodingMiddleware()]
    )
    assert library.entries[0].fields_dict["title"].value == article.title


def test_bibtex_report_is_a_techreport_with_an_institution():
    article = make_article(kind=Article.Kind.REPORT)
    (entry,) = bibtexparser.parse_string(to_bibtex(article, PAGE_URL)).entries
    assert entry.entry_type == "techreport"
    assert entry.fields_dict["institution"].value == article.source.name


@pytest.mark.parametrize(
    "text",
    ["}", "{", "a}b{", "\\end{document}", "100% & #1 $x$ ^ ~ _", "@article{x,"],
)
def test_bibtex_escaping_keeps_every_entry_parseable(text):
    article = make_article(
        title=f"Title {text}", source=SourceFactory(name=f"S {text}")
    )
    library = bibtexparser.parse_string(to_bibtex(article, PAGE_URL))
    assert not library.failed_blocks
    assert len(library.entries) == 1
    assert bibtex_escape(text).count("{") == bibtex_escape(text).count("}")


def test_csl_json_item(article):
    (item,) = json.loads(to_csl_json(article, PAGE_URL))
    assert item["type"] == "article"
    assert item["title"] == article.title
    assert item["author"] == [
        {"literal": "Martyn Williams"},
        {"literal": "Jieun Baek"},
    ]
    assert item["issued"] == {"date-parts": [[2019, 6, 15]]}
    assert item["container-title"] == "38 North"
    assert item["publisher"] == "38 North"
    assert item["URL"] == article.url


def test_csl_json_marks_an_inferred_date_as_approximate():
    article = make_article(published_is_inferred=True, kind=Article.Kind.NEWS)
    (item,) = json.loads(to_csl_json(article, PAGE_URL))
    assert item["issued"]["circa"] is True
    assert item["type"] == "article-newspaper"


def test_formatted_reference(article):
    assert formatted_reference(article, PAGE_URL) == (
        "Martyn Williams and Jieun Baek. “Smartphones, Wi-Fi & the 50% rule: North "
        "Korea's {new} internet.” 38 North, 15 June 2019. "
        "https://www.38north.org/2019/06/smartphones/."
    )


def test_formatted_reference_without_authors_starts_with_the_title():
    article = make_article(
        title="Respected leader inspects factory.",
        source=SourceFactory(name="KCNA"),
        published=datetime.date(2023, 8, 8),
        published_is_inferred=True,
    )
    assert formatted_reference(article, PAGE_URL) == (
        "“Respected leader inspects factory.” KCNA, 8 August 2023 (date inferred). "
        f"{PAGE_URL}."
    )
