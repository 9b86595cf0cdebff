"""Listings in other formats: Atom, streamed CSV, citations and JSON, for browse and search.

Each builder takes articles (or ids, through ``articles_in_order``) and what
the page knows about the listing, so the browse and search pages produce the
same files from the same code:

- ``atom_response(articles, title=…, page_url=…, feed_url=…)`` the newest matches;
- ``csv_response(articles, filename=…, request=…)`` every match, streamed;
- ``citations_response(articles, fmt=…, total=…, filename=…, request=…)`` RIS,
  BibTeX or CSL-JSON of every match (the first ``CITATION_LIMIT``), streamed;
- ``listing_json(…)`` the page as our JSON API (``JsonResponse(listing_json(…))``).
"""

import csv
import datetime
import itertools
import json
import unicodedata
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.html import escape
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _

from archive import citations
from archive.listing.facets import facets
from archive.listing.querystring import format_url
from archive.listing.types import Facet, YearCount
from archive.models import Article

FORMATS = ("html", "json", "csv", "atom", "ris", "bibtex", "csljson")
# What a listing page links to besides itself.
EXPORT_FORMATS = ("atom", "csv", "json", "ris", "bibtex", "csljson")
# Citation formats: (content type, file extension).
CITATION_FORMATS = {
    "ris": ("application/x-research-info-systems", "ris"),
    "bibtex": ("application/x-bibtex", "bib"),
    "csljson": ("application/vnd.citationstyles.csl+json", "json"),
}
# Reference managers import a file in one go; past this many items they stall,
# so a citation file holds the first CITATION_LIMIT matches and says so.
CITATION_LIMIT = 5000
FEED_SIZE = 50
CHUNK_SIZE = 500
CSV_HEADER = (
    "id", "title", "url", "original_url", "source", "source_slug", "published",
    "published_is_inferred", "authors", "tags", "language", "kind", "summary",
    "at_source", "checked",
)  # fmt: skip
# Excel reads a CSV file as UTF-8 only when it starts with a byte-order mark.
CSV_BOM = "\ufeff"
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SITE_NAME = "North Korea Media & Technology Archive"


def export_links(query: QueryDict, path: str) -> dict[str, str]:
    """The listing's links in every other format, by format name."""
    return {fmt: format_url(query, fmt, path) for fmt in EXPORT_FORMATS}


class UnknownFormat(ValueError):
    """The ``format`` parameter names no format we write."""


def requested_format(query: QueryDict) -> str:
    """Return the format asked for (``html`` when none); raise UnknownFormat otherwise."""
    values = query.getlist("format")
    value = _printable(values[0]).strip().lower() if values else ""
    if not value:
        return "html"
    if value not in FORMATS:
        shown = value if len(value) <= 40 else value[:39] + "…"
        raise UnknownFormat(
            _("Unknown format “%(value)s”. Use one of: %(formats)s.")
            % {
                "value": shown,
                "formats": ", ".join(f"format={name}" for name in FORMATS),
            }
        )
    return value


def _printable(text: str) -> str:
    # Control and format characters (NUL, escapes, bidi overrides) would make
    # the echoed value in the message unreadable or misleading.
    return "".join(c for c in text if unicodedata.category(c)[0] != "C")


def bad_format_response(error: UnknownFormat | str) -> HttpResponse:
    """A 400 answer carrying ``error`` (a message that says which formats exist)."""
    return HttpResponse(
        f"{error}\n", status=400, content_type="text/plain; charset=utf-8"
    )


def articles_in_order(
    ids: Iterable[int], chunk_size: int = CHUNK_SIZE
) -> Iterator[Article]:
    """Yield the published articles with these ids, in the ids' order, loading in chunks."""
    chunk: list[int] = []
    for article_id in ids:
        chunk.append(article_id)
        if len(chunk) == chunk_size:
            yield from _load_chunk(chunk)
            chunk = []
    if chunk:
        yield from _load_chunk(chunk)


def _load_chunk(ids: list[int]) -> Iterator[Article]:
    found = Article.objects.published().with_relations().by_id(ids)
    return (found[i] for i in ids if i in found)


def iterate(articles: QuerySet, chunk_size: int = CHUNK_SIZE) -> Iterator[Article]:
    """Yield a queryset's articles with their relations, ``chunk_size`` rows at a time.

    The bodies stay in the database: no export format carries them, and
    reading them made a full export several times slower.
    """
    return (
        articles.with_relations()
        .defer("body", "body_text")
        .iterator(chunk_size=chunk_size)
    )


