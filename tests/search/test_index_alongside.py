"""An import's new articles indexed while it saves them, then adopted in one commit."""

import json
import os
import signal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from archive.importers import ImportInput, ImportOptions, run_import
from archive.listing.types import SearchParams
from archive.models import Article
from archive.signals import articles_changed
from search import indexing
from search.drift import find_drift
from search.indexing import SYNC_BATCH, IndexAlongside, apply_pending_log
from search.models import IndexLog
from search.service import search

# The stage's worker processes need the batches committed, as a real import's are.
pytestmark = pytest.mark.django_db(transaction=True)

RECORDS = 240


def record(n: int) -> dict:
    return {
        "title": f"Listening report {n}",
        "source": {"name": ["Border Signals", "Radio Free Asia"][n % 2], "slug": ""},
        "original_url": f"https://bordersignals.example/reports/{n}",
        "published": f"20{10 + n % 14}-0{1 + n % 9}-1{n % 10}",
        "authors": [{"name": f"Reporter {n % 7}", "slug": ""}],
        "tags": [{"name": "radio", "slug": "radio"}, {"name": f"Quarter {n % 3}"}],
        "language": "en",
        "kind": ["news", "report"][n % 2],
        "status": "draft" if n % 6 == 0 else "published",
        "body": f"<p>Listeners in quarter{n} tune in after midnight.</p>",
    }


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text(
        "".join(json.dumps(record(n)) + "\n" for n in range(1, RECORDS + 1)),
        encoding="utf-8",
    )
    call_command("sync_search_index", stdout=StringIO())  # an empty index
    return path


def staging_folders() -> list:
    return list(settings.SEARCH_INDEX_DIR.glob(".staging-*"))


def import_alongside(path, alongside: IndexAlongside):
    return run_import(
        [ImportInput.from_path(path, limited=False)],
        ImportOptions(defer_index=True, batch_size=50),
        on_outcomes=lambda outcomes: None,
        on_created=alongside.created,
    )


def finds(words: str) -> list[int]:
    return [hit.article.pk for hit in search(SearchParams(q=words)).hits]


def test_new_articles_are_indexed_alongside_and_adopted_at_the_end(export):
    with IndexAlongside() as alongside:
        report = import_alongside(export, alongside)
        assert report.counts["created"] == RECORDS
        # Indexed beside the index, not in it yet.
        assert staging_folders()
        assert finds("quarter17") == []
        adopted = alongside.finish()

    published = Article.objects.published().count()
    assert published == RECORDS - RECORDS // 6
    assert adopted.indexed == published
    assert adopted.rows == RECORDS  # drafts' rows too: none is left pending
    assert not staging_folders()
    drift = find_drift()
    assert drift.indexed == published and not drift.article_ids
    article = Article.objects.get(url="https://bordersignals.example/reports/17")
    assert finds("quarter17") == [article.pk]
    assert finds("quarter18") == []  # a draft
    # Nothing is left for the next sync to read again.
    report = apply_pending_log(time_budget=None, batch_size=SYNC_BATCH)
    assert report.indexed == 0


def test_a_change_made_during_the_import_is_not_lost(export):
    with IndexAlongside() as alongside:
        import_alongside(export, alongside)
        article = Article.objects.get(url="https://bordersignals.example/reports/17")
        # Edited after its batch was staged (a curator, a renamed tag): its
        # later log row is applied from the database after the adoption.
        Article.objects.filter(pk=article.pk).update(title="Jamming report")
        articles_changed.send(
            sender=Article, article_ids=[article.pk], defer_apply=True
        )
        alongside.finish()

    assert finds("jamming") == [article.pk]
    assert not find_drift().article_ids


def test_articles_another_process_indexed_meanwhile_are_not_added_twice(export):
    with IndexAlongside() as alongside:
        import_alongside(export, alongside)
        # The background worker's sync got to the import's rows first.
        apply_pending_log(time_budget=None, batch_size=SYNC_BATCH)
        adopted = alongside.finish()

    assert adopted.indexed == 0
    drift = find_drift()
    assert not drift.duplicated and not drift.article_ids
    assert drift.indexed == Article.objects.published().count()


def test_the_stage_stops_once_another_process_follows_the_log(
    export, tmp_path, monkeypatch
):
    monkeypatch.setattr(indexing, "OTHERS_CHECK_SECONDS", 0.0)
    more = tmp_path / "more.jsonl"
    more.write_text(
        "".join(json.dumps(record(n)) + "\n" for n in range(1000, 1100)),
        encoding="utf-8",
    )
    with IndexAlongside() as alongside:
        import_alongside(export, alongside)
        # The background worker's sync applies the log as the import goes on.
        apply_pending_log(time_budget=None, batch_size=SYNC_BATCH)
        import_alongside(more, alongside)
        assert not staging_folders()  # stopped: the worker indexes the rest
        adopted = alongside.finish()

    assert adopted.adopted == 0
    call_command("sync_search_index", stdout=StringIO())  # as the command does
    drift = find_drift()
    assert drift.indexed == Article.objects.published().count()
    assert not drift.article_ids


def test_an_import_that_stops_leaves_its_articles_to_the_next_sync(export):
    with IndexAlongside() as alongside:
        import_alongside(export, alongside)
        # Interrupted: the stage is dropped without being adopted.
    assert not staging_folders()
    assert IndexLog.objects.count() == RECORDS
    assert finds("quarter17") == []

    call_command("sync_search_index", stdout=StringIO())

    assert not find_drift().article_ids
    assert len(finds("quarter17")) == 1


def test_the_command_indexes_alongside_and_is_searchable_when_it_returns(export):
    out = StringIO()
    call_command("import_articles", str(export), "--no-progress", stdout=out)

    assert f"{RECORDS} created" in out.getvalue()
    published = Article.objects.published().count()
    assert f"{published} imported articles indexed while importing" in out.getvalue()
    assert not staging_folders()
    drift = find_drift()
    assert drift.indexed == Article.objects.published().count()
    assert not drift.article_ids
    # A rerun finds every article already there and leaves the index as it is.
    call_command("import_articles", str(export), "--no-progress", stdout=StringIO())
    assert find_drift().indexed == drift.indexed


def test_a_worker_that_dies_costs_time_not_articles(export):
    with IndexAlongside() as alongside:
        import_alongside(export, alongside)
        for worker in alongside._stage._builders._workers:
            os.kill(worker.pid, signal.SIGKILL)
            worker.join()
        with pytest.raises(RuntimeError, match="indexing process"):
            alongside.finish()
    assert not staging_folders()

    call_command("sync_search_index", stdout=StringIO())

    drift = find_drift()
    assert drift.indexed == Article.objects.published().count()
    assert not drift.article_ids
