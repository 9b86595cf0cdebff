import datetime
import json
import pathlib
from urllib.parse import parse_qsl

import bibtexparser
import jsonschema
import pytest
import rispy
from bibtexparser.middlewares import (
    LatexDecodingMiddleware,
    SeparateCoAuthors,
    SplitNameParts,
)

from archive.citations import (
    bibtex_escape,
    cite,
    coins,
    formatted_reference,
    to_bibtex,
    to_csl_json,
    to_ris,
)
from archive.models import Article
from tests.factories import AuthorFactory, SourceFactory, TagFactory, make_article

pytestmark = pytest.mark.django_db

PAGE_URL = "https://archive.example/articles/1/slug/"
# The CSL project's schema for CSL-JSON (MIT licence), from
# github.com/citation-style-language/schema, schemas/input/csl-data.json.
CSL_SCHEMA = json.loads(
    (pathlib.Path(__file__).parent / "data" / "csl-data.json").read_text()
)


@pytest.fixture
def article():
    return make_article(
        title="Smartphones, Wi-Fi & the 50% rule: North Korea's {new} internet",
        source=SourceFactory(name="38 North", slug="38-north", kind="think-tank"),
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


def test_ris_parses_to_the_right_title_authors_date_and_site(article):
    (record,) = rispy.loads(to_ris(article, PAGE_URL))
    assert record["type_of_reference"] == "ELEC"  # a think tank's web page
    assert record["title"] == article.title
    # Family name first, in byline order.
    assert record["authors"] == ["Williams, Martyn", "Baek, Jieun"]
    assert record["year"] == "2019"
    assert record["date"] == "2019/06/15/"
    assert record["secondary_title"] == "38 North"
    assert "publisher" not in record  # the site is named once
    assert record["urls"] == ["https://www.38north.org/2019/06/smartphones/"]
    assert record["access_date"] == article.created.strftime("%Y/%m/%d/")
    assert record["keywords"] == ["mobile phones"]
    assert record["abstract"] == "How the state controls phones."


@pytest.mark.parametrize(
    ("kind", "source_kind", "ris_type", "bibtex_type", "csl_type"),
    [
        ("news", "news-outlet", "NEWS", "article", "article-newspaper"),
        ("analysis", "news-outlet", "NEWS", "article", "article-newspaper"),
        ("state-media", "state-media", "NEWS", "article", "article-newspaper"),
        ("news", "wire", "NEWS", "article", "article-newspaper"),
        ("report", "think-tank", "RPRT", "report", "report"),
        ("report", "news-outlet", "RPRT", "report", "report"),
        ("blog", "ngo", "BLOG", "online", "post-weblog"),
        ("news", "blog", "BLOG", "online", "post-weblog"),
        ("analysis", "think-tank", "ELEC", "online", "webpage"),
        ("news", "ngo", "ELEC", "online", "webpage"),
        ("interview", "government", "ELEC", "online", "webpage"),
    ],
)
def test_the_citation_type_fits_the_item(
    kind, source_kind, ris_type, bibtex_type, csl_type
):
    article = make_article(kind=kind, source=SourceFactory(kind=source_kind))
    (record,) = rispy.loads(to_ris(article, PAGE_URL))
    assert record["type_of_reference"] == ris_type
    (entry,) = bibtexparser.parse_string(to_bibtex(article, PAGE_URL)).entries
    assert entry.entry_type == bibtex_type
    items = json.loads(to_csl_json(article, PAGE_URL))
    jsonschema.validate(items, CSL_SCHEMA)
    assert items[0]["type"] == csl_type
    # Never a site named twice (as container and as publisher).
    assert not ("container-title" in items[0] and "publisher" in items[0])


def test_ris_without_original_url_cites_the_archive_page():
    article = make_article(title="No original")
    (record,) = rispy.loads(to_ris(article, PAGE_URL))
    assert record["urls"] == [PAGE_URL]


def test_ris_notes_an_inferred_date():
    article = make_article(published_is_inferred=True)
    (record,) = rispy.loads(to_ris(article, PAGE_URL))
    assert "inferred" in record["notes"][0]


def test_names_are_structured_in_every_format():
    article = make_article(
        source=SourceFactory(name="Yonhap News Agency", kind="wire"),
        authors=[
            AuthorFactory(name="Kim Jong Un"),
            AuthorFactory(name="Nicole Gaouette"),
            AuthorFactory(name="Yonhap News Agency"),
        ],
    )
    (record,) = rispy.loads(to_ris(article, PAGE_URL))
    assert record["authors"] == [
        "Kim, Jong Un",
        "Gaouette, Nicole",
        "Yonhap News Agency",
    ]
    library = bibtexparser.parse_string(
        to_bibtex(article, PAGE_URL),
        append_middleware=[SeparateCoAuthors(), SplitNameParts()],
    )
    names = library.entries[0].fields_dict["author"].value
    assert [(n.last, n.first) for n in names] == [
        (["Kim"], ["Jong", "Un"]),
        (["Gaouette"], ["Nicole"]),
        (["{Yonhap News Agency}"], []),
    ]
    (item,) = json.loads(to_csl_json(article, PAGE_URL))
    assert item["author"] == [
        {"family": "Kim", "given": "Jong Un"},
        {"family": "Gaouette", "given": "Nicole"},
        {"literal": "Yonhap News Agency"},
    ]


def test_bibtex_parses_to_the_right_title_authors_date_and_site(article):
    library = bibtexparser.parse_string(
        to_bibtex(article, PAGE_URL), append_middleware=[SeparateCoAuthors()]
    )
    assert not library.failed_blocks
    (entry,) = library.entries
    fields = {key: field.value for key, field in entry.fields_dict.items()}
    assert entry.entry_type == "online"
    assert fields["title"] == (
        r"Smartphones, Wi-Fi \& the 50\% rule: North Korea's \{new\} internet"
    )
    assert fields["author"] == ["Williams, Martyn", "Baek, Jieun"]
    assert fields["year"] == "2019"
    assert fields["date"] == "2019-06-15"
    assert fields["organization"] == "38 North"
    assert "journal" not in fields
    assert fields["url"] == "https://www.38north.org/2019/06/smartphones/"
    assert fields["urldate"] == article.created.date().isoformat()
    assert entry.key == "williams2019smartphones"


def test_bibtex_news_is_a_newspaper_article():
    article = make_article(source=SourceFactory(name="Bloomberg News"))
    (entry,) = bibtexparser.parse_string(to_bibtex(article, PAGE_URL)).entries
    assert entry.entry_type == "article"
    assert entry.fields_dict["journaltitle"].value == "Bloomberg News"
    assert entry.fields_dict["entrysubtype"].value == "newspaper"


def test_bibtex_decodes_back_to_the_plain_title(article):
    library = bibtexparser.parse_string(
        to_bibtex(article, PAGE_URL), append_middleware=[LatexDecodingMiddleware()]
    )
    assert library.entries[0].fields_dict["title"].value == article.title


def test_bibtex_report_is_a_report_with_an_institution():
    article = make_article(kind=Article.Kind.REPORT)
    (entry,) = bibtexparser.parse_string(to_bibtex(article, PAGE_URL)).entries
    assert entry.entry_type == "report"
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
    items = json.loads(to_csl_json(article, PAGE_URL))
    jsonschema.validate(items, CSL_SCHEMA)
    (item,) = items
    assert item["type"] == "webpage"
    assert item["title"] == article.title
    assert item["author"] == [
        {"family": "Williams", "given": "Martyn"},
        {"family": "Baek", "given": "Jieun"},
    ]
    assert item["issued"] == {"date-parts": [[2019, 6, 15]]}
    created = article.created.date()
    assert item["accessed"] == {
        "date-parts": [[created.year, created.month, created.day]]
    }
    assert item["container-title"] == "38 North"
    assert "publisher" not in item
    assert item["URL"] == article.url


def test_csl_json_marks_an_inferred_date_as_approximate():
    article = make_article(published_is_inferred=True, kind=Article.Kind.NEWS)
    items = json.loads(to_csl_json(article, PAGE_URL))
    jsonschema.validate(items, CSL_SCHEMA)
    assert items[0]["issued"]["circa"] is True
    assert items[0]["type"] == "article-newspaper"


def test_formatted_reference(article):
    accessed = article.created.date()
    assert formatted_reference(article, PAGE_URL) == (
        "Williams, Martyn and Jieun Baek. “Smartphones, Wi-Fi & the 50% rule: North "
        "Korea's {new} internet.” 38 North, June 15, 2019. "
        f"Accessed {accessed:%B} {accessed.day}, {accessed.year}. "
        "https://www.38north.org/2019/06/smartphones/."
    )


def test_formatted_reference_without_authors_starts_with_the_title():
    article = make_article(
        title="Respected leader inspects factory.",
        source=SourceFactory(name="KCNA"),
        published=datetime.date(2023, 8, 8),
        published_is_inferred=True,
    )
    assert formatted_reference(article, PAGE_URL).startswith(
        "“Respected leader inspects factory.” KCNA, August 8, 2023 (date inferred). "
        "Accessed "
    )


def test_coins_carries_what_zotero_reads():
    article = make_article(
        title="Phones & radios",
        kind=Article.Kind.BLOG,
        source=SourceFactory(name="Liberty in North Korea (LiNK)", kind="ngo"),
        authors=[AuthorFactory(name="Seunghee Ha")],
        url="https://libertyinnorthkorea.org/blog/phones",
    )
    pairs = parse_qsl(coins(cite(article, PAGE_URL)))
    assert ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc") in pairs
    assert ("rft.type", "blogPost") in pairs
    assert ("rft.title", "Phones & radios") in pairs
    assert ("rft.au", "Ha, Seunghee") in pairs
    assert ("rft.source", "Liberty in North Korea (LiNK)") in pairs
    assert ("rft.identifier", "https://libertyinnorthkorea.org/blog/phones") in pairs


def test_placeholders_are_never_cited_as_facts():
    article = make_article(
        title="Harvested page",
        source=SourceFactory(name="Unknown source (needs review)"),
        review_note="Imported, needs review: no date found (the import day stands in)",
        published_is_inferred=True,
    )
    (record,) = rispy.loads(to_ris(article, PAGE_URL))
    assert "year" not in record and "date" not in record
    assert "secondary_title" not in record and "publisher" not in record
    items = json.loads(to_csl_json(article, PAGE_URL))
    jsonschema.validate(items, CSL_SCHEMA)
    assert "issued" not in items[0] and "container-title" not in items[0]
    (entry,) = bibtexparser.parse_string(to_bibtex(article, PAGE_URL)).entries
    assert "year" not in entry.fields_dict and "organization" not in entry.fields_dict
    assert formatted_reference(article, PAGE_URL).startswith(
        "“Harvested page.” n.d. Accessed "
    )
