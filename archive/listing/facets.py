"""The facets of every listing, each declared once.

A ``FacetSpec`` says everything the archive needs to know about one facet:
its URL parameter (``not_<name>`` excludes), what pages and notices call it,
its key in the JSON API, where its values come from (a registry model or a
field's choices), whether an article has one value or several, the database
condition that filters by it, how browse counts it, and what the search
index stores for it. Browse filters and counts, the search form, search
facets, presenters, exports and the index's document layout all read
``FACETS``; adding a facet is one more entry there (the index's layout
changes with it, so the next sync rebuilds the index).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from archive.models import Article, Author, Source, Tag
from archive.rows import compiled_rows

# (URL value, label, count) of one facet value, as browse lists it.
Row = tuple[str, str, int]


class Values(Protocol):
    """Where a facet's values come from; one implementation per kind of field."""

    # What the index stores per value: "int" (ids, years) or "str" (codes).
    stored: str
    # True when an article has several values (tags, authors).
    multi: bool
    # True when the values are points in time, listed newest first (years).
    chronological: bool

    def known(self, values: list[str]) -> dict[str, str]:
        """Return ``{URL value: label}`` for the ``values`` the archive knows."""

    def condition(self, values: list[str]) -> Q | Exists:
        """Return the condition "the article has one of ``values``"."""

    def count(self, articles: QuerySet, limit: int | None) -> list[Row]:
        """Count the values over ``articles``, most common first (``limit + 1`` rows)."""

    @property
    def column(self) -> str | None:
        """The Article column ``of_article`` reads (a ``values_list`` path).

        None when ``multi``: the values are related rows (``related``).
        """

    def of_article(self, article: Article, related: dict | None = None):
        """Return what the index stores for ``article`` (a tuple when ``multi``).

        ``related`` holds the article's authors and tags by field name when
        they are at hand (an import's new article) instead of loaded.
        """

    def to_index(self, values: Iterable[str]) -> dict[str, object]:
        """Return ``{URL value: index value}`` for the values the archive knows."""

    def from_index(self, keys: Iterable) -> dict[object, tuple[str, str]]:
        """Return ``{index value: (URL value, label)}`` for the stored values given."""


@dataclass(frozen=True)
class Registry:
    """Values are rows of a registry model (sources, tags, authors), named by slug."""

    model: type[models.Model]
    field: str  # the Article field: a foreign key or a many-to-many
    stored: str = "int"
    chronological: bool = False

    @property
    def multi(self) -> bool:
        return Article._meta.get_field(self.field).many_to_many

    @property
    def column(self) -> str | None:
        return None if self.multi else f"{self.field}_id"

    def public(self) -> Q:
        """The entries that are public: filed on a published article, or on none.

        An entry whose only articles are drafts is not public yet. A tag's or
        an author's articles are found from its own rows of the link table,
        each article then looked up by its key: a join on the article's
        status would let the database walk every published article of the
        archive in search of the few filed under a rare entry.
        """
        if not self.multi:
            filed = Article.objects.filter(**{self.field: OuterRef("pk")})
            published = filed.filter(status=Article.Status.PUBLISHED)
        else:
            target = self.model._meta.model_name
            filed = getattr(Article, self.field).through.objects.filter(
                **{f"{target}_id": OuterRef("pk")}
            )
            published = filed.filter(
                Exists(
                    Article.objects.filter(
                        pk=OuterRef("article_id"), status=Article.Status.PUBLISHED
                    )
                )
            )
        return Q(Exists(published)) | ~Exists(filed)

    def known(self, values: list[str]) -> dict[str, str]:
        # A filter naming an entry that is not public is "unknown" and its
        # name is not shown.
        return dict(
            compiled_rows(
                self.model,
                ("known", self.field),
                lambda slugs: self.model.objects.filter(
                    self.public(), slug__in=slugs
                ).values_list("slug", "name"),
                values,
            )
        )

    def condition(self, values: list[str]) -> Q | Exists:
        if not self.multi:
            return Q(**{f"{self.field}__slug__in": values})
        # EXISTS instead of a join keeps one row per article (no DISTINCT needed).
        through = getattr(Article, self.field).through
        target = self.model._meta.model_name
        return Exists(
            through.objects.filter(
                article_id=OuterRef("pk"), **{f"{target}__slug__in": values}
            )
        )

    def count(self, articles: QuerySet, limit: int | None) -> list[Row]:
        if self.multi:
            target = self.model._meta.model_name
            rows = (
                getattr(Article, self.field)
                .through.objects.filter(article_id__in=articles.values("pk"))
                .values_list(f"{target}__slug", f"{target}__name")
                .annotate(n=Count("article_id"))
                .order_by("-n", f"{target}__name")
            )
        else:
            rows = (
                articles.values_list(f"{self.field}__slug", f"{self.field}__name")
                .annotate(n=Count("pk"))
                .order_by("-n", f"{self.field}__name")
            )
        return list(rows if limit is None else rows[: limit + 1])

    def of_article(self, article: Article, related: dict | None = None):
        if self.multi:
            values = (
                related[self.field]
                if related is not None
                else getattr(article, self.field).all()
            )
            return tuple(sorted({v.pk for v in values}))
        return getattr(article, f"{self.field}_id")

    def to_index(self, values: Iterable[str]) -> dict[str, object]:
        return dict(
            compiled_rows(
                self.model,
                ("to_index", self.field),
                lambda slugs: self.model.objects.filter(slug__in=slugs).values_list(
                    "slug", "pk"
                ),
                sorted(set(values)),
            )
        )

    def from_index(self, keys: Iterable) -> dict[object, tuple[str, str]]:
        rows = self.model.objects.filter(pk__in=list(keys))
        return {
            pk: (slug, name)
            for pk, slug, name in rows.values_list("pk", "slug", "name")
        }


