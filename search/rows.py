"""What a result row shows, read in one lean query.

The search page (HTML and JSON) needs a few fields of each hit, its
source, authors and tags: no model instances. ``load_rows`` reads the
articles' fields and their source as plain values (one query, joined); their
authors and tags are what the index holds for them, named from the labels
kept per index version; each article's URL is built from the one prefix
every article page shares, instead of resolved per hit. A ``HitRow`` offers
the attributes of an ``Article`` that ``archive.listing.exports.article_json``,
the citations, the result template and the snippets read, so each stays
the one shape.
"""

import threading
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from archive.listing.facets import Registry, facets
from archive.models import (
    IMPORT_DAY_NOTE,
    UNKNOWN_SOURCE,
    Article,
    in_byline_order,
)
from archive.rows import compiled_rows
from search.engine.api import Matches
from search.facets import registry_labels

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
    "at_source",
    "checked",
    "created",
    "review_note",
    "source_id",
    "source__name",
    "source__slug",
    "source__kind",
)
_KINDS = dict(Article.Kind.choices)
_LANGUAGES = dict(Article.Language.choices)


@dataclass(frozen=True, slots=True)
class Named:
    """A source, author or tag as a row shows it."""

    pk: int
    name: str
    slug: str
    path: str  # of its page
    kind: str = ""  # a source's kind (what citations call its articles)

    def get_absolute_url(self) -> str:
        return self.path


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
    at_source: str
    checked: datetime | None
    created: datetime
    date_is_placeholder: bool
    source: Named
    byline: tuple[Named, ...]
    tags: Tags

    def get_absolute_url(self) -> str:
        return self.path

    @property
    def source_is_placeholder(self) -> bool:
        return self.source.name == UNKNOWN_SOURCE

    def get_kind_display(self) -> str:
        return _KINDS.get(self.kind, self.kind)

    def get_language_display(self) -> str:
        return _LANGUAGES.get(self.language, self.language)


def reversed_path(route: str, *args) -> str:
    """Return ``reverse(route, args=args)``, kept per script prefix, URLconf and language.

    Those are all a path depends on besides the route and its arguments, and
    they vary little, so each is resolved once rather than on every request.
    """
    key = (route, args, get_script_prefix(), get_urlconf(), get_language())
    path = _reversed.get(key)
    if path is None:
        path = reverse(route, args=list(args))
        if len(_reversed) > _REVERSED_KEPT:
            _reversed.clear()
        _reversed[key] = path
    return path


_reversed: dict = {}
_REVERSED_KEPT = 1000


def article_paths() -> "ArticlePaths":
    """Return the builder of article page paths for this request's URL prefix."""
    return ArticlePaths(reversed_path("archive:article-detail", 0, "-"))


class ArticlePaths:
    """Article page paths from one reversed URL (what ``get_absolute_url`` gives)."""

    def __init__(self, sample: str):
        self.prefix = sample.removesuffix("0/-/")

    def __call__(self, pk: int, slug: str) -> str:
        return f"{self.prefix}{pk}/{quote(slug or 'article', safe=_SAFE)}/"


class RegistryPaths:
    """Paths of one registry's pages (sources, authors or tags) from one reversed URL."""

    def __init__(self, route: str):
        self.prefix = reversed_path(route, "-").removesuffix("-/")

    def __call__(self, slug: str) -> str:
        return f"{self.prefix}{quote(slug, safe=_SAFE)}/"


def load_rows(matches: Matches) -> dict[int, HitRow]:
    """Return the published articles among the ranked ones as rows, by id (one query).

    The articles' own fields and their source come from the database; their
    tags and authors are the ids the index holds for them
    (``matches.ranked_values``) with names and slugs kept per index version
    (``search.facets``).
    """
    pks = [pk for pk, _ in matches.ranked]
    if not pks:
        return {}
    rows = compiled_rows(
        Article,
        "result rows",
        lambda ids: (
            Article.objects.published()
            .filter(pk__in=ids)
            .order_by()
            .values_list(*_ROW_FIELDS)
        ),
        pks,
        stand_in=lambda n: -1 - n,  # ids no article has
    )
    related = _related(matches)
    path = article_paths()
    source_path = RegistryPaths("archive:source-detail")
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
        at_source,
        checked,
        created,
        review_note,
        *source,
    ) in rows:
        authors, tags = related[pk]
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
            at_source=at_source,
            checked=checked,
            created=created,
            date_is_placeholder=IMPORT_DAY_NOTE in review_note,
            source=Named(*source[:3], source_path(source[2]), source[3]),
            # Ordered as the registries order themselves (by name), as
            # prefetching the relations did.
            byline=tuple(in_byline_order(_by_name(authors), author_order)),
            tags=Tags(tuple(_by_name(tags))),
        )
    return loaded


# The registries a row names from the index, and the URL name of their pages.
_ROUTES = {"authors": "archive:author-detail", "tags": "archive:tag-detail"}


def _related(matches: Matches) -> dict[int, tuple]:
    """Return {id: (authors, tags)} of the ranked documents, named."""
    specs = {
        spec.values.field: (n, spec)
        for n, spec in enumerate(facets())
        if isinstance(spec.values, Registry) and spec.values.field in _ROUTES
    }
    named = {}
    for field, (n, spec) in specs.items():
        ids = {
            pk
            for values in matches.ranked_values
            for pk in (values[n] if spec.multi else (values[n],))
        }
        named[field] = _named(field, spec, ids, matches.index_version)

    def of(field: str, values: tuple) -> list[Named]:
        n, spec = specs[field]
        ids = values[n] if spec.multi else (values[n],)
        return [named[field][pk] for pk in ids if pk in named[field]]

    return {
        pk: (of("authors", values), of("tags", values))
        for (pk, _), values in zip(matches.ranked, matches.ranked_values, strict=True)
    }


def _named(field: str, spec, ids: set, index_version: str) -> dict[int, Named]:
    """Return ``{id: Named}`` of the registry values ``ids`` (kept per index version).

    As the labels they are made of (``registry_labels``): a rename re-indexes
    the articles concerned, so the index's version changes and these are made
    again.
    """
    path = RegistryPaths(_ROUTES[field])
    if not index_version:
        labels = registry_labels(spec, sorted(ids), index_version)
        return {
            pk: Named(pk, name, slug, path(slug)) for pk, (slug, name) in labels.items()
        }
    with _kept_lock:
        if _kept_version[0] != index_version:
            _kept_named.clear()
            _kept_version[0] = index_version
        known = {
            pk: _kept_named[(field, path.prefix, pk)]
            for pk in ids
            if (field, path.prefix, pk) in _kept_named
        }
    missing = sorted(pk for pk in ids if pk not in known)
    if not missing:
        return known
    labels = registry_labels(spec, missing, index_version)
    made = {
        pk: Named(pk, name, slug, path(slug)) for pk, (slug, name) in labels.items()
    }
    with _kept_lock:
        if _kept_version[0] == index_version:
            if len(_kept_named) > _NAMED_KEPT:
                _kept_named.clear()
            _kept_named.update(((field, path.prefix, pk), n) for pk, n in made.items())
    return {**known, **made}


# (registry field, path prefix, id) -> Named, for one version of the index.
_kept_named: dict = {}
_kept_version = [""]
_kept_lock = threading.Lock()
_NAMED_KEPT = 50_000


def _by_name(named: list[Named]) -> list[Named]:
    return sorted(named, key=lambda n: n.name)
