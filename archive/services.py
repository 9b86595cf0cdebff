"""Every write to the archive that has side effects.

Each function is atomic and runs ``full_clean()`` before saving, so the admin,
the importers and the tests all store the same sanitized, validated data and
every change reaches the search index log in the same transaction.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, QuerySet

from archive.models import Article, Author, Source, Tag, bump_versions
from archive.sanitize import plain_text
from archive.signals import articles_changed

ARTICLE_FIELDS = frozenset(
    {"title", "slug", "source", "url", "published", "published_is_inferred", "language",
     "kind", "summary", "body", "status", "review_note"}
)  # fmt: skip


def check_article_fields(fields: dict) -> None:
    unknown = set(fields) - ARTICLE_FIELDS
    if unknown:
        raise TypeError(f"Unknown article fields: {', '.join(sorted(unknown))}")
    if isinstance(fields.get("url"), str):
        # The URL field validates before Article.clean() runs, so surrounding
        # spaces (common in pasted and imported URLs) must go first.
        fields["url"] = fields["url"].strip()


def _notify(article_ids: Iterable[int]) -> None:
    ids = sorted(set(article_ids))
    if ids:
        articles_changed.send(sender=Article, article_ids=ids)


@transaction.atomic
def article_create(
    *, authors: Iterable[Author] = (), tags: Iterable[Tag] = (), **fields
) -> Article:
    """Validate and save a new article with its authors and tags; return it."""
    check_article_fields(fields)
    authors = list(authors)
    article = Article(**fields, author_order=_byline_ids(authors))
    article.full_clean()
    article.save()
    article.authors.set(authors)
    article.tags.set(list(tags))
    return article


def _byline_ids(authors: list[Author]) -> list[int]:
    return list(dict.fromkeys(author.pk for author in authors))


@transaction.atomic
def article_update(
    *,
    article: Article,
    authors: Iterable[Author] | None = None,
    tags: Iterable[Tag] | None = None,
    **fields,
) -> Article:
    """Change the given fields (and authors/tags when given), validate and save."""
    check_article_fields(fields)
    retitled = "title" in fields and fields["title"] != article.title
    for name, value in fields.items():
        setattr(article, name, value)
    if retitled and "slug" not in fields:
        article.slug = ""  # re-derived from the new title
    if authors is not None:
        authors = list(authors)
        article.author_order = _byline_ids(authors)
    article.full_clean()
    article.save()
    if authors is not None:
        article.authors.set(authors)
    if tags is not None:
        article.tags.set(list(tags))
    return article


@transaction.atomic
def article_save(*, article: Article) -> Article:
    """Validate and save an article whose fields were set by a form (the admin)."""
    article.full_clean()
    article.save()
    return article


def article_publish(*, article: Article) -> Article:
    """Make the article public (and searchable)."""
    return article_update(article=article, status=Article.Status.PUBLISHED)


def article_unpublish(*, article: Article) -> Article:
    """Hold the article back as a draft (removed from public pages and search)."""
    return article_update(article=article, status=Article.Status.DRAFT)


@transaction.atomic
def article_delete(*, article: Article) -> None:
    """Delete the article."""
    article.delete()


@transaction.atomic
def articles_set_status(*, articles: QuerySet, status: str) -> int:
    """Publish or unpublish many articles at once; return how many changed."""
    if status not in Article.Status.values:
        raise ValueError(f"Unknown status {status!r}")
    changing = articles.exclude(status=status)
    ids = list(changing.values_list("pk", flat=True))
    Article.objects.filter(pk__in=ids).update(status=status)
    bump_versions(Article.objects.filter(pk__in=ids))
    _notify(ids)
    return len(ids)


@transaction.atomic
def articles_add_tag(*, articles: QuerySet, tag: Tag) -> int:
    """Tag many articles at once; return how many gained the tag."""
    ids = list(articles.exclude(tags=tag).values_list("pk", flat=True))
    Article.tags.through.objects.bulk_create(
        [Article.tags.through(article_id=pk, tag_id=tag.pk) for pk in ids]
    )
    bump_versions(Article.objects.filter(pk__in=ids))
    _notify(ids)
    return len(ids)


@transaction.atomic
def articles_remove_tag(*, articles: QuerySet, tag: Tag) -> int:
    """Untag many articles at once; return how many lost the tag."""
    ids = list(articles.filter(tags=tag).values_list("pk", flat=True))
    Article.tags.through.objects.filter(article_id__in=ids, tag_id=tag.pk).delete()
    bump_versions(Article.objects.filter(pk__in=ids))
    _notify(ids)
    return len(ids)


@transaction.atomic
def source_get_or_create(*, name: str, **defaults) -> Source:
    """Return the source with this name (markup removed), creating it if needed."""
    existing = Source.objects.filter(name__iexact=plain_text(name)).first()
    if existing:
        return existing
    source = Source(name=name, **defaults)
    source.full_clean()
    source.save()
    return source


@transaction.atomic
def author_get_or_create(*, name: str) -> Author:
    """Return the author with this name (markup removed), creating it if needed."""
    existing = Author.objects.filter(name__iexact=plain_text(name)).first()
    if existing:
        return existing
    author = Author(name=name)
    author.full_clean()
    author.save()
    return author


@transaction.atomic
def tag_get_or_create(*, name: str) -> Tag:
    """Return the tag with this name or slug, creating it if needed."""
    name = plain_text(name)
    existing = (
        Tag.objects.filter(name__iexact=name).first()
        or Tag.objects.filter(slug=name).first()
    )
    if existing:
        return existing
    tag = Tag(name=name)
    tag.full_clean()
    tag.save()
    return tag


@transaction.atomic
def registry_save(*, entry: Source | Author | Tag) -> Source | Author | Tag:
    """Validate and save a source, author or tag (a rename re-indexes its articles)."""
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def registry_delete(*, entry: Source | Author | Tag) -> None:
    """Delete a source, author or tag; its articles lose it (a source in use is protected)."""
    ids = list(entry.articles.values_list("pk", flat=True))
    entry.delete()
    _notify(ids)


@transaction.atomic
def source_merge(*, source: Source, into: Source) -> Source:
    """Move every article of ``source`` to ``into`` and delete ``source``."""
    if source.pk == into.pk:
        raise ValueError("A source cannot be merged into itself.")
    ids = list(source.articles.values_list("pk", flat=True))
    Article.objects.filter(pk__in=ids).update(source=into, version=F("version") + 1)
    source.delete()
    _notify(ids)
    return into


def _merge_m2m(*, entry: Author | Tag, into: Author | Tag, relation: str) -> list[int]:
    through = getattr(Article, relation).through
    column = f"{type(entry).__name__.lower()}_id"
    ids = list(
        through.objects.filter(**{column: entry.pk}).values_list(
            "article_id", flat=True
        )
    )
    already = set(
        through.objects.filter(**{column: into.pk}, article_id__in=ids).values_list(
            "article_id", flat=True
        )
    )
    through.objects.bulk_create(
        [through(article_id=pk, **{column: into.pk}) for pk in ids if pk not in already]
    )
    entry.delete()
    return ids


@transaction.atomic
def author_merge(*, author: Author, into: Author) -> Author:
    """Credit every article of ``author`` to ``into`` and delete ``author``."""
    if author.pk == into.pk:
        raise ValueError("An author cannot be merged into itself.")
    merged = author.pk  # deleting the author clears its pk
    article_ids = _merge_m2m(entry=author, into=into, relation="authors")
    # ``into`` takes the merged author's place in each byline.
    articles = list(Article.objects.filter(pk__in=article_ids).only("author_order"))
    for article in articles:
        article.author_order = list(
            dict.fromkeys(
                into.pk if pk == merged else pk for pk in article.author_order
            )
        )
    Article.objects.bulk_update(articles, ["author_order"])
    bump_versions(Article.objects.filter(pk__in=article_ids))
    _notify(article_ids)
    return into


@transaction.atomic
def tag_merge(*, tag: Tag, into: Tag) -> Tag:
    """Give every article tagged ``tag`` the tag ``into`` and delete ``tag``."""
    if tag.pk == into.pk:
        raise ValueError("A tag cannot be merged into itself.")
    _notify(_merge_m2m(entry=tag, into=into, relation="tags"))
    return into
