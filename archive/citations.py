"""Citations of an article: RIS, BibTeX (biblatex types), CSL-JSON, COinS and a reference.

``cite(article, page_url)`` decides once what the article is (a newspaper
article, a web page, a blog post or a report), who wrote it (structured
names: a person's family and given name, an organisation as one literal),
where it appeared and when the archive captured it; each format writes that
decision in its own vocabulary. The original's URL is cited when the article
has one; otherwise the archive's page is.
"""

import datetime
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from archive.models import Article, Source
from archive.names import Name, structured_name

SITE_NAME = "North Korea Media & Technology Archive"
INFERRED_NOTE = "Publication date inferred by the archive"


@dataclass(frozen=True)
class CitationType:
    """One kind of item, named in each format's vocabulary."""

    csl: str
    ris: str
    bibtex: str
    zotero: str
    # Where the source's name goes: the periodical or site the item appeared
    # in ("container"), or the body that issued it ("publisher").
    source_role: str


NEWSPAPER = CitationType(
    "article-newspaper", "NEWS", "article", "newspaperArticle", "container"
)
WEBPAGE = CitationType("webpage", "ELEC", "online", "webpage", "container")
BLOG_POST = CitationType("post-weblog", "BLOG", "online", "blogPost", "container")
REPORT = CitationType("report", "RPRT", "report", "report", "publisher")

# Outlets whose articles are newspaper articles, whatever their kind.
PERIODICAL_SOURCES = (
    Source.Kind.NEWS_OUTLET,
    Source.Kind.WIRE,
    Source.Kind.STATE_MEDIA,
)


def citation_type(article: Article) -> CitationType:
    """The type of item: reports and blog posts by kind, else by where it appeared."""
    if article.kind == Article.Kind.REPORT:
        return REPORT
    if article.kind == Article.Kind.BLOG or article.source.kind == Source.Kind.BLOG:
        return BLOG_POST
    if article.source.kind in PERIODICAL_SOURCES:
        return NEWSPAPER
    # Think tanks, NGOs, governments and academics publish pages on their sites.
    return WEBPAGE


@dataclass(frozen=True)
class Citation:
    """What every format says about one article."""

    type: CitationType
    title: str
    names: tuple[Name, ...]
    source: str  # "" when the importer's stand-in is all there is
    published: datetime.date | None  # None while no date has been found
    published_is_inferred: bool
    accessed: datetime.date
    url: str
    language: str
    keywords: tuple[str, ...]
    abstract: str
    archive_id: int

    @property
    def container(self) -> str:
        if self.type.source_role != "container":
            return ""
        if self.type is not NEWSPAPER and self.names == (Name(literal=self.source),):
            # A site's own page: styles name the site once, as the author.
            return ""
        return self.source

    @property
    def publisher(self) -> str:
        return self.source if self.type.source_role == "publisher" else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def cited_url(article: Article, page_url: str) -> str:
    """The URL a citation points to: the original when known, else the archive page."""
    return article.url or page_url


def cite(article: Article, page_url: str) -> Citation:
    """Return the citation of ``article`` (loaded with source, authors and tags)."""
    source = "" if article.source_is_placeholder else _one_line(article.source.name)
    # An author credited under the outlet's own name is the outlet.
    organisations = frozenset({source.casefold()})
    return Citation(
        type=citation_type(article),
        title=_one_line(article.title),
        names=tuple(
            structured_name(author.name, organisations=organisations)
            for author in article.byline
        ),
        source=source,
        published=None if article.date_is_placeholder else article.published,
        published_is_inferred=article.published_is_inferred,
        # When the archive captured the text: the access date of the citation.
        accessed=article.created.date() if article.created else datetime.date.today(),
        url=cited_url(article, page_url),
        language=article.language,
        keywords=tuple(_one_line(tag.name) for tag in article.tags.all()),
        abstract=_one_line(article.summary),
        archive_id=article.pk,
    )


def citation_key(article: Article) -> str:
    """A BibTeX key: first author's family name (or the source), year, first title word."""
    return _key(cite(article, ""))


