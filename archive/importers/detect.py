"""What an input is: whether it may be read, how its text is encoded, which format it holds.

The format comes from the content, so a feed saved as ``.txt`` or a page saved
without an extension is still read as what it is; the file name only breaks ties.
"""

import codecs
import csv
import enum
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from archive.importers.records import FileProblem

HEADER_ALIASES = {
    "headline": "title", "link": "url", "original url": "original_url",
    "source url": "original_url", "date": "published", "published date": "published",
    "publication date": "published", "author": "authors", "tag": "tags",
    "keywords": "tags", "description": "summary", "content": "body", "text": "body",
    "type": "kind", "lang": "language", "source slug": "source_slug",
}  # fmt: skip

_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word, Excel or EPUB file)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3", "an SQLite database"),
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_DECLARED = re.compile(
    rb"""<\?xml[^>]*encoding=["']([\w.:-]+)|<meta[^>]*charset=["']?([\w.:-]+)""", re.I
)
_MARKUP_PREAMBLE = re.compile(
    r"^(?:\s+|<\?xml[^>]*>|<!--.*?-->|<!doctype[^>\[]*(?:\[.*?\])?\s*>)+", re.I | re.S
)
_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:rdf)\b", re.I)
_HTML_SIGNS = re.compile(
    r"<!doctype html|<html\b|<head\b|<body\b|<meta\b|<title\b|<article\b|<div\b|<p\b",
    re.I,
)


class Format(enum.StrEnum):
    JSON = "JSON"
    JSON_LINES = "JSON Lines"
    CSV = "CSV"
    FEED = "RSS/Atom feed"
    HTML = "web page"
    TEXT = "plain text"


@dataclass(frozen=True)
class ImportInput:
    """A file (or pasted text) to import: its name, its size and how to read it.

    ``open``, when given, opens the file for reading a piece at a time, so
    JSON Lines and CSV of any size are read record by record. ``limited``
    inputs (uploads) are refused over ``IMPORT_MAX_FILE_BYTES``; a file a
    curator names on the command line is not.
    """

    name: str
    size: int
    read: Callable[[], bytes]
    open: Callable[[], BinaryIO] | None = None
    limited: bool = True

    @classmethod
    def from_path(cls, path: Path | str, *, limited: bool = True) -> "ImportInput":
        path = Path(path)
        try:
            size = path.stat().st_size
        except OSError:
            size = 0  # reading it reports why it cannot be read
        return cls(
            name=str(path),
            size=size,
            read=path.read_bytes,
            open=lambda: path.open("rb"),
            limited=limited,
        )

    @classmethod
    def from_upload(cls, upload: UploadedFile) -> "ImportInput":
        def read() -> bytes:
            upload.seek(0)
            return upload.read()

        return cls(name=upload.name or "upload", size=upload.size or 0, read=read)

    @classmethod
    def from_text(cls, text: str, name: str = "pasted text") -> "ImportInput":
        data = text.encode()
        return cls(name=name, size=len(data), read=lambda: data)


@dataclass(frozen=True)
class Decoded:
    """An input's bytes, its text and the format found in it.

    A large JSON Lines or CSV file is not held in memory: ``text`` is then
    only its beginning and ``stream`` reads the whole text a piece at a time.
    """

    name: str
    data: bytes
    text: str
    format: Format
    stream: "TextStream | None" = None

    def text_stream(self, newline: str) -> TextIO:
        """The whole text to read line by line (``newline`` as for ``open()``)."""
        if self.stream is None:
            return io.StringIO(self.text, newline=newline)
        return self.stream.open(newline)

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()


class TextStream:
    """A file's text read from its start a piece at a time, and how far it got."""

    def __init__(self, handle: BinaryIO, encoding: str, size: int):
        self.handle = handle
        self.encoding = encoding
        self.size = size
        self.wrapper: TextIO | None = None

    def open(self, newline: str) -> TextIO:
        self.handle.seek(0)
        self.wrapper = io.TextIOWrapper(
            self.handle, encoding=self.encoding, newline=newline
        )
        return self.wrapper

    @property
    def bytes_read(self) -> int:
        return self.handle.tell()

    def close(self) -> None:
        if self.wrapper is not None:
            self.wrapper.detach()
        self.handle.close()


def max_file_bytes() -> int:
    """The largest file an import accepts (setting IMPORT_MAX_FILE_BYTES)."""
    return int(settings.IMPORT_MAX_FILE_BYTES)


def _check_size(size: int) -> None:
    limit = max_file_bytes()
    if size > limit:
        shown, allowed = filesizeformat(size), filesizeformat(limit)
        if shown == allowed:
            shown, allowed = f"{size} bytes", f"{limit} bytes"
        raise FileProblem(
            f"the file is {shown}, over the import limit of {allowed} "
            "(setting IMPORT_MAX_FILE_BYTES); split it, or import it with "
            "manage.py import_articles, which takes files of any size"
        )


