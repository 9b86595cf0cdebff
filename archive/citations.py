"""Citations of an article: RIS, BibTeX, CSL-JSON and a formatted reference.

Each function takes the article (loaded with its source and authors) and the
absolute URL of its page in the archive. The original's URL is cited when the
article has one; otherwise the archive's page is.
"""

import datetime
import json
import re

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from archive.models import Article

SITE_NAME = "North Korea Media & Technology Archive"

RIS_TYPES = {
    Article.Kind.NEWS: "NEWS",
    Article.Kind.ANALYSIS: "ELEC",
    Article.Kind.REPORT: "RPRT",
    Article.Kind.BLOG: "BLOG",
    Article.Kind.INTERVIEW: "NEWS",
    Article.Kind.STATE_MEDIA: "NEWS",
}
CSL_TYPES = {
    Article.Kind.NEWS: "article-newspaper",
    Article.Kind.ANALYSIS: "article",
    Article.Kind.REPORT: "report",
    Article.Kind.BLOG: "post-weblog",
    Article.Kind.INTERVIEW: "interview",
    Article.Kind.STATE_MEDIA: "article-newspaper",
}
BIBTEX_TYPES = {Article.Kind.REPORT: "techreport"}
INFERRED_NOTE = "Publication date inferred by the archive"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _authors(article: Article) -> list[str]:
    return [_one_line(author.name) for author in article.byline]


def cited_url(article: Article, page_url: str) -> str:
    """The URL a citation points to: the original when known, else the archive page."""
    return article.url or page_url


def citation_key(article: Article) -> str:
    """A BibTeX key: first author's (or source's) last word, year, first title word."""
    names = _authors(article) or [article.source.name]
    surname = names[0].split()[-1] if names[0].split() else "anon"
    first_word = next(iter(re.findall(r"\w+", article.title)), "article")
    key = f"{surname}{article.published.year}{first_word}".lower()
    return re.sub(r"[^a-z0-9]", "", key) or f"article{article.pk}"


def to_ris(article: Article, page_url: str) -> str:
    """Return the article as one RIS record (CRLF line ends, as the format asks)."""
    published: datetime.date = article.published
    lines = [("TY", RIS_TYPES.get(article.kind, "ELEC"))]
    lines.append(("TI", _one_line(article.title)))
    lines += [("AU", name) for name in _authors(article)]
    lines += [
        ("PY", f"{published.year:04d}"),
        ("DA", published.strftime("%Y/%m/%d/")),
        ("T2", _one_line(article.source.name)),
        ("PB", _one_line(article.source.name)),
        ("UR", cited_url(article, page_url)),
    ]
    lines.append(("LA", article.language))
    lines += [("KW", _one_line(tag.name)) for tag in article.tags.all()]
    if article.summary:
        lines.append(("AB", _one_line(article.summary)))
    if article.published_is_inferred:
        lines.append(("N1", INFERRED_NOTE))
    lines += [("DB", SITE_NAME), ("ER", "")]
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)


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


def to_bibtex(article: Article, page_url: str) -> str:
    """Return the article as one BibTeX entry."""
    published: datetime.date = article.published
    entry_type = BIBTEX_TYPES.get(article.kind, "article")
    source = bibtex_escape(article.source.name)
    fields = [("title", bibtex_escape(article.title))]
    if names := _authors(article):
        fields.append(("author", " and ".join(bibtex_escape(n) for n in names)))
    if entry_type == "techreport":
        fields.append(("institution", source))
    else:
        fields.append(("journal", source))
    fields += [
        ("publisher", source),
        ("year", f"{published.year:04d}"),
        ("month", str(published.month)),
        ("date", published.isoformat()),
        ("url", _bibtex_url(cited_url(article, page_url))),
        ("language", article.language),
    ]
    if tags := [bibtex_escape(tag.name) for tag in article.tags.all()]:
        fields.append(("keywords", ", ".join(tags)))
    if article.published_is_inferred:
        fields.append(("note", INFERRED_NOTE))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{citation_key(article)},\n{body}\n}}\n"


def to_csl(article: Article, page_url: str) -> dict:
    """Return the article as a CSL-JSON item."""
    published: datetime.date = article.published
    issued: dict = {"date-parts": [[published.year, published.month, published.day]]}
    if article.published_is_inferred:
        issued["circa"] = True
    item = {
        "id": f"article-{article.pk}",
        "type": CSL_TYPES.get(article.kind, "article"),
        "title": _one_line(article.title),
        "author": [{"literal": name} for name in _authors(article)],
        "issued": issued,
        "container-title": _one_line(article.source.name),
        "publisher": _one_line(article.source.name),
        "URL": cited_url(article, page_url),
        "language": article.language,
    }
    if article.summary:
        item["abstract"] = article.summary
    if tags := [tag.name for tag in article.tags.all()]:
        item["keyword"] = ", ".join(tags)
    return item


def to_csl_json(article: Article, page_url: str) -> str:
    """Return the CSL-JSON file for the article: a list holding its one item."""
    return json.dumps([to_csl(article, page_url)], ensure_ascii=False, indent=2)


def formatted_reference(article: Article, page_url: str) -> str:
    """Return a plain-text reference in a Chicago-like style (escape it on output)."""
    names = _authors(article)
    if len(names) > 1:
        byline = _("%(names)s and %(last)s") % {
            "names": ", ".join(names[:-1]),
            "last": names[-1],
        }
    else:
        byline = names[0] if names else ""
    date = date_format(article.published, "DATE_FORMAT")
    if article.published_is_inferred:
        date = _("%(date)s (date inferred)") % {"date": date}
    title = _one_line(article.title).rstrip(".")
    parts = [f"{byline}." if byline else "", f"“{title}.”"]
    parts.append(f"{_one_line(article.source.name)}, {date}.")
    parts.append(f"{cited_url(article, page_url)}.")
    return " ".join(part for part in parts if part)
