"""The seed fixtures: real metadata, clean bodies, stored exactly as the write path stores them."""
# ruff: noqa: RUF001 - the seed texts use typographic quotes and dashes, kept verbatim

import datetime
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils.text import slugify

from archive import services
from archive.models import Article, Author, Source, Tag, content_hash
from archive.sanitize import html_to_text, plain_text, sanitize_html
from archive.urlnorm import normalize_url

pytestmark = pytest.mark.django_db

FIXTURES = ("sources", "authors", "tags", "seed_articles")
SEEDS_DIR = Path(__file__).resolve().parent / "importers" / "data" / "seeds"
METADATA_PATH = SEEDS_DIR / "metadata.json"
METADATA = json.loads(METADATA_PATH.read_text(encoding="utf-8"))

LELP_URL = "https://libertyinnorthkorea.org/blog/north-koreans-learning-english-interview-with-lelp-student-volunteer"
KPOP_URL = "https://libertyinnorthkorea.org/blog/foreign-media-in-north-korea-how-kpop-is-challenging-the-regime"
BLOOMBERG_URL = "http://www.bloomberg.com/news/articles/2012-05-09/north-korea-s-control-of-media-breached-by-technology"
EAI_URL = "https://globalnk.org/publication/view.php?cd=COM000151"
NEWS1_URL = "https://news1global.com/uncategorized/article/432070"

# metadata.json names sources descriptively; the archive keeps one readable name each.
SOURCES = {
    "News1 (English edition, News1 Global)": ("News1 Global", "news-outlet", "South Korea"),
    "East Asia Institute (EAI), Global NK Commentary": ("East Asia Institute (EAI)", "think-tank", "South Korea"),
    "Bloomberg News": ("Bloomberg News", "news-outlet", "United States"),
    "Korea JoongAng Daily": ("Korea JoongAng Daily", "news-outlet", "South Korea"),
    "Liberty in North Korea (LiNK) blog": ("Liberty in North Korea (LiNK)", "ngo", "United States"),
}  # fmt: skip
KINDS = {"news": "news", "analysis brief": "analysis", "blog": "blog"}
# The LELP post is a question-and-answer interview, so it is filed as one.
KIND_BY_URL = {LELP_URL: "interview"}
# Only News1's English posting day was worked out (from the event day) rather than printed.
INFERRED_DATE_URLS = {NEWS1_URL}

HEADINGS = {
    BLOOMBERG_URL: [
        "U.S. Funding", "Radio’s Reach", "Government Gaps", "‘Nascent Seeds’ of Change",
        "Human Rights Record",
    ],
    KPOP_URL: [
        "Forced Isolation and the Regime’s Information Monopoly", "The Spread of Foreign Media",
        "Information Technology in North Korea", "How Foreign Media Changes Perceptions",
        "The Regime’s Response", "Accelerating Foreign Media Access and Change",
    ],
    LELP_URL: [
        "Please briefly introduce yourselves and share how you first met!",
        "What has been your favorite activity during the program?",
        "Is there a moment or everyday interaction where you felt LELP helped you?",
        "What are your dreams or goals?",
        "Has being part of this program changed your perspective on North Korea?",
        "Did LiNK’s program further your interest in sharing North Korean stories and experiences?",
        "What is something that each of you learned from each other?",
    ],
}  # fmt: skip

