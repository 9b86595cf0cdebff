"""The one mapping from an article to the document the search engine indexes."""

from collections.abc import Iterator
from types import SimpleNamespace
from typing import NamedTuple

from django.db.models import QuerySet

from archive.listing.facets import facets
from archive.models import Article
from search.engine.documents import Document

# The related rows every document names (its authors and tags).
_NAMED = ("authors", "tags")
# Articles whose related rows one query reads.
_RELATED_CHUNK = 1000


def article_to_document(
    article: Article, *, authors: list | None = None, tags: list | None = None
) -> Document:
    """Return the index document of a published article.

    Its source, authors and tags are loaded, or the authors and tags are
    given (an import's new article, as just saved).
    """
    related = None
    if authors is not None and tags is not None:
        related = {"authors": authors, "tags": tags}
    else:
        authors, tags = article.authors.all(), article.tags.all()
    return _document(article, authors, tags, related)


def _document(article, authors, tags, related: dict | None) -> Document:
    authors = sorted(set(authors), key=lambda a: a.pk)
    tags = sorted(set(tags), key=lambda t: t.pk)
    return Document(
        id=article.pk,
        title=article.title,
        summary=article.summary,
        body=article.body_text,
        source_name=article.source.name,
        author_names=tuple(a.name for a in authors),
        tag_names=tuple(t.name for t in tags),
        day=article.published.toordinal(),
        facets={
            spec.name: spec.values.of_article(article, related) for spec in facets()
        },
    )


class _Related(NamedTuple):
    """An author, tag or other related entry, as a document needs it."""

    pk: int
    name: str


def documents_in_chunks(articles: QuerySet, size: int) -> Iterator[list[Document]]:
    """Yield the documents of ``articles`` (published ones) in id order, ``size`` at a time.

    The documents ``article_to_document`` makes, read as plain rows: one
    query for the articles' columns and one per related table, where model
    instances and their prefetches cost three times as much (a rebuild
    spends that in the one process that feeds every indexing worker). The
    articles are walked as ``ArticleQuerySet.in_chunks`` walks them.
    """
    specs = facets()
    columns = list(
        dict.fromkeys(
            [
                "pk",
                "title",
                "summary",
                "body_text",
                "published",
                "source__name",
                *(spec.values.column for spec in specs if not spec.values.multi),
            ]
        )
    )
    names = list(
        dict.fromkeys(
            [*_NAMED, *(spec.values.field for spec in specs if spec.values.multi)]
        )
    )
    for rows in articles.rows_in_chunks(size, *columns[1:]):
        ids = [row[0] for row in rows]
        related = {name: _related_rows(name, ids) for name in names}
        documents = []
        for row in rows:
            article = _article_of_row(columns, row)
            found = {name: related[name].get(article.pk, ()) for name in names}
            documents.append(_document(article, found["authors"], found["tags"], found))
        yield documents


def _article_of_row(columns: list[str], row: tuple) -> SimpleNamespace:
    """An object with the attributes of an article that ``_document`` reads."""
    article = SimpleNamespace()
    for column, value in zip(columns, row, strict=True):
        *path, attribute = column.split("__")
        target = article
        for part in path:
            child = getattr(target, part, None)
            if child is None:
                child = SimpleNamespace()
                setattr(target, part, child)
            target = child
        setattr(target, attribute, value)
    return article


def _related_rows(name: str, ids: list[int]) -> dict[int, list[_Related]]:
    """``{article id: [its entries]}`` of the many-to-many field ``name`` for ``ids``."""
    field = Article._meta.get_field(name)
    through = field.remote_field.through
    article, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    found: dict[int, list[_Related]] = {}
    for start in range(0, len(ids), _RELATED_CHUNK):
        rows = through.objects.filter(
            **{f"{article}__in": ids[start : start + _RELATED_CHUNK]}
        ).values_list(article, target, f"{target}__name")
        for article_id, pk, entry_name in rows:
            found.setdefault(article_id, []).append(_Related(pk, entry_name))
    return found
