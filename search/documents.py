"""The one mapping from an article to the document the search engine indexes."""

from archive.listing.facets import facets
from archive.models import Article
from search.engine.documents import Document


def article_to_document(article: Article) -> Document:
    """Return the index document of a published article (source, authors, tags loaded)."""
    authors = sorted(article.authors.all(), key=lambda a: a.pk)
    tags = sorted(article.tags.all(), key=lambda t: t.pk)
    return Document(
        id=article.pk,
        title=article.title,
        summary=article.summary,
        body=article.body_text,
        source_name=article.source.name,
        author_names=tuple(a.name for a in authors),
        tag_names=tuple(t.name for t in tags),
        day=article.published.toordinal(),
        facets={spec.name: spec.values.of_article(article) for spec in facets()},
    )
