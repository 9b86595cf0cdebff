"""The query language analysts type, the variants it expands, and input it must survive."""

import pytest
from django.test import override_settings

from archive.listing.types import SearchParams
from search.backend import get_backend
from search.engine.query import NOTICE_CLOSED, NOTICE_PLAIN_WORDS, parse_query
from search.models import VariantGroup
from search.service import search

pytestmark = pytest.mark.django_db


def found(q: str, **params) -> set[str]:
    return {hit.article.title for hit in search(SearchParams(q=q, **params)).hits}


@pytest.fixture
def articles(publish):
    for title, body in [
        ("Radio jamming", "Jamming of foreign radio near the border."),
        ("Television signals", "Chinese television signals reach Sinuiju."),
        ("Mobile phone crackdown", "A mobile phone crackdown in Hyesan."),
        ("Phone calls and radio", "The phone rang while the radio played."),
        (
            "Intranet study",
            "Students use the Kwangmyong intranet at Kim Il Sung University.",
        ),
        ("Leader speech", "Kim Jong Un spoke in Pyongyang about the economy."),
        (
            "Older romanization",
            "Kim Jŏng-ŭn visited P'yŏngyang; Nodong Sinmun reported.",
        ),
        ("Korean report", "김정은은 평양에서 로동신문을 읽었다."),
        ("State paper", "Rodong Sinmun published an editorial."),
    ]:
        publish(title=title, body=f"<p>{body}</p>")


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("radio jamming", {"Radio jamming"}),
        (
            "radio OR television",
            {"Radio jamming", "Television signals", "Phone calls and radio"},
        ),
        (
            "radio or television",
            {"Radio jamming", "Television signals", "Phone calls and radio"},
        ),
        ("radio NOT phone", {"Radio jamming"}),
        ("radio not phone", {"Radio jamming"}),
        ("radio -phone", {"Radio jamming"}),
        ('"mobile phone"', {"Mobile phone crackdown"}),
        ("“mobile phone”", {"Mobile phone crackdown"}),
        ('"phone radio"', set()),
        ('"phone radio"~5', {"Phone calls and radio"}),
        # Proximity does not depend on word order; an exact phrase does.
        ('"radio phone"~5', {"Phone calls and radio"}),
        ('"radio calls"', set()),
        ("televis*", {"Television signals"}),
        ("title:radio", {"Radio jamming", "Phone calls and radio"}),
        ("jamm*", {"Radio jamming"}),
        ("(radio OR television) border", {"Radio jamming"}),
    ],
)
def test_the_query_language(articles, q, expected):
    assert found(q) == expected


def test_fielded_author_source_and_tag_match_names_as_words(publish):
    from tests.factories import AuthorFactory, SourceFactory, TagFactory

    publish(
        title="Fielded",
        source=SourceFactory(name="Daily NK"),
        authors=[AuthorFactory(name="Kang Mi-jin")],
        tags=[TagFactory(name="food prices")],
    )
    publish(title="Other")
    assert found("author:kang") == {"Fielded"}
    assert found('author:"Kang Mi-jin"') == {"Fielded"}
    assert found("source:daily") == {"Fielded"}
    assert found("tag:prices") == {"Fielded"}
    assert found("kang") == {"Fielded"}  # author names match plain words
    assert found("prices") == set()  # tag names only match tag:


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("P'yŏngyang", {"Leader speech", "Older romanization", "Korean report"}),
        ("Pyongyang", {"Leader speech", "Older romanization", "Korean report"}),
        ("Kim Jong Un", {"Leader speech", "Older romanization", "Korean report"}),
        ("Kim Jŏng-ŭn", {"Leader speech", "Older romanization", "Korean report"}),
        ("김정은", {"Leader speech", "Older romanization", "Korean report"}),
        ("로동신문", {"Older romanization", "Korean report", "State paper"}),
        ("Rodong Sinmun", {"Older romanization", "Korean report", "State paper"}),
    ],
)
def test_romanizations_and_hangul_find_each_other(articles, q, expected):
    assert found(q) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Kim Jŏng-ŭn", {"Leader speech", "Older romanization"}),
        ("P'yŏngyang", {"Leader speech", "Older romanization"}),
        ("김정은", {"Korean report"}),
        ("로동신문", {"Korean report"}),
    ],
)
def test_exact_spelling_still_folds_accents_and_finds_hangul_inside_words(
    articles, q, expected
):
    assert found(q, expand_variants=False) == expected


