"""The archive's records: sources, authors, tags and the articles themselves."""

import functools
import hashlib
import unicodedata
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.template.defaultfilters import filesizeformat
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from archive.sanitize import html_to_text, plain_text, sanitize_html, typed_text
from archive.urlnorm import normalize_url

# What the importer files when the text does not say: stand-ins, never facts.
UNKNOWN_SOURCE = "Unknown source (needs review)"
IMPORT_DAY_NOTE = "no date found (the import day stands in)"

tag_slug_validator = RegexValidator(
    r"^[^\W_A-Z]+(?:-[^\W_A-Z]+)*\Z",
    "Use lowercase letters, digits and single hyphens, e.g. mobile-phones or k-pop.",
)


def content_hash(text: str) -> str:
    """Return a fingerprint of ``text`` that ignores case and spacing (empty for no text)."""
    normalized = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return hashlib.sha256(normalized.encode()).hexdigest() if normalized else ""


def check_body_size(body: str) -> None:
    """Refuse a body over ``ARTICLE_MAX_BODY_BYTES`` (before any work is spent on it)."""
    limit = settings.ARTICLE_MAX_BODY_BYTES
    size = len(body.encode("utf-8", "surrogatepass")) if body else 0
    if size > limit:
        raise ValidationError(
            gettext(
                "The body is %(size)s; an article's body can be at most %(limit)s. "
                "Shorten it, or split it into several articles."
            )
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="body_too_large",
        )


def bump_versions(articles: models.QuerySet) -> int:
    """Count a change made without ``save()`` (bulk actions) as a new version of each."""
    return articles.update(version=F("version") + 1)


