"""``import_articles --update`` saves its changes a batch at a time, as it saves new articles."""

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from archive import tally
from archive.models import Article, Author, Source, Tag
from search.drift import find_drift
from search.models import IndexLog

pytestmark = pytest.mark.django_db

RECORDS = 30


def record(n: int, **changes) -> dict:
    fields = {
        "title": f"Listening report {n}",
        "source": {"name": "Border Signals", "slug": "border-signals"},
        "original_url": f"https://bordersignals.example/reports/{n}",
        "published": "2023-05-01",
        "authors": [{"name": "Lee Min", "slug": ""}],
        "tags": [{"name": "radio", "slug": "radio"}],
        "language": "en",
        "kind": "news",
        "status": "published",
        "summary": f"Report {n} on radio listening.",
        "body": f"<p>Listeners in quarter{n} tune in after midnight.</p>",
    }
    return {**fields, **changes}


def write(path, records) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command(
            "import_articles",
            *map(str, args),
            "--no-progress",
            "--batch-size",
            "10",
            stdout=out,
            stderr=err,
        )
    except CommandError as error:
        err.write(f"\nCommandError: {error}")
    return out.getvalue(), err.getvalue()


@pytest.fixture
def imported(tmp_path):
    path = tmp_path / "first.jsonl"
    write(path, [record(n) for n in range(RECORDS)])
    out, _ = run(path, "-v", "0")
    assert f"{RECORDS} created" in out
    return {a.url: a for a in Article.objects.all()}


def article(n: int) -> Article:
    return Article.objects.get(url=f"https://bordersignals.example/reports/{n}")


def searched(client, q: str) -> list[int]:
    found = client.get("/search/", {"q": q, "format": "json"}).json()
    return [r["id"] for r in found["results"]]


def test_an_update_run_changes_fields_bylines_and_tags_and_reports_the_rest_unchanged(
    tmp_path, imported, client
):
    records = [record(n) for n in range(RECORDS)]
    records[3] = record(3, summary="Listeners moved to USB sticks.")
    records[14] = record(14, body="<p>Walruses now hum the anthem.</p>")
    records[15] = record(
        15,
        authors=[{"name": "Ahn Soo", "slug": ""}, {"name": "Lee Min", "slug": ""}],
        tags=[{"name": "USB sticks", "slug": ""}],
    )
    records[16] = record(16, status="draft")
    path = tmp_path / "again.jsonl"
    write(path, records)
    versions = {n: article(n).version for n in range(RECORDS)}

    out, err = run(path, "--update")

    assert err == ""
    assert (
        "0 created, 4 updated, 0 skipped as duplicates, 0 failed, 26 unchanged" in out
    )
    assert "UPDATED  " in out and "SAME     " in out
    assert article(3).summary == "Listeners moved to USB sticks."
    assert article(14).body_text == "Walruses now hum the anthem."
    assert [a.name for a in article(15).byline] == ["Ahn Soo", "Lee Min"]
    assert [t.name for t in article(15).tags.all()] == ["USB sticks"]
    assert article(16).status == "draft"
    # An unchanged article is not written at all.
    assert article(0).version == versions[0]
    assert article(3).version == versions[3] + 1
    # The counts and the index follow: new text found, old text gone,
    # the unpublished article out of search.
    published = Article.objects.published()
    assert tally.total() == published.count() == RECORDS - 1
    usb = Tag.objects.get(name="USB sticks")
    assert tally.value_total("tag", usb.pk) == 1
    assert searched(client, "walruses") == [article(14).pk]
    assert searched(client, "quarter14") == []
    assert searched(client, "quarter16") == []
    drift = find_drift()
    assert drift.clean and drift.indexed == RECORDS - 1


def test_a_bad_record_in_an_update_batch_fails_alone(tmp_path, imported, client):
    records = [record(n, summary=f"Revised report {n}.") for n in range(10)]
    records[4] = record(4, title="")  # no title: refused
    records[6] = record(6, published="not a date")
    path = tmp_path / "again.jsonl"
    write(path, records)

    out, err = run(path, "--update")

    assert "0 created, 8 updated, 0 skipped as duplicates, 2 failed" in out
    assert f"FAILED   {path}, line 5:" in err
    assert f"FAILED   {path}, line 7:" in err
    assert article(4).title == "Listening report 4"
    assert article(6).summary == "Report 6 on radio listening."
    for n in (0, 3, 5, 9):
        assert article(n).summary == f"Revised report {n}."
    assert find_drift().clean