# Site chrome, captions, bylines, datelines, widgets and back matter from the
# seed files (README boilerplate map). Each one occurs in a raw seed file.
BOILERPLATE = [
    "Bloomberg Anywhere", "Customer Support", "Bloomberg Customers", "Photographer:",
    "North Koreans See Reality as Technology Breaches Regime Barriers",
    "Please upgrade your Browser", "Your browser is out-of-date",
    "Standards Board Policy", "Log in to Twitter", "To write comments", "help-image",
    "lock icon", "Home > National", "print dictionary print", "기자 사진", "BY MICHAEL LEE",
    "lee.junhyuk@joongang.co.kr", "the North's most prestigious institution",
    "Date of Issue", "Typeset by", "979-11-6617-786-6-95340", "Seunghye", "Dongguk University",
    "KANKS Spring Academic Conference", "References", "KOCCA Focus",
    "The East Asia Institute takes no institutional position", "jspark@eai.or.kr",
    "Photo credit", "North Korea is technologically isolated from the world",
    "A representation of how North Koreans watch", "North Koreans watching a Korean drama on a laptop",
    "Cydney & Stella", "April 22, 2022", "September 12, 2024", "Give Today", "Donate Now",
    "Your generous donation", "Learn more about the North Korean people", "You're subscribed",
    "Looks like something went wrong", "Check these out!", "Stand with the north korean people",
    "Join Liberty and give monthly", "The logo for Refinery29",
]  # fmt: skip
MARKUP_RESIDUE = ["*", "## ", "\\_", "](", "---", "■", "\u00a0"]


@pytest.fixture
def seeds():
    call_command("loaddata", *FIXTURES, verbosity=0)


def _article(meta: dict) -> Article:
    return Article.objects.with_relations().get(url=meta["url"])


def _snapshot() -> dict:
    rows = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Source, Author, Tag, Article)
    }
    rows["links"] = [
        (
            a.pk,
            sorted(a.authors.values_list("pk", flat=True)),
            sorted(a.tags.values_list("pk", flat=True)),
        )
        for a in Article.objects.order_by("pk")
    ]
    return rows


def _params():
    return pytest.mark.parametrize(
        "meta",
        METADATA,
        ids=[f"{m['seed_file'][:3]}-{slugify(m['title'])[:40]}" for m in METADATA],
    )


def test_fixtures_hold_the_six_seed_articles_and_their_registries(seeds):
    assert len(METADATA) == 6
    assert Source.objects.count() == 5
    assert Author.objects.count() == 3
    assert set(Tag.objects.values_list("slug", flat=True)) == {
        slug for meta in METADATA for slug in meta["tags"]
    }
    assert sorted(Article.objects.values_list("url", flat=True)) == sorted(
        meta["url"] for meta in METADATA
    )
    assert Article.objects.published().count() == 6


@_params()
def test_every_article_carries_its_real_metadata(seeds, meta):
    article = _article(meta)
    name, source_kind, country = SOURCES[meta["source"]]
    assert article.title == meta["title"]
    assert (article.source.name, article.source.homepage) == (
        name,
        meta["source_homepage"],
    )
    assert (article.source.kind, article.source.country) == (source_kind, country)
    assert sorted(a.name for a in article.authors.all()) == sorted(meta["authors"])
    assert article.published == datetime.date.fromisoformat(meta["published"])
    assert article.published_is_inferred == (meta["url"] in INFERRED_DATE_URLS)
    assert article.kind == KIND_BY_URL.get(meta["url"], KINDS[meta["kind"]])
    assert article.language == meta["language"] == "en"
    assert sorted(t.slug for t in article.tags.all()) == sorted(meta["tags"])
    assert article.status == Article.Status.PUBLISHED
    assert (
        article.summary
        and plain_text(article.summary, keep_lines=True) == article.summary
    )


@_params()
def test_every_body_runs_exactly_from_first_to_last_sentence(seeds, meta):
    article = _article(meta)
    assert article.body_text.startswith(meta["body_starts_with"])
    assert article.body_text.endswith(meta["body_ends_with"])
    assert article.body.startswith("<p>")
    assert article.body.count(meta["body_starts_with"]) == 1
    assert article.body.count(meta["body_ends_with"]) == 1