def test_the_page_lists_the_variant_spellings_searched_besides_those_typed(articles):
    page = search(SearchParams(q="Kim Jong Un"))
    assert "김정은" in page.also_matched
    assert "Kim Jong-un" not in page.also_matched  # searches the same words as typed
    assert (
        search(SearchParams(q="Kim Jong Un", expand_variants=False)).also_matched == ()
    )


def test_a_variant_group_added_in_the_admin_takes_effect_at_once(articles):
    assert found("Sinuiju") == {"Television signals"}
    assert found("Shinuiju") == set()
    VariantGroup.objects.create(name="Sinuiju spellings", variants="Sinuiju\nShinuiju")
    assert found("Shinuiju") == {"Television signals"}


def test_disabled_variant_groups_are_not_used(articles):
    VariantGroup.objects.filter(name="Pyongyang").update(enabled=False)
    from search import variants

    variants.forget()
    assert found("Pyeongyang") == set()


@override_settings(SEARCH_PREFIX_MIN_LENGTH=3)
def test_short_prefixes_are_searched_as_words_with_a_notice(articles):
    page = search(SearchParams(q="ra*"))
    assert page.total == 0
    assert any("too short" in n for n in page.notices)


@override_settings(SEARCH_PREFIX_MAX_TERMS=1)
def test_prefixes_matching_many_words_search_the_most_common_with_a_notice(articles):
    page = search(SearchParams(q="stu*"))  # student, study
    assert page.total == 1
    assert any("most common" in n for n in page.notices)


HOSTILE = [
    '"unbalanced quote',
    "((( nested",
    "radio )))",
    "AND",
    "OR OR OR",
    "NOT",
    "-",
    "+",
    "title:",
    "foo:bar",
    "author:",
    ":",
    "*",
    "**",
    "*ang",
    "a*",
    "x^9",
    "radio^9",
    "[a TO",
    "{a TO b}",
    "published:2021",
    "published:[2019 to 2022]",
    "published:yesterday",
    "date:>=2023-07-01",
    "radio~",
    "radio~2",
    "\x00\x01\x02 radio \x1b[31m",
    "\u202eoidar\u202c",
    "\u200b\u200d",
    "🙂📻 radio 🛰️",
    "'; DROP TABLE archive_article; --",
    "<script>alert(1)</script>",
    "%00 %s %d {0} {{x}}",
    "\\",
    "radio\\",
    "r" * 10_000,
    "radio " * 2_000,
    " OR ".join(f"word{n}" for n in range(50)),
    "مرحبا שלום",
    "\ud800",
    "title:(radio OR",
    '"radio"~',
    '"radio"~999999999999',
]


@pytest.mark.parametrize("q", HOSTILE)
def test_any_string_returns_a_page(articles, q):
    page = search(SearchParams(q=q))
    assert page.total >= 0
    assert isinstance(page.notices, tuple)


@pytest.mark.parametrize("q", ["", "   ", "the of and", "a b c"])
def test_blank_or_stop_word_queries_return_an_empty_page(articles, q):
    page = search(SearchParams(q=q))
    assert page.total == 0 and page.hits == ()


def test_a_ten_thousand_character_query_is_cut_with_a_notice(articles):
    page = search(SearchParams(q="radio " * 2000))
    assert page.total == search(SearchParams(q="radio")).total == 2
    assert any("first" in n and "characters" in n for n in page.notices)


@pytest.mark.parametrize("text", ["foo:bar radio", "nosuchfield:radio"])
def test_a_query_that_cannot_be_read_is_searched_as_plain_words_with_a_notice(text):
    parsed = parse_query(text, limits=get_backend().limits)
    assert NOTICE_PLAIN_WORDS in parsed.notices


@pytest.mark.parametrize(
    ("text", "closed"),
    [
        ('"foreign media', '"foreign media"'),
        ("((radio", "((radio))"),
        ("radio)", "radio"),
        ('(radio OR "state media', '(radio OR "state media")'),
        ('say "a (b', 'say "a (b"'),
    ],
)
def test_an_unclosed_quote_or_bracket_is_closed_as_the_help_says(text, closed):
    parsed = parse_query(text, limits=get_backend().limits)
    assert parsed.text == closed
    assert NOTICE_PLAIN_WORDS not in parsed.notices
    assert NOTICE_CLOSED.format(text=closed) in parsed.notices


def test_a_closed_quote_searches_the_phrase(articles):
    assert found('"mobile phone') == {"Mobile phone crackdown"}
    assert found('"phone radio') == set()


@pytest.mark.parametrize("text", ['"foreign media"', "(radio OR tv)", "title:radio"])
def test_a_well_formed_query_gets_no_plain_words_notice(text):
    assert (
        NOTICE_PLAIN_WORDS not in parse_query(text, limits=get_backend().limits).notices
    )