def _key(citation: Citation) -> str:
    first = citation.names[0] if citation.names else None
    if first and not first.is_organisation:
        lead = first.family
    else:
        lead = (first.literal if first else citation.source or "anon").split()[0:1]
        lead = lead[0] if lead else "anon"
    first_word = next(iter(re.findall(r"\w+", citation.title)), "article")
    year = citation.published.year if citation.published else "nd"
    key = f"{lead}{year}{first_word}".lower()
    return re.sub(r"[^a-z0-9]", "", key) or f"article{citation.archive_id}"


# --- RIS --------------------------------------------------------------------


def ris_record(citation: Citation) -> str:
    """One RIS record (CRLF line ends, as the format asks)."""
    published = citation.published
    lines = [("TY", citation.type.ris), ("TI", citation.title)]
    lines += [("AU", name.inverted()) for name in citation.names]
    if published:
        lines += [
            ("PY", f"{published.year:04d}"),
            ("DA", published.strftime("%Y/%m/%d/")),
        ]
    if citation.container:
        lines.append(("T2", citation.container))
    if citation.publisher:
        lines.append(("PB", citation.publisher))
    lines += [
        ("UR", citation.url),
        ("Y2", citation.accessed.strftime("%Y/%m/%d/")),
        ("LA", citation.language),
    ]
    lines += [("KW", keyword) for keyword in citation.keywords]
    if citation.abstract:
        lines.append(("AB", citation.abstract))
    if citation.published_is_inferred:
        lines.append(("N1", INFERRED_NOTE))
    lines += [("DB", SITE_NAME), ("ER", "")]
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)


def to_ris(article: Article, page_url: str) -> str:
    """Return the article as one RIS record."""
    return ris_record(cite(article, page_url))


# --- BibTeX -----------------------------------------------------------------

_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
# BibTeX finds the end of a value by counting braces and ignores backslashes
# while doing so, so a lone brace is written as a command with balanced braces.
_LONE_BRACES = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}


def _braces_balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def bibtex_escape(text: str) -> str:
    """Escape ``text`` for a braced BibTeX value (balanced braces, no stray commands)."""
    text = _one_line(text)
    specials = _BIBTEX_SPECIALS
    if not _braces_balanced(text):
        specials = {**specials, **_LONE_BRACES}
    return "".join(specials.get(char, char) for char in text)


def _bibtex_url(url: str) -> str:
    # URLs are read verbatim by the url package; only braces and spaces could break
    # the value, and percent-encoding them keeps the URL the same.
    return url.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def _bibtex_name(name: Name) -> str:
    # "and" inside a name would split it; braces keep an organisation whole.
    if name.is_organisation:
        return "{" + bibtex_escape(name.literal) + "}"
    return bibtex_escape(name.inverted())


def bibtex_entry(citation: Citation, *, taken: set[str] | None = None) -> str:
    """One BibTeX entry, typed as biblatex types it (article, online, report).

    With ``taken`` (the keys of a file's earlier entries), the key is made
    unique in the file and added to it.
    """
    published = citation.published
    source = bibtex_escape(citation.source)
    fields = [("title", bibtex_escape(citation.title))]
    if citation.names:
        fields.append(("author", " and ".join(map(_bibtex_name, citation.names))))
    if source and citation.type is NEWSPAPER:
        fields += [
            ("journaltitle", source),
            ("journal", source),
            ("entrysubtype", "newspaper"),
        ]
    elif source and citation.type is REPORT:
        fields += [("institution", source), ("type", "Report")]
    elif source:
        fields.append(("organization", source))
    if published:
        fields += [
            ("year", f"{published.year:04d}"),
            ("month", str(published.month)),
            ("date", published.isoformat()),
        ]
    fields += [
        ("url", _bibtex_url(citation.url)),
        ("urldate", citation.accessed.isoformat()),
        ("language", citation.language),
    ]
    if citation.keywords:
        fields.append(("keywords", ", ".join(map(bibtex_escape, citation.keywords))))
    if citation.published_is_inferred:
        fields.append(("note", INFERRED_NOTE))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    key = _key(citation)
    if taken is not None:
        if key in taken:
            key = f"{key}-{citation.archive_id}"
        taken.add(key)
    return f"@{citation.type.bibtex}{{{key},\n{body}\n}}\n"


