"""The readable text of a capture, for the "captured text" view (plain text, never HTML)."""

import re

from lxml import etree
from lxml import html as lxml_html

from archive.collect import warc
from archive.collect.capture import HTML_TYPES, describe_file
from archive.collect.decoding import decode_page
from archive.collect.fetch import Exchange
from archive.collect.models import Capture

_HIDDEN = ("script", "style", "noscript", "template", "head")
_BLOCKS = (
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "article",
    "section",
)


def captured_text(capture: Capture) -> list[str]:
    """The page's paragraphs of text, or one line saying what the capture holds."""
    holder = capture.revisit_of or capture
    stored = warc.read_response(holder.warc_file, holder.record_id)
    if stored is None:
        return ["The capture's file does not hold its response record."]
    content_type = stored.header("Content-Type")
    kind = content_type.split(";")[0].strip().lower()
    if kind and kind not in HTML_TYPES and not kind.startswith("text/"):
        exchange = Exchange(
            url=capture.final_url,
            ip="",
            request_headers=[],
            fetched_at=capture.fetched_at,
            response_headers=[("Content-Type", content_type)],
            body=b"\0" * capture.size,
        )
        return [f"This capture is {describe_file(exchange)}: download it to read it."]
    text, _ = decode_page(stored.payload, content_type)
    if kind not in HTML_TYPES and "<html" not in text[:2000].lower():
        return [line for line in text.splitlines() if line.strip()]
    return _html_paragraphs(text)


def _html_paragraphs(text: str) -> list[str]:
    try:
        document = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return ["The captured page could not be read as HTML."]
    etree.strip_elements(document, *_HIDDEN, with_tail=False)
    for element in document.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    lines = (
        re.sub(r"\s+", " ", line).strip()
        for line in document.text_content().split("\n")
    )
    return [line for line in lines if line]