@_params()
def test_no_boilerplate_or_markup_residue_survives_in_any_body(seeds, meta):
    article = _article(meta)
    for phrase in [*BOILERPLATE, *MARKUP_RESIDUE]:
        assert phrase not in article.body, phrase
        assert phrase not in article.body_text, phrase
    assert not re.search(r"<p>\s*</p>", article.body)
    assert not re.search(r"^(Stella|Cydney) -", article.body_text, re.MULTILINE)


def test_boilerplate_phrases_are_taken_from_the_raw_seeds():
    raw = "".join(p.read_text(encoding="utf-8") for p in SEEDS_DIR.glob("*.txt"))
    assert [phrase for phrase in BOILERPLATE if phrase not in raw] == []


@_params()
def test_stored_fields_equal_what_the_write_path_derives(seeds, meta):
    article = _article(meta)
    assert sanitize_html(article.body) == article.body
    assert html_to_text(article.body) == article.body_text
    assert content_hash(article.body_text) == article.content_hash
    assert normalize_url(article.url) == article.url_key
    assert plain_text(article.title) == article.title
    assert article.slug == slugify(article.title, allow_unicode=True)[:200].strip("-")
    derived = (
        "title",
        "slug",
        "summary",
        "body",
        "body_text",
        "content_hash",
        "url_key",
    )
    stored = {name: getattr(article, name) for name in derived}
    article.full_clean()
    assert {name: getattr(article, name) for name in derived} == stored


@_params()
def test_subheads_are_headings(seeds, meta):
    article = _article(meta)
    headings = re.findall(r"<h[23]>(.*?)</h[23]>", article.body)
    assert headings == HEADINGS.get(meta["url"], [])
    for heading in headings:
        assert f"<p>{heading}</p>" not in article.body


def test_lists_quotes_emphasis_and_speakers_keep_their_structure(seeds):
    kpop = Article.objects.get(url=KPOP_URL)
    assert kpop.body.count("<ul>") == 1
    assert kpop.body.count("<li>") == 6
    assert "<li>Random house searches</li>" in kpop.body
    assert re.search(
        r"<blockquote><p>“At first you see the cars.*?</p></blockquote>", kpop.body
    )
    assert "</blockquote>\n<p>– Danbi, escaped North Korea in 2011</p>" in kpop.body

    eai = Article.objects.get(url=EAI_URL)
    assert "<em>Rodong Sinmun</em>" in eai.body
    assert "“<em>Sori yonpil (Sound Pencil)</em>,”" in eai.body
    # The PDF's page break split one sentence over two paragraphs.
    assert (
        "natural language processing, recommendation systems, and AI robots."
        in eai.body_text
    )

    lelp = Article.objects.get(url=LELP_URL)
    assert (
        "<p><strong>Stella:</strong> Right, I was a little nervous then.</p>"
        in lelp.body
    )
    assert (
        "<p><strong>Cydney:</strong> I think it was at the LELP hiking event!"
        in lelp.body
    )
    assert lelp.body.count("<strong>Stella:</strong>") == 11
    assert lelp.body.count("<strong>Cydney:</strong>") == 10


def test_every_row_passes_full_clean(seeds):
    for model in (Source, Author, Tag, Article):
        for row in model.objects.all():
            row.full_clean()
    for tag in Tag.objects.all():
        assert slugify(tag.name) == tag.slug
        assert tag.name[0].isupper()


def test_loading_the_fixtures_twice_changes_nothing(seeds):
    first = _snapshot()
    call_command("loaddata", *FIXTURES, verbosity=0)
    assert _snapshot() == first
    assert [len(first[m]) for m in ("Source", "Author", "Tag", "Article")] == [
        5,
        3,
        24,
        6,
    ]


def test_new_records_can_be_added_after_loading(seeds):
    source = services.source_get_or_create(
        name="Daily NK", kind=Source.Kind.NEWS_OUTLET
    )
    article = services.article_create(
        title="A new article",
        source=source,
        published=datetime.date(2025, 1, 1),
        body="<p>Text that no seed article has.</p>",
    )
    assert source.pk > 5 and article.pk > 6
