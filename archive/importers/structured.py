"""JSON, JSON Lines and CSV: the archive's own exports, and files shaped like them.

Accepted JSON: an array of article objects, one object, or a whole search page
(an object whose ``results`` list holds the articles). Each record is located
by its number and the line it starts on, so a report can point at it.
"""

import csv
import json
from collections.abc import Iterator
from typing import Any

from archive.importers.detect import Decoded, csv_header, max_file_bytes
from archive.importers.records import BrokenRecord, FileProblem, RawRecord

Parsed = list[RawRecord | BrokenRecord]
# Only the archive's export has these keys; its records are all published.
_EXPORT_KEYS = frozenset({"original_url", "snippet", "source_slug"})
# The CSV export puts a quote before cells a spreadsheet would run as formulas.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _unguarded(cell: str) -> str:
    return (
        cell[1:]
        if cell.startswith("'") and cell[1:].startswith(_FORMULA_STARTS)
        else cell
    )


def _record(location: str, item: Any) -> RawRecord | BrokenRecord:
    if not isinstance(item, dict):
        return BrokenRecord(
            location, f"expected an article object, found {type(item).__name__}"
        )
    return RawRecord(
        location=location,
        data=item,
        public_export=bool(_EXPORT_KEYS & item.keys()),
    )


def _element_offsets(text: str) -> list[int]:
    """Offsets at which the elements of the top-level JSON array in ``text`` start."""
    decoder, offsets = json.JSONDecoder(), []
    position = text.index("[") + 1
    while True:
        while text[position].isspace():
            position += 1
        if text[position] == "]":
            return offsets
        offsets.append(position)
        _, position = decoder.raw_decode(text, position)
        while text[position].isspace():
            position += 1
        if text[position] == ",":
            position += 1


def parse_json(decoded: Decoded) -> Parsed:
    """Read a JSON array, object or search page of articles."""
    text = decoded.text.lstrip("\ufeff")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileProblem(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise FileProblem("the JSON nests too deeply to be read") from None
    if isinstance(value, dict) and isinstance(value.get("results"), list):
        return [
            _record(f"result {n}", item) for n, item in enumerate(value["results"], 1)
        ]
    if isinstance(value, dict):
        return [_record("record 1", value)]
    if not isinstance(value, list):
        raise FileProblem(
            "the JSON holds neither an article, a list of articles nor search results"
        )
    records: Parsed = []
    line, counted_to = 1, 0
    for n, (item, offset) in enumerate(
        zip(value, _element_offsets(text), strict=True), 1
    ):
        line += text.count("\n", counted_to, offset)
        counted_to = offset
        records.append(_record(f"record {n} (line {line})", item))
    return records


def parse_json_lines(decoded: Decoded) -> Iterator[RawRecord | BrokenRecord]:
    """Read JSON Lines: one article object per line; a broken line breaks only itself.

    The text is read a line at a time, so a file of any size takes the
    memory of one record.
    """
    lines = decoded.text_stream(newline="\n")
    for number, line in enumerate(lines, 1):
        if number == 1:
            line = line.lstrip("\ufeff")
        if not line.strip():
            continue
        location = f"line {number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield BrokenRecord(
                location, f"invalid JSON at column {exc.colno}: {exc.msg}"
            )
            continue
        except RecursionError:
            yield BrokenRecord(location, "the JSON nests too deeply to be read")
            continue
        yield _record(location, item)


def parse_csv(decoded: Decoded) -> Iterator[RawRecord | BrokenRecord]:
    """Read CSV with a header row (any column order or case; lists joined with ``;``).

    The header is checked at once; the rows are read one at a time.
    """
    text = decoded.text_stream(newline="")
    header = csv_header(text.readline().lstrip("\ufeff").rstrip("\r\n"))
    if not header or "title" not in header[1]:
        found = ", ".join(header[1]) if header else "none"
        raise FileProblem(f"the CSV header has no “title” column (columns: {found})")
    text.seek(0)
    return _csv_rows(text, *header)


def _csv_rows(text, delimiter: str, columns: list[str]):
    public_export = bool(_EXPORT_KEYS & set(columns))
    # Bodies can be long: allow a field as large as the file limit.
    csv.field_size_limit(max(csv.field_size_limit(), max_file_bytes()))
    reader = csv.reader(text, delimiter=delimiter)
    next(reader)
    start = reader.line_num + 1
    try:
        for row in reader:
            location, start = f"line {start}", reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(columns):
                yield BrokenRecord(
                    location, f"{len(row)} fields where the header names {len(columns)}"
                )
                continue
            data = {
                column: _unguarded(cell)
                for column, cell in zip(columns, row, strict=False)
                if column
            }
            yield RawRecord(location=location, data=data, public_export=public_export)
    except csv.Error as exc:
        raise FileProblem(f"unreadable CSV at line {reader.line_num}: {exc}") from None
