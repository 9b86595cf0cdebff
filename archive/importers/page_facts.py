"""What a saved page's own markup says about its article, beyond trafilatura's reading.

Real pages often give trafilatura the wrong answer in ways the rest of the page
settles: the outlet's name and address in the author field ("Nord Magazin,
Hamburg, Germany"), a headline with the site and date appended ("… | NM |
10.06.2013"), no machine-readable date (so the first date-like text, often a
teaser's, wins) and a byline printed only in the page ("Author Jane Roe", "Von
Jana Kim"). ``read_facts`` collects the evidence once; the functions below use it.
"""

# ruff: noqa: RUF001 - typographic quotes and dashes are what the text holds

import datetime
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from archive.importers.bylines import is_person, read_byline, without_dateline
from archive.importers.dates import find_date, parse_date_line

# Markup that states the publication date for machines (meta names and
# properties compared in lower case; JSON-LD keys; itemprop values).
_DATE_META = frozenset(
    {
        "article:published_time", "og:article:published_time", "og:published_time",
        "article.published", "published_time", "datepublished", "date", "dc.date",
        "dc.date.issued", "dcterms.created", "dcterms.issued", "pubdate",
        "publishdate", "publish-date", "publication_date", "sailthru.date",
        "parsely-pub-date", "citation_publication_date", "citation_date",
    }
)  # fmt: skip
_DATE_JSON_LD = ("datePublished", "dateCreated")
# The article's own publication time; other stated dates may be the revision's.
_PUBLISHED_META = frozenset(
    {"article:published_time", "og:article:published_time", "og:published_time"}
)
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_ORG_META = frozenset({"publisher", "copyright", "application-name", "og:site_name"})
_ORG_TYPES = frozenset(
    {"Organization", "NewsMediaOrganization", "Corporation", "WebSite"}
)
# Author, byline and credit boxes, named in the site's own language.
_BYLINE_BOX = re.compile(
    r"by-?line|author|autor|auteur|contributor|reporter|writer", re.I
)
_BYLINE_PREFIX = re.compile(r"^(?:by|von|par|por)\s+", re.I)
_LABELLED_AUTHOR = re.compile(
    r"^(?:authors?|autor(?:in|en)?|auteurs?|reporters?|writers?)\s*[:：]?\s+(?P<names>.+)$",
    re.I,
)
_PARENTHESES = re.compile(r"\s*\([^)]*\)")
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?=[/-]|$)"
)
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|»)\s+")
_SHORT_TEXT = 80


@dataclass
class PageFacts:
    """The evidence a page's markup gives about its headline, publisher, byline and date."""

    headings: list[str] = field(default_factory=list)
    headline: str = ""
    organisations: list[str] = field(default_factory=list)
    publisher: str = ""
    persons: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    states_date: bool = False
    published: datetime.date | None = None
    labelled_date: datetime.date | None = None


def _key(text: str) -> str:
    """Compare names without case, punctuation or a trailing "(www.site.com)"."""
    text = _PARENTHESES.sub("", text)
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _text(element) -> str:
    return " ".join(element.text_content().split())


def _json_ld(tree) -> list[dict]:
    """Every object in the page's JSON-LD blocks (lists and @graph flattened)."""
    found: list[dict] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                stack.extend(item.get("@graph") or [])
    return found


def _types(item: dict) -> set[str]:
    value = item.get("@type") or ()
    return {value} if isinstance(value, str) else set(value)


def _names(value, by_id: dict[str, dict]) -> list[tuple[str, set[str]]]:
    """(name, types) of the people or organisations a JSON-LD value names."""
    items = value if isinstance(value, list) else [value]
    named = []
    for item in items:
        if isinstance(item, str):
            named.append((item, set()))
        elif isinstance(item, dict):
            item = by_id.get(item.get("@id"), item) if "name" not in item else item
            if isinstance(item.get("name"), str):
                named.append((item["name"], _types(item)))
    return named


def _iso_day(value) -> datetime.date | None:
    match = _ISO_DAY.match(value) if isinstance(value, str) else None
    try:
        return datetime.date(*(int(part) for part in match.groups())) if match else None
    except ValueError:
        return None


def _is_article(item: dict) -> bool:
    return any("Article" in kind or "Posting" in kind for kind in _types(item))


def _read_json_ld(tree, facts: PageFacts) -> None:
    objects = _json_ld(tree)
    by_id = {item["@id"]: item for item in objects if isinstance(item.get("@id"), str)}
    for item in objects:
        if any(isinstance(item.get(key), str) for key in _DATE_JSON_LD):
            facts.states_date = True
        if _is_article(item) and facts.published is None:
            facts.published = _iso_day(item.get("datePublished")) or _iso_day(
                item.get("dateCreated")
            )
        if isinstance(item.get("headline"), str) and not facts.headline:
            facts.headline = " ".join(item["headline"].split())
        for name, _types_of in _names(item.get("publisher"), by_id):
            facts.organisations.append(name)
            facts.publisher = facts.publisher or name
        for name, types in _names(item.get("author"), by_id):
            if types & _ORG_TYPES:
                facts.organisations.append(name)
            elif "Person" in types:
                facts.persons.append(name)
        if _types(item) & _ORG_TYPES and isinstance(item.get("name"), str):
            facts.organisations.append(item["name"])


