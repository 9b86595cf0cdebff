import pickle

import pytest
from whoosh.formats import Positions

from search.engine.analyzers import TermPositions, build_analyzer, fold_word

ANALYZER = build_analyzer()


def terms(text: str) -> list[str]:
    return [token.text for token in ANALYZER(text)]


@pytest.mark.parametrize(
    ("typed", "indexed"),
    [
        ("P'yŏngyang", "Pyongyang"),
        ("P\u2019yŏngyang", "PYONGYANG"),
        ("Kim Jŏng-ŭn", "Kim Jong Un"),
        ("Chosŏn", "Choson"),
        ("broadcasting", "broadcasts"),
        ("Korea's", "Korea"),
        ("\uff2b\uff23\uff2e\uff21", "kcna"),  # full-width letters
    ],
)
def test_spellings_that_differ_in_case_accents_apostrophes_or_endings_index_alike(
    typed, indexed
):
    assert terms(typed) == terms(indexed)


def test_hangul_is_indexed_as_overlapping_pairs_so_words_match_inside_longer_words():
    assert terms("김정은") == ["김정", "정은"]
    assert terms("김정은은") == ["김정", "정은", "은은"]
    assert terms("로동신문을") == ["로동", "동신", "신문", "문을"]


def test_hangul_glued_to_latin_letters_is_split_from_them():
    assert terms("조선중앙TV는") == ["조선", "선중", "중앙", "tv", "는"]


def test_stop_words_and_single_letters_are_not_indexed():
    assert terms("the state of the art in a DPRK") == ["state", "art", "dprk"]


def test_fold_word_keeps_the_word_unstemmed():
    assert fold_word("Broadcasting") == "broadcasting"
    assert fold_word("Łódź") == "lodz"


TEXTS = [
    "Radio jamming near the border, said Kim Jŏng-ŭn's aides.",
    "김정은은 로동신문을 읽었다 and then 조선중앙TV는 broadcast it",
    "title\u2029summary\u2029body with words words words",
    "",
    "Korea's 1990s snake_case O'Neil's 'quoted' it's--a re-run of a\u2029Ч",
    # Pieces between ASCII spaces and marks holding several words, one or none.
    "Korea\u2014the nation\u2019s \u201cradio\u201d\u00a0jamming \u2014 a''b 'x y'",
    "Cafe\u0301 na\u00efve Chos\u014fn\u2019s \u00bfque\u0301? \u2026 x\u00d7y 2\u00b3",
    "Ryugy\u014fng's\u2029Ryugyong's ryugyong " + "a" * 70 + " z\u00e9" * 3,
]


@pytest.mark.parametrize("text", TEXTS)
def test_fast_positions_hold_the_terms_and_positions_whoosh_positions_would(text):
    whoosh, ours = Positions(), TermPositions()
    expected = [
        (term, freq, weight, whoosh.decode_positions(value))
        for term, freq, weight, value in whoosh.word_values(
            text, ANALYZER, mode="index"
        )
    ]
    written = [
        (term, freq, weight, ours.decode_positions(value))
        for term, freq, weight, value in ours.word_values(text, ANALYZER, mode="index")
    ]
    assert sorted(written) == sorted(expected)
    assert all(
        ours.decode_frequency(value) == freq
        for _, freq, _, value in ours.word_values(text, ANALYZER, mode="index")
    )


def test_parts_of_a_document_are_far_apart_so_phrases_do_not_cross_them():
    positions, _ = ANALYZER.term_positions("north\u2029korea")
    assert positions["korea"][0] - positions["north"][0] > 10


def test_the_analyzer_survives_pickling_into_the_index():
    restored = pickle.loads(pickle.dumps(ANALYZER))  # noqa: S301 - our own bytes
    assert [t.text for t in restored("P'yŏngyang 김정은")] == terms("P'yŏngyang 김정은")


@pytest.mark.parametrize("text", TEXTS)
def test_numbered_terms_are_the_terms_and_positions_of_the_tokens(text):
    numbers, words, runs = {}, {}, {}
    ANALYZER.numbered_terms("radio broadcasting 김정은", numbers, words, runs)
    expected = [(token.text, token.pos) for token in ANALYZER(text, positions=True)]
    # The second time every piece of the text is known.
    for _ in range(2):
        found, positions = ANALYZER.numbered_terms(text, numbers, words, runs)
        names = {number: term for term, number in numbers.items()}
        pairs = zip(found.tolist(), positions.tolist(), strict=True)
        assert [(names[n], p) for n, p in pairs] == expected
