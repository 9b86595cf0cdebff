# ruff: noqa: RUF001 - texts with typographic quotes are what the importer reads
import codecs

import pytest

from archive.importers.detect import Format, open_input
from archive.importers.records import FileProblem
from tests.archive.importers.conftest import DATA, text_input


@pytest.mark.parametrize(
    ("filename", "saved_as", "expected"),
    [
        ("feed_rss.xml", "feed.txt", Format.FEED),
        ("feed_atom.xml", "download", Format.FEED),
        ("news_page_saved.html", "page.txt", Format.HTML),
        ("export.json", "export.csv", Format.JSON),
        ("mixed.jsonl", "records.json", Format.JSON_LINES),
        ("mixed_semicolon.csv", "sheet.txt", Format.CSV),
        ("seeds/003_e25ffa3b0f67af64.txt", "page.html", Format.TEXT),
    ],
)
def test_the_format_comes_from_the_content_not_the_name(filename, saved_as, expected):
    data = (DATA / filename).read_bytes()
    assert open_input(text_input(data, saved_as)).format is expected


def test_a_pretty_printed_json_array_is_json_not_json_lines():
    text = '[\n  {"title": "A"},\n  {"title": "B"}\n]'
    assert open_input(text_input(text, "a.json")).format is Format.JSON


def test_a_single_json_object_per_line_is_json_lines():
    text = '{"title": "A"}\n{"title": "B"}\n'
    assert open_input(text_input(text, "a.json")).format is Format.JSON_LINES


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"abc\x00\x01\x02\x03def" * 20, "binary"),
    ],
)
def test_binary_files_are_refused_with_what_they_look_like(data, what):
    with pytest.raises(FileProblem, match=what):
        open_input(text_input(data, "article.txt"))


def test_text_that_is_not_utf8_is_refused_naming_the_byte():
    data = "Kim’s speech".encode("cp1252") + b" on radio"
    with pytest.raises(FileProblem, match=r"not valid UTF-8 \(byte 0x92 at offset 3\)"):
        open_input(text_input(data, "article.txt"))


def test_a_page_declaring_its_encoding_is_decoded_with_it():
    data = '<html><head><meta charset="windows-1252"><title>Kim’s speech</title></head><body><p>Text</p></body></html>'.encode(
        "cp1252"
    )
    decoded = open_input(text_input(data, "page.html"))
    assert "Kim’s speech" in decoded.text


def test_utf16_text_with_a_byte_order_mark_is_read():
    data = codecs.BOM_UTF16_LE + "North Korea’s radio\n\nA paragraph.".encode(
        "utf-16-le"
    )
    assert open_input(text_input(data, "a.txt")).text.startswith("North Korea’s radio")


def test_an_empty_file_is_refused():
    with pytest.raises(FileProblem, match="empty"):
        open_input(text_input(b"  \n\n", "a.txt"))


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(settings):
    settings.IMPORT_MAX_FILE_BYTES = 1000
    read = []
    item = text_input(b"x" * 2000, "big.txt")
    item = type(item)(
        name=item.name, size=item.size, read=lambda: read.append(1) or b""
    )
    with pytest.raises(
        FileProblem, match=r"2\.0\xa0KB, over the import limit of 1000\xa0bytes"
    ):
        open_input(item)
    assert read == []