# (choices, language) -> {code: label}: a few small dictionaries, never stale
# (choices and their translations change only with the code).
_choice_labels: dict = {}


@dataclass(frozen=True)
class Choices:
    """Values are the codes of a field with choices (language, kind)."""

    field: str  # an Article field, or a path to one (``source__kind``)
    choices: type[models.Choices]
    stored: str = "str"
    multi: bool = False
    chronological: bool = False

    @property
    def column(self) -> str:
        return self.field

    def labels(self) -> dict[str, str]:
        """Return ``{code: label}`` in the active language (translated once per language)."""
        key = (self.choices, get_language())
        labels = _choice_labels.get(key)
        if labels is None:
            labels = {value: str(label) for value, label in self.choices.choices}
            _choice_labels[key] = labels
        return labels

    def known(self, values: list[str]) -> dict[str, str]:
        labels = self.labels()
        return {v: labels[v] for v in values if v in labels}

    def condition(self, values: list[str]) -> Q | Exists:
        return Q(**{f"{self.field}__in": values})

    def count(self, articles: QuerySet, limit: int | None) -> list[Row]:
        labels = self.labels()
        rows = (
            articles.values_list(self.field)
            .annotate(n=Count("pk"))
            .order_by("-n", self.field)
        )
        rows = rows if limit is None else rows[: limit + 1]
        return [(value, labels.get(value, value), n) for value, n in rows]

    def of_article(self, article: Article, related: dict | None = None):
        value = article
        for part in self.field.split("__"):
            value = getattr(value, part)
        # An object not read back from the database holds the member itself.
        return value.value if isinstance(value, models.Choices) else value

    def to_index(self, values: Iterable[str]) -> dict[str, object]:
        labels = self.labels()
        return {v: v for v in values if v in labels}

    def from_index(self, keys: Iterable) -> dict[object, tuple[str, str]]:
        labels = self.labels()
        return {key: (key, labels.get(key, key)) for key in keys}


