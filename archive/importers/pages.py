"""Saved web pages of news sites: the article's text and metadata, without the site around it.

trafilatura finds the main text and reads title, authors, date and site name
from meta tags, JSON-LD and the page itself; ``page_facts`` checks those
readings against the rest of the page, and ``page_body`` removes what
trafilatura keeps of the site's furniture with the same recognisers the
text-capture parser uses.
"""

# ruff: noqa: RUF001 - typographic quotes and dashes are what the text holds

import datetime
import re
from urllib.parse import urlsplit

import htmldate
import trafilatura
from lxml import etree
from lxml import html as lxml_html

from archive.importers.detect import Decoded
from archive.importers.markup import MarkupTooDeep, check_markup
from archive.importers.page_body import (
    BLOCKS,
    clean_body,
    normalized,
    repeats_opening,
)
from archive.importers.page_facts import (
    PageFacts,
    authors,
    headline,
    read_facts,
    url_date,
)
from archive.importers.records import FileProblem, RawRecord
from archive.importers.textlines import is_good

_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(https?://[^\s>]+)\s*-->", re.I)
_HTML_LANG = re.compile(
    r"<html\b[^>]*?\blang=[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.I
)
_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_SITE_SUFFIX = re.compile(r"^\s*(?:\||-|–|—|::|·|:)\s*(?P<site>[^|–—]{2,80}?)\s*$")
# Second-level labels under which countries register names (bbc.co.uk).
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "or", "ne", "go"})


def _site_from_title(page: str, title: str) -> str:
    """The site name a page's <title> adds to the headline ("Headline | Site")."""
    match = _TITLE_TAG.search(page)
    if not match or not title:
        return ""
    full = lxml_html.fromstring(f"<p>{match.group(1)}</p>").text_content().strip()
    if not normalized(full).startswith(normalized(title)):
        return ""
    suffix = _SITE_SUFFIX.match(full[len(title) :])
    return suffix.group("site").strip() if suffix else ""


def _has_running_text(body: str) -> bool:
    """True when ``body`` holds a paragraph of sentences, not just a menu's words."""
    if not body:
        return False
    root = lxml_html.fromstring(f"<div>{body}</div>")
    return any(
        is_good(" ".join(el.text_content().split())) for el in root.iter(*BLOCKS)
    )


def _metadata(extracted: str) -> dict[str, str]:
    head = lxml_html.fromstring(extracted).find(".//head")
    if head is None:
        return {}
    return {
        meta.get("name"): (meta.get("content") or "").strip()
        for meta in head.iter("meta")
    }


def _guess_date(page: str, url: str) -> str:
    """A date from anywhere in the page text, for pages whose markup states none."""
    return (
        htmldate.find_date(
            page,
            url=url or None,
            extensive_search=True,
            original_date=True,
            max_date=datetime.date.today().isoformat(),
        )
        or ""
    )


def _extract(page: str) -> str:
    try:
        return (
            trafilatura.extract(
                page,
                output_format="html",
                with_metadata=True,
                include_comments=False,
                include_formatting=True,
                include_links=True,
                include_images=False,
                include_tables=True,
                date_extraction_params={
                    "extensive_search": False,
                    "original_date": True,
                    "max_date": datetime.date.today().isoformat(),
                },
            )
            or ""
        )
    except (ValueError, etree.LxmlError) as exc:
        raise FileProblem(f"the page could not be read as HTML ({exc})") from None


def _registered_name(hostname: str) -> str:
    """The name a site registered ("dailyplanet" for www.dailyplanet.example, "bbc" for bbc.co.uk)."""
    labels = hostname.lower().removeprefix("www.").split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


def _source(candidates: list[str], hostname: str) -> str:
    """The outlet's name: the first candidate its web address bears out, else the first."""
    # "Nord Magazin, Hamburg, Germany": the address after the name is not the name.
    names = [name.split(",")[0].strip() for name in candidates if name.strip()]
    site = _registered_name(hostname) if hostname else ""
    for name in names:
        compact = re.sub(r"\W", "", name.casefold())
        if site and compact and (site in compact or compact in site):
            return name
    return names[0] if names else ""


def _published(
    meta_date: str, facts: PageFacts, url: str, page: str, review: list[str]
) -> str:
    """The publication date: stated for machines, printed with a label, in the address, or guessed."""
    if facts.published:
        return facts.published.isoformat()
    if meta_date and facts.states_date:
        return meta_date
    printed = facts.labelled_date or url_date(url)
    if printed:
        return printed.isoformat()
    # Without a stated date trafilatura takes the first date-like text, which
    # is often a teaser's; a curator should look.
    published = meta_date or _guess_date(page, url)
    if published:
        review.append("date guessed from the page text")
    return published


def parse_page(decoded: Decoded) -> list[RawRecord]:
    """Read a saved news page: one draft article, or FileProblem when it holds no article."""
    page = decoded.text
    try:
        check_markup(page)
    except MarkupTooDeep as exc:
        raise FileProblem(str(exc)) from None
    extracted = _extract(page)
    if not extracted:
        raise FileProblem("no article text was found in the page")
    meta = _metadata(extracted)
    facts = read_facts(lxml_html.document_fromstring(page))
    saved_from = _SAVED_FROM.search(page[:2048])
    url = meta.get("url") or (saved_from.group(1) if saved_from else "")
    hostname = meta.get("hostname") or urlsplit(url).hostname or ""
    source = _source(
        [
            meta.get("sitename", ""),
            facts.publisher,
            _site_from_title(page, meta.get("title", "")),
        ],
        hostname,
    )
    title = headline(meta.get("title", ""), facts, source)
    body = clean_body(extracted, title)
    if not _has_running_text(body):
        raise FileProblem("no article text was found in the page")
    # A description that only repeats the opening paragraph would show twice.
    summary = meta.get("description", "")
    if repeats_opening(summary, body):
        summary = ""
    review: list[str] = []
    published = _published(meta.get("date", ""), facts, url, page, review)
    language = _HTML_LANG.search(page[:4096])
    found_authors = [a.strip() for a in meta.get("author", "").split(";") if a.strip()]
    return [
        RawRecord(
            location="",
            harvested=True,
            review=review,
            data={
                "title": title,
                "url": url,
                "source": source,
                "source_homepage": f"https://{hostname}" if hostname else "",
                "authors": authors(found_authors, facts),
                "published": published,
                "published_is_inferred": bool(review),
                "language": language.group(1) if language else "",
                "summary": summary,
                "body": body,
            },
        )
    ]