# --- Atom -----------------------------------------------------------------


def _as_datetime(value: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(value, datetime.time(), tzinfo=datetime.UTC)


# Where the archive's own Atom elements (the state at the source) are defined.
ATOM_NAMESPACE = "https://github.com/nk-media-archive/archive/ns/atom"


class ArchiveAtomFeed(feedgenerator.Atom1Feed):
    """Atom with each entry's state at the source (``archive:at_source``, ``archive:checked``)."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:archive": ATOM_NAMESPACE}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("archive:at_source", item["at_source"])
        if item["checked"]:
            handler.addQuickElement("archive:checked", item["checked"])


def atom_feed(
    articles: Iterable[Article],
    *,
    title: str,
    page_url: str,
    feed_url: str,
    request: HttpRequest,
) -> ArchiveAtomFeed:
    """Build an Atom feed of ``articles`` (absolute URLs come from ``request``)."""
    feed = ArchiveAtomFeed(
        title=title,
        link=page_url,
        feed_url=feed_url,
        description="",
        language="en",
        author_name=SITE_NAME,
        feed_guid=feed_url,
    )
    for article in articles:
        # The id-only address stays the same when the title (and slug) change.
        permalink = request.build_absolute_uri(
            reverse("archive:article-permalink", args=[article.pk])
        )
        feed.add_item(
            title=article.title,
            link=request.build_absolute_uri(article.get_absolute_url()),
            # The summary is plain text; Atom carries it as HTML, so escape it.
            description=escape(article.summary or _excerpt(article)),
            unique_id=permalink,
            unique_id_is_permalink=False,
            pubdate=_as_datetime(article.published),
            updateddate=article.updated,
            author_name=", ".join(a.name for a in article.byline) or None,
            categories=[tag.name for tag in article.tags.all()],
            at_source=article.at_source,
            checked=_checked(article),
        )
    return feed


def atom_response(
    articles: Iterable[Article],
    *,
    title: str,
    page_url: str,
    feed_url: str,
    request: HttpRequest,
) -> HttpResponse:
    """Answer with the Atom feed of ``articles`` (pass the newest ``FEED_SIZE``)."""
    feed = atom_feed(
        articles, title=title, page_url=page_url, feed_url=feed_url, request=request
    )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


def _excerpt(article: Article) -> str:
    return Truncator(article.body_text).words(60)


# --- CSV ------------------------------------------------------------------


def csv_safe(value: str) -> str:
    """Return ``value`` so a spreadsheet shows it as text, never runs it as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_row(article: Article, request: HttpRequest) -> list[str]:
    """One article as the CSV columns of ``CSV_HEADER``."""
    row = [
        str(article.pk),
        article.title,
        request.build_absolute_uri(article.get_absolute_url()),
        article.url,
        article.source.name,
        article.source.slug,
        article.published.isoformat(),
        "true" if article.published_is_inferred else "",
        ";".join(author.name for author in article.byline),
        ";".join(tag.name for tag in article.tags.all()),
        article.language,
        article.kind,
        article.summary,
        article.at_source,
        _checked(article),
    ]
    return [csv_safe(cell) for cell in row]


def _checked(article: Article) -> str:
    """When the source was last checked (ISO 8601, UTC), or "" when never."""
    return article.checked.isoformat() if article.checked else ""


class _Echo:
    """A file-like object whose write() returns the line, for streaming csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_lines(articles: Iterable[Article], request: HttpRequest) -> Iterator[str]:
    """Yield the CSV text: the header, then one line per article."""
    writer = csv.writer(_Echo())
    yield CSV_BOM + writer.writerow(CSV_HEADER)
    for article in articles:
        yield writer.writerow(csv_row(article, request))


def csv_response(
    articles: Iterable[Article], *, filename: str, request: HttpRequest
) -> StreamingHttpResponse:
    """Stream ``articles`` as a CSV download named ``filename``."""
    response = StreamingHttpResponse(
        csv_lines(articles, request), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Citations ------------------------------------------------------------


def export_filename(stem: str, fmt: str, today: datetime.date | None = None) -> str:
    """A download's name after what it holds and when: ``search-kim-jong-un-2026-12-04.csv``."""
    extension = CITATION_FORMATS[fmt][1] if fmt in CITATION_FORMATS else fmt
    words = slugify(stem)[:60].strip("-") or "articles"
    return f"{words}-{(today or datetime.date.today()).isoformat()}.{extension}"


def cap_notice(total: int) -> str:
    """What a capped citation file says about the matches it leaves out ("" if none)."""
    if total <= CITATION_LIMIT:
        return ""
    return (
        f"This file holds the first {CITATION_LIMIT:,} of {total:,} matches, in the "
        "listing's order; narrow the search (dates, filters) to export the rest."
    )


def _citation_chunks(
    articles: Iterable[Article], fmt: str, notice: str, request: HttpRequest
) -> Iterator[str]:
    def cited(article: Article) -> citations.Citation:
        return citations.cite(
            article, request.build_absolute_uri(article.get_absolute_url())
        )

    if fmt == "ris":
        for article in articles:
            yield citations.ris_record(cited(article))
    elif fmt == "bibtex":
        if notice:
            yield "@comment{" + citations.bibtex_escape(notice) + "}\n\n"
        taken: set[str] = set()
        for article in articles:
            yield citations.bibtex_entry(cited(article), taken=taken) + "\n"
    else:
        yield "["
        separator = "\n"
        for article in articles:
            item = json.dumps(citations.csl_item(cited(article)), ensure_ascii=False)
            yield separator + item
            separator = ",\n"
        yield "\n]\n"


def citations_response(
    articles: Iterable[Article],
    *,
    fmt: str,
    total: int,
    filename: str,
    request: HttpRequest,
) -> StreamingHttpResponse:
    """Stream the first ``CITATION_LIMIT`` of ``articles`` (``total`` in all) as ``fmt``."""
    content_type = CITATION_FORMATS[fmt][0]
    notice = cap_notice(total)
    response = StreamingHttpResponse(
        _citation_chunks(
            itertools.islice(articles, CITATION_LIMIT), fmt, notice, request
        ),
        content_type=f"{content_type}; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if notice:
        response["X-Export-Notice"] = notice
    return response


# --- JSON -----------------------------------------------------------------


def article_json(article: Article, *, snippet: str, request: HttpRequest) -> dict:
    """One result of the JSON API. ``snippet`` is an HTML fragment (escaped text, <mark>)."""
    return {
        "id": article.pk,
        "title": article.title,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "original_url": article.url,
        "source": {"name": article.source.name, "slug": article.source.slug},
        "published": article.published.isoformat(),
        "published_is_inferred": article.published_is_inferred,
        "authors": [{"name": a.name, "slug": a.slug} for a in article.byline],
        "tags": [{"name": t.name, "slug": t.slug} for t in article.tags.all()],
        "language": article.language,
        "kind": article.kind,
        "summary": article.summary,
        "at_source": article.at_source,
        "checked": _checked(article) or None,
        "snippet": str(snippet),
    }


def facets_json(listed: Iterable[Facet]) -> dict:
    """The facets object of the JSON API: every facet key, each a list of values."""
    keys = {spec.name: spec.json_key for spec in facets()}
    result: dict[str, list] = {key: [] for key in keys.values()}
    for facet in listed:
        result[keys.get(facet.name, facet.name)] = [
            {
                "value": fv.value,
                "label": fv.label,
                "count": fv.count,
                "selected": fv.selected,
            }
            for fv in facet.values
        ]
    return result


def summary_snippet(article: Article) -> str:
    """A snippet for listings without a query: the summary (or opening), as escaped HTML."""
    return escape(Truncator(article.summary or article.body_text).words(50))


def listing_json(
    *,
    query: str,
    total: int,
    page: int,
    pages: int,
    results: Iterable[tuple[Article, str]],
    facets: Iterable[Facet],
    histogram: Iterable[YearCount],
    request: HttpRequest,
    also_matched: Iterable[str] = (),
    suggestion: str | None = None,
    notices: Iterable[str] = (),
) -> dict:
    """The JSON API's shape for one page of a listing; ``results`` are (article, snippet)."""
    return {
        "query": query,
        "total": total,
        "page": page,
        "pages": pages,
        "results": [
            article_json(article, snippet=snippet, request=request)
            for article, snippet in results
        ],
        "facets": facets_json(facets),
        "also_matched": list(also_matched),
        "suggestion": suggestion,
        "histogram": [{"year": yc.year, "count": yc.count} for yc in histogram],
        "notices": list(notices),
    }
