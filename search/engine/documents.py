"""What the index stores about a document: its text fields and packed facet values."""

import hashlib
import struct
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from search.engine import schema
from search.engine.analyzers import PART_SEPARATOR

_INTS = "q"
_INT_SIZE = array(_INTS).itemsize
_HEAD = 5  # how many integers, pk, stamp, day, length
_STRINGS = "\0"  # between the string values of a document
_PARTS = "\x1f"  # between the strings of one multi-valued facet


@dataclass(frozen=True)
class FacetField:
    """How the index stores one facet: integers (ids, years) or strings (codes)."""

    name: str
    stored: str  # "int" or "str"
    multi: bool = False  # several values per document (tags, authors)


@dataclass(frozen=True)
class Layout:
    """The facets every document carries, in the order they are packed."""

    fields: tuple[FacetField, ...]
    # The facet whose counts form the timeline histogram (None: no histogram).
    histogram: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> FacetField:
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(name)

    @property
    def fingerprint(self) -> str:
        """A short name of this layout: an index built for another cannot be read."""
        text = ";".join(f"{f.name}:{f.stored}:{int(f.multi)}" for f in self.fields)
        text += f"|{self.histogram}"
        return hashlib.blake2b(text.encode(), digest_size=4).hexdigest()


@dataclass(frozen=True, slots=True)
class DocMeta:
    """What the index keeps per document for facets, sorting and drift checks."""

    pk: int
    stamp: int
    day: int  # date.toordinal() of the publication date
    length: int  # words in the searchable text (for ranking)
    values: tuple  # one per layout field; a tuple for a multi-valued one


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
    day: int  # date.toordinal() of the publication date
    # Facet name -> value (a tuple for a multi-valued facet), for every
    # field of the index's layout.
    facets: dict


def to_fields(document: Document, layout: Layout) -> dict:
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
        day=document.day,
        length=len(content.split()),
        values=tuple(
            tuple(document.facets[f.name]) if f.multi else document.facets[f.name]
            for f in layout.fields
        ),
    )
    fields[schema.META] = pack_meta(meta, layout, stamp=fields_stamp(fields, meta))
    return fields


def document_stamp(document: Document, layout: Layout) -> int:
    """Return the fingerprint the index keeps of ``document`` (drift checks)."""
    return unpack_meta(to_fields(document, layout)[schema.META], layout).stamp


def fields_stamp(document: dict, meta: DocMeta) -> int:
    """Return a fingerprint of everything indexed for one article."""
    digest = hashlib.blake2b(digest_size=8)
    for name in schema.TEXT_FIELDS:
        digest.update(document[name].encode())
        digest.update(b"\0")
    digest.update(repr((meta.day, meta.values)).encode())
    return int.from_bytes(digest.digest(), "little", signed=True)


def pack_meta(meta: DocMeta, layout: Layout, *, stamp: int) -> bytes:
    """Return the column bytes for ``meta`` with its fingerprint."""
    ints = [0, meta.pk, stamp, meta.day, meta.length]
    strings = []
    for field, value in zip(layout.fields, meta.values, strict=True):
        if field.stored == "int":
            if field.multi:
                ints.append(len(value))
                ints.extend(value)
            else:
                ints.append(value)
        else:
            strings.append(_PARTS.join(value) if field.multi else value)
    ints[0] = len(ints)
    return array(_INTS, ints).tobytes() + _STRINGS.join(strings).encode()


def unpack_meta(data: bytes, layout: Layout) -> DocMeta | None:
    """Return the ``DocMeta`` stored in ``data`` (None for an empty value)."""
    decoded = meta_decoder(layout)(data)
    return None if decoded is None else DocMeta(*decoded)


# (pk, stamp, day, length, values) of one document, as ``DocMeta`` takes them.
Decoded = tuple[int, int, int, int, tuple]


@cache
def meta_decoder(layout: Layout) -> Callable[[bytes], Decoded | None]:
    """Return a function decoding ``pack_meta``'s bytes for ``layout`` (None if empty).

    Opening a segment decodes every document's value, so the decoder is
    written out once per layout as straight-line code (where each value
    sits, which are strings, which carry a count) instead of walking the
    layout's fields for every document.
    """
    lines = [
        "def decode(data):",
        "    if not data:",
        "        return None",
        "    n = count(data)[0]",
        "    ints = integers(n)(data)",
    ]
    if any(f.stored != "int" for f in layout.fields):
        lines.append(f"    strings = data[n * {_INT_SIZE}:].decode().split(STRINGS)")
    at, strings, names = str(_HEAD), 0, []
    for i, field in enumerate(layout.fields):
        name = f"v{i}"
        names.append(name)
        if field.stored == "int" and field.multi:
            lines += [
                f"    k = ints[{at}]",
                f"    {name} = ints[{at} + 1 : {at} + 1 + k]",
                f"    at = {at} + 1 + k",
            ]
            at = "at"
        elif field.stored == "int":
            lines.append(f"    {name} = ints[{at}]")
            at = str(int(at) + 1) if at.isdigit() else f"{at} + 1"
        else:
            lines.append(f"    {name} = strings[{strings}]")
            if field.multi:
                lines.append(
                    f"    {name} = tuple({name}.split(PARTS)) if {name} else ()"
                )
            strings += 1
    values = f"({', '.join(names)},)" if names else "()"
    lines.append(f"    return ints[1], ints[2], ints[3], ints[4], {values}")
    namespace = {
        "count": struct.Struct(f"={_INTS}").unpack_from,
        "integers": _integers,
        "STRINGS": _STRINGS,
        "PARTS": _PARTS,
    }
    exec("\n".join(lines), namespace)  # noqa: S102 - code built above from the layout
    return namespace["decode"]


@cache
def _integers(n: int) -> Callable[[bytes], tuple[int, ...]]:
    """Return a reader of the first ``n`` packed integers (one per count seen)."""
    return struct.Struct(f"={n}{_INTS}").unpack_from
