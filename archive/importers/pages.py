"""Saved web pages of news sites: the article's text and metadata, without the site around it.

trafilatura finds the main text and reads title, authors, date and site name
from meta tags, JSON-LD and the page itself; what it keeps of the site's
furniture (donation boxes, newsletter blurbs, captions) is removed here with
the same recognisers the text-capture parser uses.
"""

# ruff: noqa: RUF001 - typographic quotes and dashes are what the text holds

import datetime
import re

import htmldate
import trafilatura
from lxml import etree
from lxml import html as lxml_html

from archive.importers.boilerplate import is_boilerplate
from archive.importers.detect import Decoded
from archive.importers.markup import MarkupTooDeep, check_markup
from archive.importers.records import FileProblem, RawRecord
from archive.importers.textlines import is_good

_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(https?://[^\s>]+)\s*-->", re.I)
_HTML_LANG = re.compile(
    r"<html\b[^>]*?\blang=[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.I
)
_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_SITE_SUFFIX = re.compile(r"^\s*(?:\||-|–|—|::|·|:)\s*(?P<site>[^|–—]{2,80}?)\s*$")
_BLOCKS = ("p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "div", "table")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def _normalized(text: str) -> str:
    return " ".join(text.split()).casefold()


def _site_from_title(page: str, title: str) -> str:
    """The site name a page's <title> adds to the headline ("Headline | Site")."""
    match = _TITLE_TAG.search(page)
    if not match or not title:
        return ""
    full = lxml_html.fromstring(f"<p>{match.group(1)}</p>").text_content().strip()
    if not _normalized(full).startswith(_normalized(title)):
        return ""
    suffix = _SITE_SUFFIX.match(full[len(title) :])
    return suffix.group("site").strip() if suffix else ""


def _drop(element) -> None:
    # Keep the text that follows an element when removing it.
    parent = element.getparent()
    if element.tail and element.tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _without_orphan_headings(body) -> None:
    """Remove headings left with nothing under them (a widget's title after its widget went)."""
    children = list(body)
    for index, child in enumerate(children):
        if child.tag not in _HEADINGS:
            continue
        following = children[index + 1] if index + 1 < len(children) else None
        if following is None or following.tag in _HEADINGS:
            _drop(child)


def clean_body(extracted: str, title: str) -> str:
    """Return the body HTML of trafilatura's output without title repeats and site furniture."""
    body = lxml_html.fromstring(extracted).find(".//body")
    if body is None:
        return ""
    for element in list(body.iter(*_BLOCKS)):
        if element.getparent() is None:
            continue
        text = " ".join(element.text_content().split())
        is_title = element.tag in _HEADINGS and _normalized(text) == _normalized(title)
        if not text or is_title or is_boilerplate(text):
            _drop(element)
    for element in list(body.iter("ul", "ol", "blockquote", "div", "table")):
        if element.getparent() is not None and not element.text_content().strip():
            _drop(element)
    _without_orphan_headings(body)
    return "\n".join(
        etree.tostring(child, encoding="unicode", method="html").strip()
        for child in body
    )


def _has_running_text(body: str) -> bool:
    """True when ``body`` holds a paragraph of sentences, not just a menu's words."""
    if not body:
        return False
    root = lxml_html.fromstring(f"<div>{body}</div>")
    return any(
        is_good(" ".join(el.text_content().split())) for el in root.iter(*_BLOCKS)
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


def parse_page(decoded: Decoded) -> list[RawRecord]:
    """Read a saved news page: one draft article, or FileProblem when it holds no article."""
    page = decoded.text
    try:
        check_markup(page)
    except MarkupTooDeep as exc:
        raise FileProblem(str(exc)) from None
    extracted = _extract(page)
    meta = _metadata(extracted) if extracted else {}
    title = meta.get("title", "")
    body = clean_body(extracted, title) if extracted else ""
    if not _has_running_text(body):
        raise FileProblem("no article text was found in the page")
    saved_from = _SAVED_FROM.search(page[:2048])
    url = meta.get("url") or (saved_from.group(1) if saved_from else "")
    review, published = [], meta.get("date", "")
    if not published:
        published = _guess_date(page, url)
        if published:
            review.append("date guessed from the page text")
    language = _HTML_LANG.search(page[:4096])
    return [
        RawRecord(
            location="",
            harvested=True,
            review=review,
            data={
                "title": title,
                "url": url,
                "source": meta.get("sitename") or _site_from_title(page, title),
                "source_homepage": f"https://{meta['hostname']}"
                if meta.get("hostname")
                else "",
                "authors": [
                    a.strip() for a in meta.get("author", "").split(";") if a.strip()
                ],
                "published": published,
                "published_is_inferred": bool(review),
                "language": language.group(1) if language else "",
                "summary": meta.get("description", ""),
                "body": body,
            },
        )
    ]
