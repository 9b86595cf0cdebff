"""The one mapping from an article to the document the search engine indexes."""

from archive.listing.facets import facets
from archive.models import Article
from search.engine.documents import Document


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
