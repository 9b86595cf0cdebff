"""What the index stores about a document: its text fields and packed facet values."""

import hashlib
from array import array
from dataclasses import dataclass

from search.engine import schema
from search.engine.analyzers import PART_SEPARATOR

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


@dataclass(frozen=True)
class Document:
    """One document as the Django side hands it to the engine."""

    id: int
    title: str
    summary: str
    body: str
    source_name: str
    author_names: tuple[str, ...]
    tag_names: tuple[str, ...]
    source: int
    day: int  # date.toordinal() of the publication date
    language: str
    kind: str
    authors: tuple[int, ...]  # in the order of ``author_names``
    tags: tuple[int, ...]  # in the order of ``tag_names``


def to_fields(document: Document) -> dict:
    """Return the Whoosh fields of ``document``, its packed facet values included."""
    author_names = PART_SEPARATOR.join(document.author_names)
    tag_names = PART_SEPARATOR.join(document.tag_names)
    content = PART_SEPARATOR.join(
        part
        for part in (
            document.title,
            document.summary,
            document.body,
            document.source_name,
            author_names,
        )
        if part
    )
    fields = {
        schema.ID: str(document.id),
        schema.CONTENT: content,
        schema.TITLE: document.title,
        schema.SOURCE_NAME: document.source_name,
        schema.AUTHOR_NAMES: author_names,
        schema.TAG_NAMES: tag_names,
    }
    meta = DocMeta(
        pk=document.id,
        stamp=0,
        source=document.source,
        day=document.day,
        length=len(content.split()),
        language=document.language,
        kind=document.kind,
        authors=document.authors,
        tags=document.tags,
    )
    fields[schema.META] = pack_meta(meta, stamp=fields_stamp(fields, meta))
    return fields


def document_stamp(document: Document) -> int:
    """Return the fingerprint the index keeps of ``document`` (drift checks)."""
    return unpack_meta(to_fields(document)[schema.META]).stamp


def fields_stamp(document: dict, meta: DocMeta) -> int:
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
