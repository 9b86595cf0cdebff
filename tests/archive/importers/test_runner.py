"""The batch runner: nothing lost, nothing doubled, per-file limits, dry runs."""

import datetime
import json

import pytest

from archive.importers import Action, Progress
from archive.models import Article, Source
from tests.archive.importers.conftest import DATA, SEEDS, text_input
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def record(n: int, **fields) -> dict:
    return {
        "title": f"Report {n} on radio listening",
        "source": "Border Signals",
        "url": f"https://bordersignals.example/reports/{n}",
        "published": "2023-05-01",
        "body": f"<p>Report number {n} describes radio listening in the border towns.</p>",
        **fields,
    }


def jsonl(*records: dict) -> str:
    return "\n".join(json.dumps(r) for r in records)


def test_a_record_already_in_the_archive_is_skipped_naming_the_article(import_files):
    existing = make_article(
        title="Radio listening", url="https://www.bordersignals.example/reports/1/"
    )
    moved = record(1, url="http://bordersignals.example/reports/1?utm_source=rss")
    [outcome] = import_files(text_input(jsonl(moved), "a.jsonl")).outcomes
    assert outcome.action is Action.DUPLICATE
    assert (
        outcome.message
        == f"already in the archive as #{existing.pk} “Radio listening” (same URL)"
    )
    assert Article.objects.count() == 1


def test_the_same_text_under_another_address_is_another_article(import_files):
    # A syndicated story at a second address is a second publication.
    import_files(text_input(jsonl(record(1)), "a.jsonl"))
    copy = record(1, url="https://mirror.example/copy", title="Another headline")
    [outcome] = import_files(text_input(jsonl(copy), "b.jsonl")).outcomes
    assert outcome.action is Action.CREATED
    assert Article.objects.count() == 2


def test_the_same_text_without_an_address_is_a_duplicate(import_files):
    import_files(text_input(jsonl(record(1)), "a.jsonl"))
    copy = record(1, url="", title="Another headline")
    [outcome] = import_files(text_input(jsonl(copy), "b.jsonl")).outcomes
    assert outcome.action is Action.DUPLICATE
    assert outcome.message.endswith("(same text)")
    assert outcome.match_title == "Report 1 on radio listening"


def test_records_without_url_or_text_are_matched_on_title_source_and_date(import_files):
    bare = {"title": "Headline only", "source": "S", "published": "2020-01-01"}
    import_files(text_input(jsonl(bare), "a.jsonl"))
    [outcome] = import_files(text_input(jsonl(bare), "a.jsonl")).outcomes
    assert outcome.message.endswith("(same title, source and date)")


def test_update_changes_the_article_already_in_the_archive(import_files):
    import_files(text_input(jsonl(record(1, status="published")), "a.jsonl"))
    changed = record(1, title="Report 1, corrected", summary="Corrected.")
    [outcome] = import_files(
        text_input(jsonl(changed), "a.jsonl"), update=True
    ).outcomes
    assert outcome.action is Action.UPDATED
    article = Article.objects.get()
    assert (article.title, article.summary) == ("Report 1, corrected", "Corrected.")
    assert article.status == "published"  # the update did not say otherwise


def test_updating_from_a_page_keeps_a_published_article_published(import_files):
    import_files(DATA / "blog_post_page.html", status="published")
    report = import_files(DATA / "blog_post_page.html", update=True)
    assert [o.action for o in report.outcomes] == [Action.UNCHANGED]
    assert Article.objects.get().status == "published"


def test_a_dry_run_reports_everything_and_writes_nothing(import_files):
    report = import_files(DATA / "mixed.jsonl", DATA / "feed_atom.xml", dry_run=True)
    assert report.dry_run
    assert report.summary() == "5 created, 0 updated, 0 skipped as duplicates, 8 failed"
    assert Article.objects.count() == 0
    assert Source.objects.count() == 0


def test_a_failing_record_rolls_back_only_its_own_writes(import_files):
    records = [
        record(1),
        record(2, source="Ghost Source", url="not an address"),
        record(3),
    ]
    report = import_files(text_input(jsonl(*records), "a.jsonl"), batch_size=10)
    assert [o.action for o in report.outcomes] == [
        Action.CREATED,
        Action.FAILED,
        Action.CREATED,
    ]
    assert report.outcomes[1].message == "url: Enter a valid URL."
    assert not Source.objects.filter(name="Ghost Source").exists()
    assert Article.objects.count() == 2