def to_bibtex(article: Article, page_url: str) -> str:
    """Return the article as one BibTeX entry."""
    return bibtex_entry(cite(article, page_url))


# --- CSL-JSON ---------------------------------------------------------------


def _date_parts(value: datetime.date) -> list[list[int]]:
    return [[value.year, value.month, value.day]]


def csl_item(citation: Citation) -> dict:
    """The CSL-JSON item."""
    item = {
        "id": f"article-{citation.archive_id}",
        "type": citation.type.csl,
        "title": citation.title,
        "author": [name.csl() for name in citation.names],
    }
    if citation.published:
        issued: dict = {"date-parts": _date_parts(citation.published)}
        if citation.published_is_inferred:
            issued["circa"] = True
        item["issued"] = issued
    item |= {
        "accessed": {"date-parts": _date_parts(citation.accessed)},
        "URL": citation.url,
        "language": citation.language,
    }
    if citation.container:
        item["container-title"] = citation.container
    if citation.publisher:
        item["publisher"] = citation.publisher
    if citation.abstract:
        item["abstract"] = citation.abstract
    if citation.keywords:
        item["keyword"] = ", ".join(citation.keywords)
    if citation.published_is_inferred:
        item["note"] = INFERRED_NOTE
    return item


def to_csl(article: Article, page_url: str) -> dict:
    """Return the article as a CSL-JSON item."""
    return csl_item(cite(article, page_url))


def to_csl_json(article: Article, page_url: str) -> str:
    """Return the CSL-JSON file for the article: a list holding its one item."""
    return json.dumps([to_csl(article, page_url)], ensure_ascii=False, indent=2)


# --- COinS ------------------------------------------------------------------


def coins(citation: Citation) -> str:
    """The OpenURL ContextObject (KEV) of a COinS span, as Zotero's translator reads it."""
    pairs = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"),
        # Zotero takes a Dublin Core item's type from rft.type.
        ("rft.type", citation.type.zotero),
        ("rft.title", citation.title),
    ]
    for name in citation.names:
        if name.is_organisation:
            pairs.append(("rft.aucorp", name.literal))
        else:
            pairs.append(("rft.au", name.inverted()))
    if citation.container:
        pairs.append(("rft.source", citation.container))
    if citation.publisher:
        pairs.append(("rft.publisher", citation.publisher))
    if citation.published:
        pairs.append(("rft.date", citation.published.isoformat()))
    pairs += [
        ("rft.identifier", citation.url),
        ("rft.language", citation.language),
    ]
    if citation.abstract:
        pairs.append(("rft.description", citation.abstract))
    pairs += [("rft.subject", keyword) for keyword in citation.keywords]
    return "&".join(f"{key}={quote(value, safe='')}" for key, value in pairs)


# --- A reference in the page ------------------------------------------------


def _byline(names: Iterable[Name]) -> str:
    shown = []
    for i, name in enumerate(names):
        if name.is_organisation:
            shown.append(name.literal)
        elif i == 0:
            shown.append(name.inverted())
        else:
            shown.append(f"{name.given} {name.family}".strip())
    if len(shown) > 1:
        return ", ".join(shown[:-1]) + " and " + shown[-1]
    return shown[0] if shown else ""


def formatted_reference(article: Article, page_url: str) -> str:
    """Return a plain-text reference in Chicago style (escape it on output)."""
    citation = cite(article, page_url)
    byline = _byline(citation.names)
    published = citation.published
    if published is None:
        date = "n.d."
    else:
        date = f"{published:%B} {published.day}, {published.year}"
        if citation.published_is_inferred:
            date += " (date inferred)"
    title = citation.title.rstrip(".")
    parts = [f"{byline}." if byline and not byline.endswith(".") else byline]
    parts.append(f"“{title}.”")
    where = ", ".join(part for part in (citation.source, date) if part)
    parts.append(where if where.endswith(".") else f"{where}.")
    accessed = citation.accessed
    parts.append(f"Accessed {accessed:%B} {accessed.day}, {accessed.year}.")
    parts.append(f"{citation.url}.")
    return " ".join(part for part in parts if part)
