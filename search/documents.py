"""The one mapping from an article to what the index stores about it."""

import hashlib
from array import array
from dataclasses import dataclass

from archive.models import Article
from search import schema
from search.analyzers import PART_SEPARATOR

_INTS = "q"
_INT_SIZE = array(_INTS).itemsize
_HEAD = 7  # pk, stamp, source, day, length, number of authors, of tags


@dataclass(frozen=True, slots=True)
class DocMeta:
    """What the index keeps per document for facets, sorting and drift checks."""

    pk: int
    stamp: int
    source: int
    day: int  # date.toordinal() of the publication date
    length: int  # words in the searchable text (for ranking)
    language: str
    kind: str
    authors: tuple[int, ...]
    tags: tuple[int, ...]


def article_to_document(article: Article) -> dict:
    """Return the index document of a published article (source, authors, tags loaded)."""
    authors = sorted(article.authors.all(), key=lambda a: a.pk)
    tags = sorted(article.tags.all(), key=lambda t: t.pk)
    author_names = PART_SEPARATOR.join(a.name for a in authors)
    tag_names = PART_SEPARATOR.join(t.name for t in tags)
    content = PART_SEPARATOR.join(
        part
        for part in (
            article.title,
            article.summary,
            article.body_text,
            article.source.name,
            author_names,
        )
        if part
    )
    document = {
        schema.ID: str(article.pk),
        schema.CONTENT: content,
        schema.TITLE: article.title,
        schema.SOURCE_NAME: article.source.name,
        schema.AUTHOR_NAMES: author_names,
        schema.TAG_NAMES: tag_names,
    }
    meta = DocMeta(
        pk=article.pk,
        stamp=0,
        source=article.source_id,
        day=article.published.toordinal(),
        length=len(content.split()),
        language=article.language,
        kind=article.kind,
        authors=tuple(a.pk for a in authors),
        tags=tuple(t.pk for t in tags),
    )
    document[schema.META] = pack_meta(meta, stamp=document_stamp(document, meta))
    return document


def document_stamp(document: dict, meta: DocMeta) -> int:
    """Return a fingerprint of everything indexed for one article."""
    digest = hashlib.blake2b(digest_size=8)
    for name in schema.TEXT_FIELDS:
        digest.update(document[name].encode())
        digest.update(b"\0")
    digest.update(
        repr(
            (meta.source, meta.day, meta.language, meta.kind, meta.authors, meta.tags)
        ).encode()
    )
    return int.from_bytes(digest.digest(), "little", signed=True)


def pack_meta(meta: DocMeta, *, stamp: int) -> bytes:
    """Return the column bytes for ``meta`` with its fingerprint."""
    ints = array(
        _INTS,
        [
            meta.pk,
            stamp,
            meta.source,
            meta.day,
            meta.length,
            len(meta.authors),
            len(meta.tags),
            *meta.authors,
            *meta.tags,
        ],
    )
    return ints.tobytes() + f"{meta.language}\0{meta.kind}".encode()


def unpack_meta(data: bytes) -> DocMeta | None:
    """Return the ``DocMeta`` stored in ``data`` (None for an empty value)."""
    if not data:
        return None
    head = array(_INTS)
    head.frombytes(data[: _HEAD * _INT_SIZE])
    pk, stamp, source, day, length, n_authors, n_tags = head
    n_ints = _HEAD + n_authors + n_tags
    ids = array(_INTS)
    ids.frombytes(data[_HEAD * _INT_SIZE : n_ints * _INT_SIZE])
    language, _, kind = data[n_ints * _INT_SIZE :].decode().partition("\0")
    return DocMeta(
        pk=pk,
        stamp=stamp,
        source=source,
        day=day,
        length=length,
        language=language,
        kind=kind,
        authors=tuple(ids[:n_authors]),
        tags=tuple(ids[n_authors:]),
    )
