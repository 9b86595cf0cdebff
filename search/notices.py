"""The engine's notices in the reader's language.

The engine (``search/engine/``, no Django) says what it changed in a query in
English, from the templates in ``search.engine.query``. Each template has its
translatable twin here; ``translate_notice`` finds the template a notice was
made from and says it again in the active language with the same values.
"""

import re

from django.utils.translation import gettext_lazy as _

from search.engine import query

# (the engine's template, the same text for translation); a test keeps the
# two sides equal in English.
TEMPLATES = (
    (
        query.NOTICE_TRUNCATED,
        _("Only the first {limit} characters of your search were used."),
    ),
    (
        query.NOTICE_PLAIN_WORDS,
        _(
            "Your search could not be read as written, so its words were searched "
            "without any operators."
        ),
    ),
    (
        query.NOTICE_CLOSED,
        _("An unclosed quote or bracket was closed: searched for {text}"),
    ),
    (
        query.NOTICE_NO_WORDS,
        _(
            "Your search has no words that can be searched: very common words "
            "(the, of, and) and single letters or digits are ignored."
        ),
    ),
    (
        query.NOTICE_SHORT_PREFIX,
        _(
            "“{text}*” is too short to complete (a word ending in * needs at least "
            "{minimum} letters), so “{text}” was searched as a word."
        ),
    ),
    (
        query.NOTICE_WIDE_PREFIX,
        _(
            "“{text}*” matches many words: the {limit} most common of them were searched."
        ),
    ),
    (
        query.NOTICE_WILDCARD,
        _("* only completes the end of a word (nuclea*), so other * were ignored."),
    ),
)
_FIELD = re.compile(r"\\\{(\w+)\\\}")


def _pattern(template: str) -> re.Pattern:
    """A regex matching what ``template.format(...)`` makes, naming each field once."""
    seen: set[str] = set()

    def field(match: re.Match) -> str:
        name = match.group(1)
        if name in seen:
            return f"(?P={name})"
        seen.add(name)
        return f"(?P<{name}>.*?)"

    return re.compile(_FIELD.sub(field, re.escape(template)), re.DOTALL)


_PATTERNS = tuple((_pattern(english), translated) for english, translated in TEMPLATES)


def translate_notice(notice: str) -> str:
    """Return the engine's ``notice`` in the active language (as given when unknown)."""
    for pattern, translated in _PATTERNS:
        match = pattern.fullmatch(notice)
        if match:
            return str(translated).format(**match.groupdict())
    return notice