def _read_meta(tree, facts: PageFacts) -> None:
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        key, content = key.strip().lower(), (meta.get("content") or "").strip()
        if not content:
            continue
        if key in _PUBLISHED_META and facts.published is None:
            facts.published = _iso_day(content)
        if key in _DATE_META:
            facts.states_date = True
        elif key in _ORG_META:
            facts.organisations.append(content)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if (element.get("itemprop") or "").lower() == "datepublished" or (
            element.tag == "time" and element.get("pubdate") is not None
        ):
            facts.states_date = True


def _byline_names(text: str) -> list[str]:
    """Names in an author box's text ("By X and Y", "Von X", "Author X"), people only."""
    if not text or len(text) > _SHORT_TEXT:
        return []
    labelled = _LABELLED_AUTHOR.match(text)
    if labelled:
        text = f"By {labelled.group('names')}"
    elif not _BYLINE_PREFIX.match(text):
        text = f"By {text}"
    read = read_byline(_BYLINE_PREFIX.sub("By ", text))
    names = read[0] if read else ()
    return [name for name in names if is_person(name) and len(name.split()) > 1]


def _text_lengths(body) -> dict:
    """Each element's text length, counted once from the leaves up (pages nest deeply)."""
    lengths: dict = {}
    for element in reversed(list(body.iter())):
        lengths[element] = len(element.text or "") + sum(
            lengths.get(child, 0) + len(child.tail or "") for child in element
        )
    return lengths


def _short_elements(body):
    """(element, its class/id/itemprop/rel, its text) for elements holding a short text."""
    lengths = _text_lengths(body)
    for element in body.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            continue
        # Whitespace counts in the raw length, so allow for indentation.
        if not 0 < lengths[element] <= 4 * _SHORT_TEXT:
            continue
        marker = " ".join(
            element.get(name) or "" for name in ("class", "id", "itemprop", "rel")
        )
        text = _text(element)
        if text and len(text) <= _SHORT_TEXT and "comment" not in marker.lower():
            yield element, marker, text


def _read_body(tree, facts: PageFacts) -> None:
    body = tree.find(".//body")
    if body is None:
        return
    facts.headings = [text for h1 in body.iter("h1") if (text := _text(h1))]
    for element, marker, text in _short_elements(body):
        if _BYLINE_BOX.search(marker) or _LABELLED_AUTHOR.match(text):
            for name in _byline_names(text):
                if name not in facts.bylines:
                    facts.bylines.append(name)
        if facts.labelled_date is None and len(element) <= 3:
            found = parse_date_line(text)
            if found and found[1] == "labelled" and found[0].precise:
                facts.labelled_date = found[0].value


def read_facts(tree) -> PageFacts:
    """Collect what the page's markup says about its article (see the module notes)."""
    facts = PageFacts()
    _read_json_ld(tree, facts)
    _read_meta(tree, facts)
    _read_body(tree, facts)
    return facts


def authors(found: list[str], facts: PageFacts) -> list[str]:
    """The people who wrote the article: ``found`` without the publisher, or the page's byline."""
    organisations = {_key(name) for name in facts.organisations}
    organisations |= {
        _key(part) for name in facts.organisations for part in name.split(",")
    }
    # "Nord Magazin, Hamburg, Germany": an outlet and its address, read as three names.
    listed = [_key(name) for name in found]
    with_outlet = _key(", ".join(found)) in organisations or any(
        key in organisations for key in listed
    )
    people = []
    for name, key in zip(found, listed, strict=True):
        name = without_dateline(name)
        single = len(name.split()) == 1
        if (
            is_person(name)
            and key not in organisations
            and not (with_outlet and single)
        ):
            people.append(name)
    people = people or [name for name in facts.persons if is_person(name)]
    return people or facts.bylines


def headline(title: str, facts: PageFacts, site: str) -> str:
    """``title`` without the site, section or date a page's <title> appends to it."""
    key = _key(title)
    for candidate in (*facts.headings, facts.headline):
        if candidate and _key(candidate) == key:
            return title
    for candidate in (*facts.headings, facts.headline):
        ckey = _key(candidate)
        rest = title[len(candidate) :] if ckey and key.startswith(ckey) else ""
        if (
            rest
            and _TITLE_SEPARATORS.match(rest)
            and _key(title[: len(candidate)]) == ckey
        ):
            return candidate
    names = {_key(name) for name in (*facts.organisations, site) if name}
    while True:
        separators = list(_TITLE_SEPARATORS.finditer(title))
        last = separators[-1] if separators else None
        tail = title[last.end() :] if last else ""
        found = find_date(tail) if last else None
        dated = found is not None and found[0].precise
        if not last or not (_key(tail) in names or dated):
            return title
        title = title[: last.start()]


def url_date(url: str) -> datetime.date | None:
    """The date in an article address (/2013/07/19/ or /2013-07-19-…), if it has one."""
    match = _URL_DATE.search(urlsplit(url).path) if url else None
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