@dataclass(frozen=True)
class Year:
    """Values are the years of a date field, newest first."""

    field: str = "published"
    stored: str = "int"
    multi: bool = False
    chronological: bool = True

    @property
    def column(self) -> str:
        return self.field

    @staticmethod
    def _years(values: Iterable[str]) -> list[str]:
        return [
            v
            for v in values
            if len(v) == 4 and v.isascii() and v.isdigit() and v[0] != "0"
        ]

    def known(self, values: list[str]) -> dict[str, str]:
        return {v: v for v in self._years(values)}

    def condition(self, values: list[str]) -> Q | Exists:
        condition = Q()
        for year in map(int, values):
            condition |= Q(
                **{
                    f"{self.field}__range": (
                        datetime.date(year, 1, 1),
                        datetime.date(year, 12, 31),
                    )
                }
            )
        return condition

    def count(self, articles: QuerySet, limit: int | None) -> list[Row]:
        rows = (
            articles.annotate(y=ExtractYear(self.field))
            .values_list("y")
            .annotate(n=Count("pk"))
            .order_by("-y")
        )
        rows = rows if limit is None else rows[: limit + 1]
        return [(str(year), str(year), n) for year, n in rows]

    def of_article(self, article: Article, related: dict | None = None):
        return getattr(article, self.field).year

    def to_index(self, values: Iterable[str]) -> dict[str, object]:
        return {v: int(v) for v in self._years(values)}

    def from_index(self, keys: Iterable) -> dict[object, tuple[str, str]]:
        return {key: (str(key), str(key)) for key in keys}


@dataclass(frozen=True)
class Phrase:
    """How a chosen facet reads in a sentence about the listing."""

    chosen: str  # "from {}"
    excluded: str  # "not from {}"
    # Values of one facet are ORed: "and" reads right where an article has
    # one value (one source, one year), "or" where it may have several.
    conjunction: str
    position: int  # where in the sentence, first to last


@dataclass(frozen=True)
class FacetSpec:
    """One facet of the listings (see the module docstring)."""

    name: str  # URL parameter and the facet's name everywhere
    # Labels, nouns and phrases are lazy translations: str() them when used.
    label: str  # heading and chip label ("Language")
    noun: str  # in notices ("There is no language …")
    json_key: str  # key of the JSON API's "facets" object
    values: Values
    phrase: Phrase

    @property
    def multi(self) -> bool:
        return self.values.multi


FACETS: tuple[FacetSpec, ...] = (
    FacetSpec(
        "source",
        _("Source"),
        _("source"),
        "source",
        Registry(Source, "source"),
        Phrase(_("from {}"), _("not from {}"), _("and"), 0),
    ),
    FacetSpec(
        "tag",
        _("Tag"),
        _("tag"),
        "tag",
        Registry(Tag, "tags"),
        Phrase(_("tagged {}"), _("not tagged {}"), _("or"), 2),
    ),
    FacetSpec(
        "author",
        _("Author"),
        _("author"),
        "author",
        Registry(Author, "authors"),
        Phrase(_("by {}"), _("not by {}"), _("or"), 1),
    ),
    FacetSpec(
        "year",
        _("Year"),
        _("year"),
        "year",
        Year("published"),
        Phrase(
            pgettext_lazy("year", "in {}"),
            pgettext_lazy("year", "not in {}"),
            _("and"),
            5,
        ),
    ),
    FacetSpec(
        "lang",
        _("Language"),
        _("language"),
        "language",
        Choices("language", Article.Language),
        Phrase(
            pgettext_lazy("language", "in {}"),
            pgettext_lazy("language", "not in {}"),
            _("or"),
            4,
        ),
    ),
    FacetSpec(
        "kind",
        _("Kind"),
        _("kind"),
        "kind",
        Choices("kind", Article.Kind),
        Phrase(_("of kind {}"), _("not of kind {}"), _("or"), 3),
    ),
    FacetSpec(
        "at_source",
        _("At the source"),
        _("state at the source"),
        "at_source",
        Choices("at_source", Article.AtSource),
        Phrase(_("at the source: {}"), _("not at the source: {}"), _("or"), 6),
    ),
)


def facets() -> tuple[FacetSpec, ...]:
    """Return the declared facets, in the order listings show them."""
    return FACETS


def facet_names() -> tuple[str, ...]:
    """Return the facets' names (their URL parameters), in order."""
    return tuple(spec.name for spec in FACETS)


def facet_spec(name: str) -> FacetSpec:
    """Return the facet called ``name`` (KeyError when there is none)."""
    for spec in FACETS:
        if spec.name == name:
            return spec
    raise KeyError(name)
