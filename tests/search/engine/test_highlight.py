"""Snippets mark the words that analyze to a searched term, and only whole words."""

import html

import pytest

from search.engine import highlight
from search.engine.analyzers import build_analyzer
from search.engine.highlight import highlight_snippet

_ANALYZER = build_analyzer()


def terms(*words: str) -> frozenset[str]:
    return frozenset(_ANALYZER.term(w) or w for w in words)


@pytest.mark.parametrize(
    ("text", "searched", "marked"),
    [
        # Other endings of the word, and its possessive.
        ("Radios and radio's signal", ("radio",), ["Radios", "radio's"]),
        # Inside a longer word, or after an apostrophe inside one: no mark.
        ("A comrade left; a radar.", ("rad",), []),
        ("O'Carroll wrote; Carroll did not.", ("carroll",), ["Carroll"]),
        ("O'Carroll wrote.", ("o'carroll",), ["O'Carroll"]),
        # After an underscore or a quote a word starts.
        ("file_radio 'radio'", ("radio",), ["radio", "radio"]),
        # Accents and apostrophes are folded as the index folds them.
        ("P'yŏngyang and Pyongyang", ("pyongyang",), ["P'yŏngyang", "Pyongyang"]),
        # Stemming may rewrite a word's last letters.
        ("sensibility is sensible", ("sensibility",), ["sensibility", "sensible"]),
        # Hangul pairs inside longer words, and a lone character alone only.
        ("김정은은 말했다", ("김정은",), ["김정은"]),
        ("북 북한", ("북",), ["북"]),
        # English words among Hangul, curly quotes and dashes: a word starts
        # right after a Hangul run, and a curly apostrophe joins a word.
        (
            "“Radio” 방송과 radio… 라디오radios—",
            ("radio",),
            ["Radio", "radio", "radios"],
        ),
        ("radio\u2019s 방송, radio's", ("radio",), ["radio\u2019s", "radio's"]),
        (
            "북한 radio 방송 P'yŏngyang",
            ("북한", "radio", "pyongyang"),
            ["북한", "radio", "P'yŏngyang"],
        ),
    ],
)
def test_marks_fall_on_whole_words_that_match(text, searched, marked):
    wanted = frozenset(
        t for word in searched for t, _, _ in _ANALYZER._terms(word, True)
    )
    snippet = highlight_snippet(text, wanted) or ""
    found = [
        html.unescape(part.split("</mark>")[0]) for part in snippet.split("<mark>")[1:]
    ]
    assert found == marked


def test_a_long_text_is_marked_beyond_its_first_chunk():
    text = "filler words here " * 400 + "the jamming of radio"
    snippet = highlight_snippet(text, terms("jamming"))
    assert "<mark>jamming</mark>" in snippet


@pytest.mark.parametrize(
    "text",
    [
        "P'yŏngyang and Pyongyang; Chosŏn Chosun ŏnha Ŭnha-3 radio's",
        "Koryŏ\u2019s radio\u2019\u2019 \u2019radio \u2019 radios\u2018 o\u2019carroll \u02bcradio radio\u02bcs",
        "café radio naïve radío ràdio Radiō 라디오radio radio라디오 1radio radio2",
        "Москва radio Ελλάδα radios P\u2019yŏngyang\u2019s market—markets «market»",
        "e\u0301radio radio\u0301 ra\u0301dio a\u2019\u2019b market\u2019 \u2019\u2019market",
        "Kim Jŏng-ŭn, Kim Jong Un and 김정은 met; Pyŏngan-bukto markets",
    ],
)
@pytest.mark.parametrize(
    "searched",
    [
        ("radio",),
        ("pyongyang", "chosun"),
        ("market", "carroll"),
        ("kim", "jong", "un", "김정은"),
        ("unha", "koryo", "naive", "cafe"),
    ],
)
def test_text_beyond_ascii_is_matched_as_by_analyzing_every_word(text, searched):
    """Words found by their start, and words beyond ASCII, match as the whole analysis does."""
    wanted = terms(*searched)
    found = highlight._scan_candidates_mixed(
        text, 0, highlight._candidate_pattern(wanted), wanted
    )
    found = sorted(found + highlight._scan_grams(text, 0, len(text), wanted))
    every: list = []
    highlight._scan_mixed(text, 0, len(text), wanted, every, [], 0)
    assert found == every