def _refuse_binary(data: bytes) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise FileProblem(
                f"this is {what}, not text; import text, HTML, JSON, CSV or feed files"
            )
    head = data[:8192]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return
    if b"\x00" in head or len(_CONTROL.findall(head)) > len(head) * 0.05:
        raise FileProblem(
            "this is a binary file, not text; import text, HTML, JSON, CSV or feed files"
        )


def decode(data: bytes) -> str:
    """Return the text of ``data``: UTF-8 (or a BOM's or the markup's declared encoding)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise FileProblem(
                    f"the text is not valid {codec.upper()} ({exc.reason})"
                ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problem = exc
    declared = _DECLARED.search(data[:4096])
    name = (declared.group(1) or declared.group(2)).decode("ascii") if declared else ""
    if name and name.lower().replace("_", "-") not in ("utf-8", "utf8"):
        try:
            return data.decode(name)
        except LookupError:
            raise FileProblem(
                f"the file declares an unknown encoding “{name}”"
            ) from None
        except UnicodeDecodeError:
            raise FileProblem(f"the text is not valid {name} as it declares") from None
    raise FileProblem(
        f"the text is not valid UTF-8 (byte 0x{problem.object[problem.start]:02x} at "
        f"offset {problem.start}) and declares no other encoding; save it as UTF-8"
    )


def csv_header(line: str) -> tuple[str, list[str]] | None:
    """Return the delimiter and normalized column names if ``line`` is a CSV header."""
    best: tuple[str, list[str]] | None = None
    for delimiter in (",", ";", "\t"):
        columns = next(csv.reader([line], delimiter=delimiter), [])
        if best is None or len(columns) > len(best[1]):
            best = (delimiter, columns)
    if not best or len(best[1]) < 2:
        return None
    names = [
        " ".join(c.strip().lstrip("\ufeff").lower().replace("_", " ").split())
        for c in best[1]
    ]
    return best[0], [HEADER_ALIASES.get(n, n.replace(" ", "_")) for n in names]


def _is_json_lines(text: str, name: str) -> bool:
    if name.lower().endswith((".jsonl", ".ndjson")):
        return True
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return False
    try:
        return isinstance(json.loads(lines[0]), dict)
    except (ValueError, RecursionError):
        return False


def sniff(text: str, name: str) -> Format:
    """Return the format ``text`` holds, judged by its content first, then ``name``."""
    head = text.lstrip("\ufeff \t\r\n")[:4096]
    if head.startswith(("{", "[")) or name.lower().endswith(
        (".json", ".jsonl", ".ndjson")
    ):
        return Format.JSON_LINES if _is_json_lines(text, name) else Format.JSON
    if head.startswith("<"):
        preamble = _MARKUP_PREAMBLE.match(head)
        if _FEED_ROOT.match(head, preamble.end() if preamble else 0):
            return Format.FEED
        if _HTML_SIGNS.search(head):
            return Format.HTML
    elif re.search(r"<html\b|<body\b", head, re.I):
        return Format.HTML
    first_line = head.split("\n", 1)[0]
    header = csv_header(first_line)
    if header and ("title" in header[1] or name.lower().endswith((".csv", ".tsv"))):
        return Format.CSV
    return Format.TEXT


# How much of a file is read to find its format before it is streamed.
HEAD_BYTES = 1024 * 1024
STREAMED = (Format.JSON_LINES, Format.CSV)


def _encoding(head: bytes) -> str:
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    return "utf-8"


def _open_stream(item: ImportInput) -> Decoded | None:
    """``item`` as a stream if it is JSON Lines or CSV larger than its head, else None."""
    try:
        handle = item.open()
    except OSError as exc:
        raise FileProblem(f"the file cannot be read ({exc.strerror or exc})") from None
    try:
        head = handle.read(HEAD_BYTES)
        if len(head) < HEAD_BYTES:
            handle.close()
            return None  # small enough to read whole
        _refuse_binary(head)
        encoding = _encoding(head)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            text = decoder.decode(head, final=False)
        except UnicodeDecodeError:
            handle.close()
            return None  # read whole, which says what is wrong with the encoding
        text = text[: text.rfind("\n") + 1] or text
        found = sniff(text, item.name)
        if found not in STREAMED:
            handle.close()
            return None
    except BaseException:
        handle.close()
        raise
    return Decoded(
        name=item.name,
        data=b"",
        text=text,
        format=found,
        stream=TextStream(handle, encoding, item.size),
    )


def open_input(item: ImportInput) -> Decoded:
    """Read and decode ``item`` and find its format; raise FileProblem if it cannot be imported.

    An unlimited file with a way to open it is streamed when it holds JSON
    Lines or CSV and is larger than ``HEAD_BYTES``; anything else is read whole.
    """
    if item.limited:
        _check_size(item.size)
    elif item.open is not None and (streamed := _open_stream(item)):
        return streamed
    try:
        data = item.read()
    except OSError as exc:
        raise FileProblem(f"the file cannot be read ({exc.strerror or exc})") from None
    if item.limited:
        _check_size(len(data))
    if not data.strip():
        raise FileProblem("the file is empty")
    _refuse_binary(data)
    text = decode(data)
    return Decoded(name=item.name, data=data, text=text, format=sniff(text, item.name))