def unique_slug(
    model: type[models.Model], text: str, *, exclude_pk=None, max_length=100
) -> str:
    """Return a slug for ``text`` that no other row of ``model`` uses."""
    base = (slugify(text, allow_unicode=True) or "item")[: max_length - 6].strip("-")
    candidate, n = base, 2
    others = (
        model._default_manager.exclude(pk=exclude_pk)
        if exclude_pk
        else model._default_manager
    )
    while others.filter(slug=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def page_url(name: str, *args) -> str:
    """Return ``reverse(name, args=args)``, kept per URLconf, prefix and language.

    A result list links every article, source, author and tag it shows,
    often the same ones page after page; resolving each link anew was a
    tenth of the page's time.
    """
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    # Public URLs start with the language (all but the default one).
    key = (urlconf, get_script_prefix(), translation.get_language())
    return _page_url(key, name, args)


@functools.lru_cache(maxsize=20_000)
def _page_url(key: tuple, name: str, args: tuple) -> str:
    return reverse(name, urlconf=key[0], args=args)


class Timestamped(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Named(Timestamped):
    """A registry entry (source, author, tag): a plain-text name and a unique slug."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = plain_text(self.name)
        if not self.name:
            raise ValidationError({"name": "Give a name (markup alone is removed)."})
        if not self.slug:
            self.slug = unique_slug(type(self), self.name, exclude_pk=self.pk)


class Source(Named):
    class Kind(models.TextChoices):
        NEWS_OUTLET = "news-outlet", pgettext_lazy("source kind", "News outlet")
        THINK_TANK = "think-tank", pgettext_lazy("source kind", "Think tank")
        ACADEMIC = "academic", pgettext_lazy("source kind", "Academic")
        NGO = "ngo", pgettext_lazy("source kind", "NGO")
        STATE_MEDIA = "state-media", pgettext_lazy("source kind", "State media")
        GOVERNMENT = "government", pgettext_lazy("source kind", "Government")
        WIRE = "wire", pgettext_lazy("source kind", "Wire service")
        BLOG = "blog", pgettext_lazy("source kind", "Blog")

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True, blank=True)
    homepage = models.URLField(max_length=500, blank=True)
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.NEWS_OUTLET
    )
    country = models.CharField(
        max_length=100, blank=True, help_text="Where the source is based."
    )
    trusted = models.BooleanField(
        gettext_lazy("trusted"),
        default=False,
        help_text=gettext_lazy(
            "New items from this source's feeds are published at once "
            "instead of being filed as drafts."
        ),
    )

    class Meta:
        ordering = ["name"]

    def get_absolute_url(self) -> str:
        return page_url("archive:source-detail", self.slug)


class Author(Named):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True, blank=True)

    class Meta:
        ordering = ["name"]

    def get_absolute_url(self) -> str:
        return page_url("archive:author-detail", self.slug)


class Tag(Named):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(
        max_length=100,
        unique=True,
        allow_unicode=True,
        blank=True,
        validators=[tag_slug_validator],
    )

    class Meta:
        ordering = ["name"]

    def get_absolute_url(self) -> str:
        return page_url("archive:tag-detail", self.slug)


def in_byline_order(authors, author_order) -> list:
    """Return ``authors`` in the order of ``author_order`` (ids); the others after, as given."""
    place = {pk: n for n, pk in enumerate(author_order or ())}
    return sorted(authors, key=lambda a: place.get(a.pk, len(place)))


# Article columns only the re-checks of the original URL write (archive/watch).
WATCHED_FIELDS = frozenset({"at_source", "at_source_since", "checked"})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED)

    def drafts(self):
        return self.filter(status=Article.Status.DRAFT)

    def needing_review(self):
        return self.exclude(review_note="")

    def for_source(self, source):
        return self.filter(source=source)

    def for_tag(self, tag):
        return self.filter(tags=tag)

    def for_author(self, author):
        return self.filter(authors=author)

    def in_year(self, year: int):
        return self.filter(published__year=year)

    def with_relations(self):
        """Load what a list of articles shows (source, authors, tags) in three queries."""
        return self.select_related("source").prefetch_related("authors", "tags")

    def newest_first(self):
        return self.order_by("-published", "-id")

    def by_id(self, ids: Iterable[int]) -> dict:
        """``{id: article}`` for these articles among ``ids``, in no particular order.

        ``in_bulk`` keeps the default order (newest first), and SQLite,
        without statistics on the table, serves that by walking the index of
        published articles for the ids: every published row, 150 ms at a
        million articles, where looking up twenty ids by key takes well
        under one.
        """
        return self.order_by().in_bulk(ids)

    def in_chunks(self, size: int):
        """Yield lists of these articles (with relations) in id order, ``size`` at a time.

        Each chunk is a fresh query after the last id seen, so a long walk
        holds one chunk in memory and sees rows added behind it.
        """
        return self._chunks(
            lambda after: list(after.with_relations()[:size]), lambda a: a.pk
        )

    def rows_in_chunks(self, size: int, *columns: str):
        """The walk of ``in_chunks`` over ``values_list("pk", *columns)`` rows."""
        return self._chunks(
            lambda after: list(after.values_list("pk", *columns)[:size]),
            lambda row: row[0],
        )

    def _chunks(self, read, pk_of):
        last_pk = 0
        while chunk := read(self.filter(pk__gt=last_pk).order_by("pk")):
            yield chunk
            last_pk = pk_of(chunk[-1])


class Article(Timestamped):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("status", "Draft")
        PUBLISHED = "published", pgettext_lazy("status", "Published")

    class Kind(models.TextChoices):
        NEWS = "news", pgettext_lazy("article kind", "News")
        ANALYSIS = "analysis", pgettext_lazy("article kind", "Analysis")
        REPORT = "report", pgettext_lazy("article kind", "Report")
        BLOG = "blog", pgettext_lazy("article kind", "Blog post")
        INTERVIEW = "interview", pgettext_lazy("article kind", "Interview")
        STATE_MEDIA = "state-media", pgettext_lazy("article kind", "State media")

    class AtSource(models.TextChoices):
        """What the last re-checks of the original URL found (archive/watch)."""

        LIVE = "live", pgettext_lazy("at source", "Live")
        CHANGED = "changed", pgettext_lazy("at source", "Changed")
        GONE = "gone", pgettext_lazy("at source", "Gone")
        UNCHECKED = "unchecked", pgettext_lazy("at source", "Unchecked")

    class Language(models.TextChoices):
        ENGLISH = "en", pgettext_lazy("language", "English")
        KOREAN = "ko", pgettext_lazy("language", "Korean")
        JAPANESE = "ja", pgettext_lazy("language", "Japanese")
        CHINESE = "zh", pgettext_lazy("language", "Chinese")
        RUSSIAN = "ru", pgettext_lazy("language", "Russian")
        FRENCH = "fr", pgettext_lazy("language", "French")
        GERMAN = "de", pgettext_lazy("language", "German")
        SPANISH = "es", pgettext_lazy("language", "Spanish")

    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=200, allow_unicode=True, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="articles"
    )
    authors = models.ManyToManyField(Author, blank=True, related_name="articles")
    # Author ids in the order the article credits them: citations and
    # exports list authors as the byline does, not alphabetically.
    author_order = models.JSONField(default=list, blank=True, editable=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    url = models.URLField("original URL", max_length=1000, blank=True)
    url_key = models.CharField(
        max_length=1000, blank=True, editable=False, db_index=True
    )
    published = models.DateField("publication date")
    published_is_inferred = models.BooleanField(
        "date inferred",
        default=False,
        help_text="The source does not print this date; it was worked out from other evidence.",
    )
    language = models.CharField(
        max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWS)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="HTML; sanitized on save.")
    body_text = models.TextField(blank=True, editable=False)
    review_note = models.TextField(
        blank=True,
        help_text="What a curator should check before publishing (set by imports); "
        "clear it once checked.",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    content_hash = models.CharField(
        max_length=64, blank=True, editable=False, db_index=True
    )
    # Counts saves: an edit based on an older version is refused, not applied
    # over a change someone else saved in the meantime.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Kept by the re-checks of the original URL (archive/watch), never by forms.
    at_source = models.CharField(
        "at the source",
        max_length=10,
        choices=AtSource.choices,
        default=AtSource.UNCHECKED,
        editable=False,
        db_index=True,
    )
    at_source_since = models.DateTimeField(null=True, blank=True, editable=False)
    checked = models.DateTimeField(
        "last checked at the source", null=True, blank=True, editable=False
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "-id"]
        # Every order a listing offers, each ending in the id, so a page is a
        # seek in an index (archive/paging.py), never a sort of the table.
        indexes = [
            models.Index(
                fields=["status", "published", "id"], name="article_status_published"
            ),
            models.Index(fields=["status", "title", "id"], name="article_status_title"),
            models.Index(
                fields=["status", "created", "id"], name="article_status_created"
            ),
            models.Index(
                fields=["source", "status", "published", "id"],
                name="article_source_published",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["url_key"], condition=~Q(url_key=""), name="unique_article_url"
            ),
            # Articles with different URLs are different publications even
            # when their texts match; the text identifies only articles without one.
            models.UniqueConstraint(
                fields=["content_hash"],
                condition=~Q(content_hash="") & Q(url_key=""),
                name="unique_article_body_without_url",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version = (self.version or 0) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            elif not kwargs.get("force_insert"):
                # The re-checks write the state at the source on their own; a
                # form saving an instance loaded before a check must not undo it.
                kwargs["update_fields"] = [
                    f.attname
                    for f in self._meta.concrete_fields
                    if not f.primary_key and f.name not in WATCHED_FIELDS
                ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return page_url("archive:article-detail", self.pk, self.slug or "article")

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def date_is_placeholder(self) -> bool:
        """True while the import day stands in for a date nobody has found yet."""
        return IMPORT_DAY_NOTE in self.review_note

    @property
    def source_is_placeholder(self) -> bool:
        """True while the importer's stand-in source is filed for this article."""
        return self.source.name == UNKNOWN_SOURCE

    @property
    def byline(self) -> list[Author]:
        """The authors in the order the article credits them (uses prefetched authors).

        Authors without a recorded place (older entries) follow, by name.
        """
        return in_byline_order(self.authors.all(), self.author_order)

    def clean(self) -> None:
        """Derive the stored forms (sanitized body, plain text, keys), then check duplicates."""
        self.derive_stored_forms()
        self.check_duplicates()

    def derive_stored_forms(self) -> None:
        """Sanitize the body and derive its text, fingerprint, URL key and slug."""
        try:
            check_body_size(self.body)
        except ValidationError as error:
            raise ValidationError({"body": error}) from None
        # Titles and summaries are plain text kept as typed ("Why <Juche>
        # matters"): every output escapes them, so nothing is stripped.
        self.title = typed_text(self.title)
        self.summary = typed_text(self.summary, keep_lines=True)
        self.review_note = plain_text(self.review_note, keep_lines=True)
        self.body = sanitize_html(self.body)
        self.body_text = html_to_text(self.body)
        self.content_hash = content_hash(self.body_text)
        self.url = self.url.strip()
        self.url_key = normalize_url(self.url)
        if not self.title:
            raise ValidationError({"title": "Give a title."})
        if not self.slug:
            self.slug = (
                slugify(self.title, allow_unicode=True)[:200].strip("-") or "article"
            )

    def check_duplicates(self) -> None:
        """Refuse a URL, or a text without a URL, that another article already has."""
        errors = {}
        if self.url_key:
            clash = (
                Article.objects.filter(url_key=self.url_key).exclude(pk=self.pk).first()
            )
            if clash:
                errors["url"] = ValidationError(
                    "Another article already has this URL: “%(title)s” (#%(id)s).",
                    code="duplicate_url",
                    params={"title": clash.title, "id": clash.pk},
                )
        if self.content_hash and not self.url_key:
            clash = (
                Article.objects.filter(content_hash=self.content_hash)
                .exclude(pk=self.pk)
                .first()
            )
            if clash:
                errors["body"] = ValidationError(
                    "Another article already has the same text: “%(title)s” (#%(id)s).",
                    code="duplicate_body",
                    params={"title": clash.title, "id": clash.pk},
                )
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        # clean() reports these two with a message that names the other article.
        exclude = set(exclude or ()) | {"url_key", "content_hash"}
        super().validate_constraints(exclude=exclude)


class Tally(models.Model):
    """Published articles counted by facet value, kept current by every write.

    ``key`` names what is counted: ``""`` every published article or
    ``source:12`` (a facet value; registries by id, so a rename changes no
    count); with ``pair`` (``tag:5``), the articles having both. ``year`` is 0 for
    the count over all years, the year for a single value's coverage, and
    ``PAIR_YEAR`` for pairs. Writers only insert rows (a change adds +1 or -1),
    so concurrent saves never wait on each other; readers sum, and the worker
    folds the rows of a key into one from time to time (``archive.tally``).
    """

    PAIR_YEAR = -1

    key = models.CharField(max_length=100)
    year = models.IntegerField()
    # For a pair, the other value (``tag:5``): an entry's pairs are then one
    # index range (year, key), whatever the prefix matching of the database.
    pair = models.CharField(max_length=100, blank=True, default="")
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["year", "key"], name="tally_year_key")]

    def __str__(self) -> str:
        return f"{self.key or '*'} {self.pair} {self.year}: {self.n:+d}"


class ArticleTally(models.Model):
    """What one published article adds to ``Tally``, as last counted.

    Not a foreign key: the row must outlive a deleted article, whose counts it
    takes back.
    """

    article_id = models.BigIntegerField(primary_key=True)
    # [year, {facet: [values]}]: what its counts are derived from.
    keys = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"article {self.article_id}"


class ImportJob(models.Model):
    """An admin import run by the background worker, with its progress and report."""

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("import", "Waiting for the worker")
        RUNNING = "running", pgettext_lazy("import", "Importing")
        DONE = "done", pgettext_lazy("import", "Finished")
        FAILED = "failed", pgettext_lazy("import", "Stopped by an error")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    # The form's choices (defaults, update, dry run), as archive/import_jobs.py stores them.
    options = models.JSONField(default=dict)
    file_names = models.JSONField(default=list)
    # Files done of all, records done of the current file's.
    progress = models.JSONField(default=dict)
    # One entry per record (or unreadable file): the import's report.
    outcomes = models.JSONField(default=list)
    dry_run = models.BooleanField(default=False)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"import #{self.pk} ({self.state})"


class ImportFile(models.Model):
    """A file waiting for its import job; deleted once the job has read it."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=500)
    data = models.BinaryField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name
