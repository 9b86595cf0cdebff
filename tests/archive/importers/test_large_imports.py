"""Imports of any size from the command line: streamed, saved in bulk, counted, searchable."""

import csv
import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from archive import tally
from archive.importers import ImportInput, detect
from archive.importers.detect import open_input
from archive.models import Article, Tag
from search.drift import find_drift

pytestmark = pytest.mark.django_db

RECORDS = 3000
SOURCES = ["Border Signals", "Pyongyang Watch", "Radio Free Asia"]
TAGS = ["radio", "mobile-phones", "smuggled-media", "censorship"]


def record(n: int) -> dict:
    return {
        "title": f"Listening report {n}",
        "source": {"name": SOURCES[n % 3], "slug": ""},
        "original_url": f"https://bordersignals.example/reports/{n}",
        "published": f"20{10 + n % 14}-0{1 + n % 9}-1{n % 10}",
        "authors": [{"name": f"Reporter {n % 40}", "slug": ""}],
        "tags": [{"name": TAGS[n % 4], "slug": TAGS[n % 4]}, {"name": "border"}],
        "language": "en",
        "kind": "news",
        "status": "published" if n % 5 else "draft",
        "summary": f"Report {n} on radio listening.",
        "body": f"<p>Listeners in town quarter{n} tune in after midnight.</p>"
        "<p>" + "The signal fades near the river and returns by dawn. " * 6 + "</p>",
    }


def write_export(path, broken_lines=()) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n in range(1, RECORDS + 1):
            line = json.dumps(record(n), ensure_ascii=False)
            out.write(("{not json" if n in broken_lines else line) + "\n")


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", *map(str, args), stdout=out, stderr=err)
    except CommandError as error:
        err.write(f"\nCommandError: {error}")
    return out.getvalue(), err.getvalue()


def test_a_large_export_is_read_record_by_record_and_imported_whole(tmp_path, client):
    path = tmp_path / "archive.jsonl"
    write_export(path, broken_lines={1500, 2999})
    assert path.stat().st_size > detect.HEAD_BYTES
    decoded = open_input(ImportInput.from_path(path, limited=False))
    assert decoded.stream is not None  # not read into memory whole
    decoded.close()

    out, err = run(path, "--no-progress")

    assert "2998 created, 0 updated, 0 skipped as duplicates, 2 failed" in out
    assert f"{path}, line 1500:" in err and f"{path}, line 2999:" in err
    assert Article.objects.count() == 2998
    published = Article.objects.published()
    article = Article.objects.get(url="https://bordersignals.example/reports/1234")
    assert [a.name for a in article.byline] == ["Reporter 34"]
    assert sorted(t.slug for t in article.tags.all()) == ["border", "smuggled-media"]
    assert Tag.objects.count() == 5  # looked up once, not created per record
    # Kept counts follow the bulk insert.
    assert tally.total() == published.count()
    radio = Tag.objects.get(slug="radio")
    assert tally.value_total("tag", radio.pk) == published.filter(tags=radio).count()
    # Searchable when the command returns: nothing missing or stale in the index.
    drift = find_drift()
    assert drift.clean and drift.indexed == published.count()
    found = client.get("/search/?q=quarter1234&format=json").json()
    assert [r["id"] for r in found["results"]] == [article.pk]


def test_an_interrupted_large_import_finishes_when_run_again(tmp_path):
    path = tmp_path / "archive.jsonl"
    write_export(path)
    with path.open() as whole, (tmp_path / "half.jsonl").open("w") as half:
        half.writelines(line for n, line in enumerate(whole) if n < RECORDS // 2)
    run(tmp_path / "half.jsonl", "--no-progress", "-v", "0")
    out, _ = run(path, "--no-progress", "-v", "0")
    assert "1500 created, 0 updated, 1500 skipped as duplicates, 0 failed" in out
    assert Article.objects.count() == RECORDS
    assert tally.total() == Article.objects.published().count()
    assert find_drift().clean


def test_a_large_csv_is_streamed_with_line_numbers(tmp_path, monkeypatch):
    monkeypatch.setattr(detect, "HEAD_BYTES", 4096)
    path = tmp_path / "archive.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["title", "source", "url", "published", "body", "tags"])
        for n in range(1, 201):
            body = f"First paragraph {n}.\n\nSecond paragraph, with a comma."
            writer.writerow(
                [f"Report {n}", "Border Signals", f"https://b.example/{n}",
                 "2023-05-01" if n != 150 else "someday", body, "radio;border"]
            )  # fmt: skip
    assert path.stat().st_size > 4096
    out, err = run(path, "--no-progress", "-v", "0")
    assert "199 created, 0 updated, 0 skipped as duplicates, 1 failed" in out
    # Each record spans three lines (the body keeps its paragraphs).
    assert f"{path}, line {2 + 149 * 3}:" in err and "published" in err
    article = Article.objects.get(title="Report 200")
    assert "<p>Second paragraph, with a comma.</p>" in article.body


def test_the_file_limit_is_for_uploads_not_for_the_command_line(
    tmp_path, settings, editor_client
):
    settings.IMPORT_MAX_FILE_BYTES = 2000
    data = "".join(json.dumps(record(n)) + "\n" for n in range(1, 6)).encode()
    assert len(data) > settings.IMPORT_MAX_FILE_BYTES
    path = tmp_path / "five.jsonl"
    path.write_bytes(data)

    response = editor_client.post(
        "/admin/archive/article/import/",
        {"files": [SimpleUploadedFile("five.jsonl", data)]},
    )
    html = response.content.decode()
    assert "over the import limit" in html and "manage.py import_articles" in html
    assert not Article.objects.exists()

    out, _ = run(path, "--no-progress")
    assert "5 created, 0 updated, 0 skipped as duplicates, 0 failed" in out
