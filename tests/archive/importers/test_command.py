"""The import_articles command: a thin layer over the runner, with an exit status."""

import datetime
import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from archive.importers import Progress
from archive.management.commands.import_articles import Command, ProgressBar
from archive.models import Article
from tests.archive.importers.conftest import DATA, SEEDS

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_articles", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_clean_import_lists_each_article_and_the_summary():
    out, err = run(DATA / "feed_atom.xml")
    assert "CREATED  " in out and "feed_atom.xml, entry 1: #" in out
    assert "(draft)" in out
    assert (
        Command.SUMMARY.format(
            summary="2 created, 0 updated, 0 skipped as duplicates, 0 failed"
        )
        in out
    )
    assert err == ""


def test_failures_are_listed_on_stderr_and_the_command_exits_non_zero():
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="8 failed"):
        call_command(
            "import_articles", str(DATA / "mixed.jsonl"), stdout=out, stderr=err
        )
    assert "3 created" in out.getvalue()
    for line in (2, 3, 4, 5, 7, 8, 9, 10):
        assert f"mixed.jsonl, line {line}:" in err.getvalue()
    assert "FAILED   " in err.getvalue()
    assert Article.objects.count() == 3


def test_a_dry_run_says_so_and_writes_nothing():
    out, _ = run(DATA / "feed_atom.xml", "--dry-run")
    assert Command.DRY_RUN in out
    assert "2 created" in out
    assert not Article.objects.exists()


def test_metadata_options_fill_in_what_a_capture_lacks():
    run(
        SEEDS / "000_03eb4dbe0493b02e.txt",
        "--source", "News1 (English edition, News1 Global)",
        "--published", "2025-12-04",
        "--tag", "mobile-phones", "--tag", "ai",
        "--kind", "news", "--language", "en", "--status", "published",
    )  # fmt: skip
    article = Article.objects.get()
    assert article.source.name == "News1 (English edition, News1 Global)"
    assert (article.published, article.published_is_inferred) == (
        datetime.date(2025, 12, 4),
        True,
    )
    assert sorted(t.slug for t in article.tags.all()) == ["ai", "mobile-phones"]
    assert article.status == "published"
    assert "no date found" not in article.review_note
    assert "title" in article.review_note  # still provisional


def test_a_directory_stands_for_the_files_inside_it(tmp_path):
    (tmp_path / "a.xml").write_bytes((DATA / "feed_atom.xml").read_bytes())
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html").write_bytes(
        (DATA / "blog_post_page.html").read_bytes()
    )
    (tmp_path / ".hidden.json").write_text("{}")
    out, _ = run(tmp_path)
    assert "3 created" in out
    assert ".hidden" not in out


def test_a_bad_published_option_is_refused():
    with pytest.raises(CommandError, match="not a date"):
        run(DATA / "feed_atom.xml", "--published", "12/05/2020")


def test_the_progress_bar_draws_in_place():
    stream = io.StringIO()
    bar = ProgressBar(stream)
    bar(Progress(files_done=1, files_total=4, records_done=0, records_in_file=0))
    bar.close()
    drawn = stream.getvalue()
    assert drawn.startswith("\r[#######-----------------------]  25%  file 2/4")
    assert drawn.endswith("\r")


def test_a_capture_without_a_date_line_takes_the_date_its_dateline_prints(tmp_path):
    capture = tmp_path / "yonhap.txt"
    capture.write_text(
        "North Korea opens a new radio station\n\n"
        "SEOUL, May 9 (Yonhap) -- North Korea has opened a radio station aimed at "
        "listeners abroad, a survey published in 2012 said, according to officials.\n\n"
        "The station broadcasts in English and Korean for six hours a day.\n"
    )
    run(capture, "--source", "Yonhap")
    article = Article.objects.get()
    assert article.published == datetime.date(2012, 5, 9)
    assert article.published_is_inferred
    assert "SEOUL, May 9 (Yonhap)" in article.review_note
    assert "year 2012 inferred" in article.review_note


def test_a_folders_readme_is_not_imported_as_an_article(tmp_path):
    (tmp_path / "README.md").write_text(
        "# Seed documents\n\nThese captures were made in 2024 for the archive.\n"
    )
    (tmp_path / "capture.txt").write_text(
        "Radio Jamming Falters Along the Border\n\nPublished: March 3, 2021\n\n"
        "Listeners in the border provinces say foreign broadcasts have become easier "
        "to hear since the jamming stations lost power, according to interviews.\n"
    )
    out, _ = run(tmp_path, "--source", "Daily NK")
    assert list(Article.objects.values_list("title", flat=True)) == [
        "Radio Jamming Falters Along the Border"
    ]
    assert "README" not in out
