"""Bylines in captured text: "By X and Y", "BY X [email]", "• NAME", "Name (Affiliation)".

Names come back as people write them in running text ("MICHAEL LEE" becomes
"Michael Lee"); a line is a byline only if every name in it looks like one, so
"By 2030, the network…" or "By contrast, …" stay prose.
"""

# ruff: noqa: RUF001 - typographic quotes and dashes are what the text holds

import re

from archive.importers.dates import FoundDate, find_date, strip_clock

_BYLINE = re.compile(
    r"^(?:(?:written|words|posted|reporting|reported|story|text)\s+)?by\s+(?P<rest>.+)$"
    r"|^(?:authors?|reporters?|writers?|byline)\s*[:：]\s*(?P<rest2>.+)$",
    re.I,
)
_BULLET_NAME = re.compile(r"^[•·▪■◦●‣*-]\s*(?P<name>[^\W\d_][\w'’.\- ]{2,60})$")
_AFFILIATED = re.compile(r"\s*([^()]+?)\s*\(([^()]{2,100})\)\s*(?:,|;|&|\band\b)?")
_NAME_TOKEN = re.compile(r"[^\W\d_][\w'’.\-]*")
_PARTICLES = frozenset(
    {"de", "da", "van", "von", "der", "den", "bin", "al", "el", "la", "le", "di", "du", "del"}
)  # fmt: skip
_ROLE = re.compile(
    r"\b(?:writer|reporter|correspondent|editor|contributor|staff|columnist|analyst"
    r"|fellow|professor|researcher|director|intern|bureau|desk|team)\b",
    re.I,
)
MAX_BYLINE = 150
_NOT_A_PERSON = re.compile(
    r"\b(?:staff|desk|team|editors|editorial|newsroom|admin|redaktion|rédaction)\b",
    re.I,
)
_DOMAIN = re.compile(r"\b(?:www\.|https?:)|\.(?:com|org|net|de|co\.\w\w)\b", re.I)
# "Min-ji Kang in Seoul", "Jonas Weber in Dandong, Liaoning": where the
# reporter filed from, not part of the name.
_DATELINE = re.compile(r"\s+in\s+[A-Z][\w.'’-]*(?:[\s,]+[A-Z][\w.'’-]*)*\s*$")


def clean_name(text: str, *, min_tokens: int = 1) -> str:
    """Return ``text`` as a person's name ("MICHAEL LEE" → "Michael Lee"), or "" if it is not one."""
    text = text.strip(" ,.;:|·•-–—*")
    tokens = text.split()
    if not min_tokens <= len(tokens) <= 5 or len(text) > 60:
        return ""
    cleaned = []
    for token in tokens:
        if token.lower() in _PARTICLES and cleaned:
            cleaned.append(token.lower())
            continue
        if not _NAME_TOKEN.fullmatch(token) or not token[0].isupper():
            return ""
        shout = token.isupper() and len(token) > 1 and "." not in token
        cleaned.append(token.capitalize() if shout else token)
    if len(cleaned) == 1 and len(cleaned[0]) < 3:
        return ""
    return " ".join(cleaned)


def is_person(name: str) -> bool:
    """False for credits that name no person ("Korea Desk Staff", "Newsroom", a web address)."""
    return bool(name) and not _NOT_A_PERSON.search(name) and not _DOMAIN.search(name)


def without_dateline(name: str) -> str:
    """``name`` without the place a reporter filed from ("Min-ji Kang in Seoul")."""
    return _DATELINE.sub("", name.strip())


def _names_and_date(rest: str) -> tuple[tuple[str, ...], FoundDate | None] | None:
    rest = re.sub(r"\[[^\]]*\]|\([^)]*@[^)]*\)|<[^>]*>|\S+@\S+", " ", rest)
    # Weekdays and clock times sit between the names and a date ("- Wed May 09
    # 22:56:31 GMT 2012"); they are removed only when a date follows them.
    unclocked = strip_clock(rest)
    found = find_date(unclocked)
    if found:
        rest = unclocked[: found[1]]
    rest = re.sub(r"\s+in\s+[A-Z][\w ]+$", "", rest.strip(" ,|·•–—-"))
    names = []
    for part in re.split(r"\s*(?:,|;|&|\||\band\b)\s*", rest):
        if not part.strip() or _ROLE.search(part):
            continue
        name = clean_name(part)
        if not name:
            return None
        names.append(name)
    return (tuple(names), found[0] if found else None) if names else None


def read_byline(line: str) -> tuple[tuple[str, ...], FoundDate | None] | None:
    """The names (and date) of a "By …" or "Author: …" line, or None if it is not one."""
    match = _BYLINE.match(line)
    if not match or len(line) > MAX_BYLINE:
        return None
    return _names_and_date(match.group("rest") or match.group("rest2"))


def read_names(line: str) -> tuple[str, ...]:
    """The names of a "• NAME" or "Name (Affiliation)" line (bylines only under a title)."""
    bullet = _BULLET_NAME.match(line)
    if bullet:
        name = clean_name(bullet.group("name"), min_tokens=2)
        return (name,) if name else ()
    if not line.endswith(")"):
        return ()
    matches = list(_AFFILIATED.finditer(line))
    if not matches or "".join(m.group(0) for m in matches).strip() != line.strip():
        return ()
    names = tuple(clean_name(m.group(1), min_tokens=2) for m in matches)
    return names if all(names) else ()