def test_an_interrupted_import_keeps_finished_batches_and_a_rerun_completes_it(
    import_files,
):
    data = text_input(jsonl(*(record(n) for n in range(1, 6))), "five.jsonl")

    def interrupt_at_fourth(progress: Progress) -> None:
        if progress.records_done == 4:
            raise KeyboardInterrupt

    report = import_files(data, batch_size=2, on_progress=interrupt_at_fourth)
    assert report.interrupted
    assert [o.location for o in report.outcomes] == ["line 1", "line 2"]
    assert Article.objects.count() == 2  # the batch of records 3 and 4 was rolled back
    rerun = import_files(data, batch_size=2)
    assert rerun.summary() == "3 created, 0 updated, 2 skipped as duplicates, 0 failed"
    assert Article.objects.count() == 5


def test_progress_is_reported_per_record_and_per_file(import_files):
    seen = []
    import_files(
        text_input(jsonl(record(1), record(2)), "a.jsonl"),
        SEEDS / "000_03eb4dbe0493b02e.txt",
        on_progress=seen.append,
    )
    fractions = [round(p.fraction, 2) for p in seen]
    assert fractions == [0.25, 0.5, 0.5, 1.0, 1.0]


def test_problem_files_fail_alone_and_the_rest_of_the_batch_is_imported(
    import_files, settings, tmp_path
):
    settings.IMPORT_MAX_FILE_BYTES = 10_000
    deep = "<html><body>" + "<div>" * 1000 + "</body></html>"
    report = import_files(
        text_input(b"%PDF-1.4 binary", "report.pdf"),
        text_input(b"caf\xe9 au lait\n", "latin1.txt"),
        text_input(deep, "deep.html"),
        text_input("x" * 10_001, "huge.txt"),
        tmp_path / "missing.json",
        text_input(jsonl(record(1)), "good.jsonl"),
    )
    failed = {o.file: o.message for o in report.failed}
    assert "PDF document" in failed["report.pdf"]
    assert "not valid UTF-8" in failed["latin1.txt"]
    assert "levels deep" in failed["deep.html"]
    assert "over the import limit" in failed["huge.txt"]
    assert "cannot be read" in failed[str(tmp_path / "missing.json")]
    assert [o.file for o in report.of(Action.CREATED)] == ["good.jsonl"]


def test_defaults_fill_what_records_leave_out_and_never_override_them(import_files):
    bare = {"title": "Untagged and unsourced", "body": "<p>Body.</p>"}
    own = record(1, kind="report", language="ko", tags=["radio"])
    import_files(
        text_input(jsonl(bare, own), "a.jsonl"),
        source="Default Source",
        published=datetime.date(2021, 2, 3),
        tags=["imported"],
        kind="analysis",
        language="en",
    )
    bare_article = Article.objects.get(title="Untagged and unsourced")
    assert bare_article.source.name == "Default Source"
    assert (bare_article.kind, bare_article.language) == ("analysis", "en")
    assert [t.name for t in bare_article.tags.all()] == ["imported"]
    own_article = Article.objects.get(title="Report 1 on radio listening")
    assert own_article.source.name == "Border Signals"
    assert (own_article.kind, own_article.language) == ("report", "ko")
    assert own_article.published == datetime.date(2023, 5, 1)
    assert sorted(t.name for t in own_article.tags.all()) == ["imported", "radio"]


def test_a_url_less_record_with_the_title_and_nearly_the_text_is_that_article(
    import_files,
):
    words = " ".join(f"word{n}" for n in range(60))
    stored = {"title": "Radio at the border", "source": "Border Signals",
              "published": "2023-05-01", "body": f"<p>Stella: {words}.</p>"}  # fmt: skip
    import_files(text_input(jsonl(stored), "a.jsonl"))
    recaptured = {**stored, "source": "", "published": "2023-06-01",
                  "body": f"<p>Stella - {words}</p>"}  # fmt: skip
    [outcome] = import_files(
        text_input(jsonl(recaptured), "b.jsonl"), source="Unknown source (needs review)"
    ).outcomes
    assert outcome.action is Action.DUPLICATE
    assert outcome.message.endswith("(same title, nearly the same text)")

    elsewhere = {**recaptured, "source": "Another Outlet"}
    other_story = {**stored, "body": "<p>A different story under a stock title.</p>"}
    report = import_files(text_input(jsonl(elsewhere, other_story), "c.jsonl"))
    assert [o.action for o in report.outcomes] == [Action.CREATED, Action.CREATED]
    assert Article.objects.count() == 3
