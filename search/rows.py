"""What a result row of the JSON answer shows, read in three lean queries.

The JSON answer needs a few fields of each hit, its source, authors and
tags: no model instances. ``load_rows`` reads them as plain values (the
articles with their source, then the author and tag links with their names)
and builds each article's URL from the one prefix every article page shares,
instead of resolving a URL per hit. A ``HitRow`` offers the attributes of an
``Article`` that ``archive.listing.exports.article_json`` and the snippets
read, so the JSON stays the one shape.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from django.urls import reverse

from archive.models import Article, in_byline_order

# Characters reverse() leaves unquoted in a path (django.urls.resolvers).
_SAFE = "!$&'()*+,;=/~:@"
_ROW_FIELDS = (
    "pk",
    "title",
    "slug",
    "url",
    "published",
    "published_is_inferred",
    "language",
    "kind",
    "summary",
    "body_text",
    "updated",
    "author_order",
    "source__name",
    "source__slug",
)


@dataclass(frozen=True, slots=True)
class Named:
    """A source, author or tag as a row shows it."""

    pk: int
    name: str
    slug: str


@dataclass(frozen=True, slots=True)
class Tags:
    """An article's tags, read like a related manager (``tags.all()``)."""

    tags: tuple[Named, ...]

    def all(self) -> tuple[Named, ...]:
        return self.tags


@dataclass(frozen=True, slots=True)
class HitRow:
    """One hit as the JSON answer and the snippet read it."""

    pk: int
    title: str
    path: str
    url: str
    published: date
    published_is_inferred: bool
    language: str
    kind: str
    summary: str
    body_text: str
    updated: datetime
    source: Named
    byline: tuple[Named, ...]
    tags: Tags

    def get_absolute_url(self) -> str:
        return self.path


def article_paths() -> "ArticlePaths":
    """Return the builder of article page paths for this request's URL prefix."""
    return ArticlePaths(reverse("archive:article-detail", args=[0, "-"]))


class ArticlePaths:
    """Article page paths from one reversed URL (what ``get_absolute_url`` gives)."""

    def __init__(self, sample: str):
        self.prefix = sample.removesuffix("0/-/")

    def __call__(self, pk: int, slug: str) -> str:
        return f"{self.prefix}{pk}/{quote(slug or 'article', safe=_SAFE)}/"


def load_rows(pks: list[int]) -> dict[int, HitRow]:
    """Return the published articles among ``pks`` as rows, by id (three queries)."""
    rows = (
        Article.objects.published()
        .filter(pk__in=pks)
        .order_by()
        .values_list(*_ROW_FIELDS)
    )
    authors: dict[int, list[Named]] = defaultdict(list)
    tags: dict[int, list[Named]] = defaultdict(list)
    # Ordered as the registries order themselves (by name), as prefetching
    # the relations would give them.
    for links, out, target in (
        (Article.authors.through.objects, authors, "author"),
        (Article.tags.through.objects, tags, "tag"),
    ):
        found = (
            links.filter(article_id__in=pks)
            .order_by(f"{target}__name")
            .values_list(
                "article_id", f"{target}_id", f"{target}__name", f"{target}__slug"
            )
        )
        for article_id, pk, name, slug in found:
            out[article_id].append(Named(pk, name, slug))
    path = article_paths()
    loaded = {}
    for (
        pk,
        title,
        slug,
        url,
        published,
        inferred,
        language,
        kind,
        summary,
        body_text,
        updated,
        author_order,
        source_name,
        source_slug,
    ) in rows:
        loaded[pk] = HitRow(
            pk=pk,
            title=title,
            path=path(pk, slug),
            url=url,
            published=published,
            published_is_inferred=inferred,
            language=language,
            kind=kind,
            summary=summary,
            body_text=body_text,
            updated=updated,
            source=Named(0, source_name, source_slug),
            byline=tuple(in_byline_order(authors.get(pk, []), author_order)),
            tags=Tags(tuple(tags.get(pk, ()))),
        )
    return loaded
