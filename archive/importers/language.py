"""The language a text is written in, for records that do not say or say it wrongly.

The script settles Korean, Japanese, Russian and Chinese. Latin-script text is
told apart by its commonest small words, which every article is full of:
"der", "und", "nicht" are German, "les", "dans", "pour" French.
"""

import re

_SCRIPTS = (
    ("ko", re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")),
    ("ja", re.compile("[\u3040-\u30ff]")),
    ("ru", re.compile("[\u0400-\u04ff]")),
    ("zh", re.compile("[\u4e00-\u9fff]")),
)
SCRIPT_LANGUAGES = tuple(code for code, _ in _SCRIPTS)


def _vocabulary(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words common in one of the languages and rare in the others (shared ones
# such as "de", "la", "en", "des", "que" are left out).
_FUNCTION_WORDS = {
    "en": _vocabulary(
        "the and of to is that for with was are it this have has be not from by were "
        "which their said been would at or"
    ),
    "de": _vocabulary(
        "der die das und ist nicht mit für von den dem ein eine auch auf sich im sind "
        "wird zu kann wenn werden wurde dass einen einem einer oder aber nach bei noch "
        "nur wie hat haben über aus"
    ),
    "fr": _vocabulary(
        "le les et est une pour dans qui du pas sur au avec ce sont il elle mais ou "
        "sa ses son leur cette nous vous été était par"
    ),
    "es": _vocabulary(
        "el los las y por una con para del se al lo su como más pero sus fue ha han "
        "este esta sobre también entre desde muy así"
    ),
}
_WORD = re.compile(r"[^\W\d_]+")
_MIN_HITS = 3  # fewer function words than this is too little text to judge
_MARGIN = 3  # the winner needs this many times the runner-up's hits


def script_language(text: str) -> str:
    """Return the language a text's script shows (ko, ja, ru, zh), or "" for Latin text."""
    letters = sum(1 for ch in text[:5000] if ch.isalpha())
    for code, script in _SCRIPTS:
        if letters and len(script.findall(text[:5000])) > letters * 0.2:
            return code
    return ""


def word_language(text: str) -> str:
    """Return en, de, fr or es when the text's small words clearly show one, else ""."""
    hits = dict.fromkeys(_FUNCTION_WORDS, 0)
    for word in _WORD.findall(text[:20000].lower()):
        for code, vocabulary in _FUNCTION_WORDS.items():
            if word in vocabulary:
                hits[code] += 1
    ranked = sorted(hits.items(), key=lambda item: item[1], reverse=True)
    (best, most), (_, second) = ranked[0], ranked[1]
    return best if most >= _MIN_HITS and most >= _MARGIN * second else ""