def test_two_records_for_one_article_in_a_batch_are_applied_in_order(
    tmp_path, imported
):
    records = [
        record(2, summary="First revision."),
        record(2, summary="Second revision."),
    ]
    path = tmp_path / "again.jsonl"
    write(path, records)

    out, _ = run(path, "--update")

    assert "0 created, 2 updated" in out
    assert article(2).summary == "Second revision."


LINE = re.compile(r"^(CREATED|UPDATED|SAME|SKIPPED|FAILED)\s+\S+, (line \d+):", re.M)


def test_a_dry_run_of_an_update_reports_what_the_real_run_does(tmp_path, imported):
    records = [record(n) for n in range(12)]
    records[1] = record(1, summary="Listeners moved to USB sticks.")
    records[2] = record(2, authors=[{"name": "Ahn Soo", "slug": ""}])  # a new author
    records[3] = record(3, tags=[{"name": "USB sticks", "slug": ""}])  # a new tag
    records[4] = record(4, source={"name": "Night Desk", "slug": ""})  # a new source
    records[5] = record(5, authors=[{"name": "LEE MIN", "slug": ""}])  # the same one
    records[6] = record(6, published="not a date")
    records[7] = record(7, tags=[{"name": "Radio", "slug": ""}])  # the same tag
    records.append(record(99))  # not in the archive yet
    records.append(record(99))  # the same again: changes nothing
    records.append(record(98))
    records.append(record(98, summary="Heard again in the spring."))
    path = tmp_path / "again.jsonl"
    write(path, records)
    registries = (Author.objects.count(), Tag.objects.count(), Source.objects.count())
    logged = IndexLog.objects.count()

    dry_out, dry_err = run(path, "--update", "--dry-run")

    assert (Author.objects.count(), Tag.objects.count(), Source.objects.count()) == (
        registries
    )
    assert IndexLog.objects.count() == logged
    assert "Dry run: nothing was written." in dry_out
    out, err = run(path, "--update")
    assert LINE.findall(dry_out + dry_err) == LINE.findall(out + err)
    outcomes = {where: label for label, where in LINE.findall(out + err)}
    assert [outcomes[f"line {n + 1}"] for n in range(8)] == [
        "SAME", "UPDATED", "UPDATED", "UPDATED", "UPDATED", "SAME", "FAILED", "SAME",
    ]  # fmt: skip
    assert [outcomes[f"line {n}"] for n in (13, 14, 15, 16)] == [
        "CREATED", "SAME", "CREATED", "UPDATED",
    ]  # fmt: skip
    summary = "2 created, 5 updated, 0 skipped as duplicates, 1 failed, 8 unchanged"
    assert summary in dry_out and summary in out


REFUSE_SQLITE = """
CREATE TRIGGER refuse_summary BEFORE UPDATE OF summary ON archive_article
WHEN NEW.summary = 'Refused by the archive.'
BEGIN SELECT RAISE(ABORT, 'the archive refuses this summary'); END
"""
REFUSE_POSTGRES = [
    """
    CREATE FUNCTION refuse_summary() RETURNS trigger AS $$
    BEGIN
        IF NEW.summary = 'Refused by the archive.' THEN
            RAISE EXCEPTION 'the archive refuses this summary';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER refuse_summary BEFORE UPDATE ON archive_article
    FOR EACH ROW EXECUTE FUNCTION refuse_summary()
    """,
]


def test_an_update_batch_the_database_refuses_is_saved_record_by_record(
    tmp_path, imported, client
):
    # The database itself refuses one row (as it would a URL another writer
    # filed meanwhile): the batch's single UPDATE fails as a whole.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(REFUSE_SQLITE)
        else:
            for statement in REFUSE_POSTGRES:
                cursor.execute(statement)
    records = [record(n, summary=f"Revised report {n}.") for n in range(10)]
    records[4] = record(4, summary="Refused by the archive.")
    path = tmp_path / "again.jsonl"
    write(path, records)

    out, err = run(path, "--update")

    assert "0 created, 9 updated, 0 skipped as duplicates, 1 failed" in out
    failed = [line for line in err.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1
    assert f"{path}, line 5:" in failed[0]
    assert "the archive refuses this summary" in failed[0]
    assert article(4).summary == "Report 4 on radio listening."
    for n in (0, 3, 5, 9):
        assert article(n).summary == f"Revised report {n}."
    assert searched(client, "revised") != []
    assert find_drift().clean
