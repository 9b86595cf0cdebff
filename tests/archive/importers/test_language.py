import pytest

from archive.importers.language import script_language, word_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (
            "Die Behörden haben an der Grenze neue Störsender aufgebaut, und das ist "
            "nicht der erste Versuch.",
            "de",
        ),
        (
            "Le gouvernement a annoncé dans un communiqué que les stations sont "
            "brouillées pour les auditeurs du nord.",
            "fr",
        ),
        (
            "El gobierno anunció que las emisoras del norte se escuchan con más "
            "claridad por la noche, según los oyentes.",
            "es",
        ),
        (
            "Listeners in the border towns said that the foreign stations were clearer "
            "this winter, and that the jamming has weakened.",
            "en",
        ),
    ],
)
def test_the_small_words_of_a_latin_text_show_its_language(text, code):
    assert word_language(text) == code
    assert script_language(text) == ""


def test_too_little_text_shows_no_language():
    assert word_language("Hyesan Market Raid 2024") == ""


def test_the_script_shows_languages_not_written_in_latin_letters():
    assert (
        script_language("접경 지역 주민들은 밤에 외국 방송이 잘 들린다고 말했다.")
        == "ko"
    )
