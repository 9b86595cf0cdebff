"""sync_search_index, rebuild_search_index and check_search_index."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from archive.listing.types import SearchParams
from archive.models import Article
from search.backend import get_backend
from search.indexing import rebuild_index
from search.management.commands.check_search_index import Command as Check
from search.management.commands.rebuild_search_index import Command as Rebuild
from search.management.commands.sync_search_index import Command as Sync
from search.models import IndexLog, SearchServer
from search.service import search
from tests.factories import SourceFactory, make_article

pytestmark = pytest.mark.django_db


def run(name: str, *args) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def found(q: str) -> list[int]:
    return [h.article.pk for h in search(SearchParams(q=q)).hits]


@override_settings(SEARCH_AUTO_BUILD_LIMIT=0)
def test_sync_builds_an_index_from_the_database_when_there_is_none(committed):
    with committed():
        article = make_article(title="Loaded before any index")
    assert get_backend().current() is None
    output = run("sync_search_index")
    assert "There was no search index: built one with 1 articles" in output
    assert found("loaded") == [article.pk]
    assert "up to date" in run("sync_search_index")


def test_sync_applies_changes_a_dead_process_left_in_the_log(publish):
    publish(title="Indexed earlier")
    # The process that saved this died after its commit, before applying.
    article = make_article(title="Orphaned okapi")
    assert found("okapi") == []
    output = run("sync_search_index")
    assert Sync.APPLIED % {"rows": 1, "indexed": 1, "removed": 0} in output
    assert found("okapi") == [article.pk]


# Sequence numbers of a PostgreSQL test database do not start at 1: the holes
# below them would hold the log for an hour, as a hole that may yet commit does.
@override_settings(SEARCH_LOG_GAP_SECONDS=0)
def test_sync_prunes_the_log_only_below_what_every_live_server_applied(publish):
    publish(title="Old news")  # this server applies it and says so
    other = SearchServer.objects.create(
        name="web-2", applied_seq=0, heartbeat=timezone.now()
    )
    run("sync_search_index")
    assert IndexLog.objects.count() == 1  # web-2 has not applied it yet
    top = IndexLog.objects.get().seq
    SearchServer.objects.filter(pk=other.pk).update(applied_seq=top)
    output = run("sync_search_index")
    assert Sync.PRUNED % {"count": 1} in output
    assert not IndexLog.objects.exists()
    assert found("news")


def test_a_rebuild_in_progress_keeps_the_rows_it_will_catch_up_on(publish):
    publish(title="Before the rebuild")
    saved = []

    def save_and_prune_midway(done, total):
        # While the rebuild reads articles, a curator saves one (the index in
        # use applies it at once) and another process prunes the log.
        saved.append(publish(title="Saved midway"))
        run("sync_search_index")
        saved.append(IndexLog.objects.filter(article_id=saved[0].pk).exists())

    rebuild_index(progress=save_and_prune_midway)
    assert saved[1], "the row the rebuild still needed was pruned"
    assert found("midway") == [saved[0].pk]
    assert not SearchServer.objects.filter(name__endswith=" rebuild").exists()


def test_sync_reconciles_an_index_that_lost_its_log_state(publish):
    article = publish(title="Long ago")
    path = get_backend().current()
    (path / "log-state.json").unlink()
    Article.objects.filter(pk=article.pk).update(title="Changed quietly")
    output = run("sync_search_index")
    assert "compared it with the database and repaired 1 articles" in output
    assert found("quietly") == [article.pk]


def test_a_server_away_too_long_is_dropped_and_rebuilds_when_it_returns(
    publish, settings, tmp_path
):
    settings.SEARCH_SERVER_TIMEOUT = 60
    settings.SEARCH_LOG_GAP_SECONDS = 0  # as above
    a, b = {"name": "a", "dir": tmp_path / "a"}, {"name": "b", "dir": tmp_path / "b"}

    def be(server):
        settings.SEARCH_SERVER_NAME = server["name"]
        settings.SEARCH_INDEX_DIR = server["dir"]

    be(b)
    run("sync_search_index")  # b builds its index and follows the log
    be(a)
    run("sync_search_index")
    article = publish(title="Saved while b was away")
    SearchServer.objects.filter(name="b").update(
        heartbeat=timezone.now() - datetime.timedelta(minutes=5)
    )
    output = run("sync_search_index")
    assert Sync.DROPPED_OTHER % {"name": "b", "away": "1 minute"} in output
    assert not IndexLog.objects.exists()  # pruned past b
    be(b)
    assert found("away") == []  # b's index missed the pruned change
    output = run("sync_search_index")
    assert "This server (b) was not heard from for more than" in output
    assert "it follows the index log again" in output
    assert found("away") == [article.pk]
    assert SearchServer.objects.get(name="b").dropped is None
    assert "The search index matches the database" in run("check_search_index")


def test_rebuild_swaps_in_a_new_index_while_searches_keep_working(publish):
    first = publish(title="Before the rebuild")
    old_path = get_backend().current()
    seen_during = []

    def progress(done, total):
        # Mid-rebuild: searches still answer from the old index.
        seen_during.append((get_backend().current(), found("rebuild")))

    report = rebuild_index(chunk_size=1, progress=progress)
    assert seen_during and all(p == old_path for p, _ in seen_during)
    assert all(hits == [first.pk] for _, hits in seen_during)
    assert get_backend().current() == report.path != old_path
    assert not old_path.exists()
    assert found("rebuild") == [first.pk]


def test_changes_made_during_a_rebuild_reach_the_new_index(publish):
    publish(title="Existing article")
    made = []

    def progress(done, total):
        if not made:
            made.append(make_article(title="Saved mid-rebuild marmot"))

    rebuild_index(chunk_size=1, progress=progress)
    assert found("marmot") == [made[0].pk]


def test_rebuild_command_reports_and_asks_before_starting(publish, monkeypatch):
    publish(title="Something")
    assert "Rebuilt the search index: 1 articles" in run(
        "rebuild_search_index", "--noinput"
    )
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert Rebuild.CANCELLED in run("rebuild_search_index")


def test_rebuild_without_a_terminal_takes_end_of_input_as_no(publish, monkeypatch):
    publish(title="Something")
    monkeypatch.setattr("sys.stdin", StringIO(""))  # cron: nothing to read
    with pytest.raises(CommandError) as caught:
        run("rebuild_search_index")
    assert str(caught.value) == Rebuild.NO_ANSWER
    assert "\n" not in Rebuild.NO_ANSWER


def test_rebuild_refuses_to_run_twice_at_once(publish):
    publish(title="Something")
    with get_backend().build_lock(timeout=0) as held:
        assert held
        with pytest.raises(CommandError, match="Another rebuild"):
            run("rebuild_search_index", "--noinput")


def test_check_finds_drift_and_repair_fixes_it(publish):
    kept = publish(title="Kept article")
    draft = publish(title="Unpublished behind its back")
    gone = publish(title="Deleted behind its back")
    renamed = publish(title="Source renamed", source=SourceFactory(name="Quiet Source"))
    missing = make_article(title="Never indexed")
    # Changes that bypass the log (raw SQL-like updates) make the index drift.
    Article.objects.filter(pk=draft.pk).update(status=Article.Status.DRAFT)
    Article.objects.filter(pk=gone.pk).delete()
    renamed.source.__class__.objects.filter(pk=renamed.source_id).update(
        name="Loud Source"
    )
    IndexLog.objects.all().delete()

    with pytest.raises(CommandError, match="--repair"):
        run("check_search_index")
    output = run("check_search_index", "--repair")
    for name in ("missing", "stale", "unpublished", "deleted"):
        assert Check.FOUND[name] % {"count": 1} in output
    assert "Repaired: 2 articles re-indexed, 2 removed." in output
    assert "matches the database" in run("check_search_index")
    assert sorted(found("article OR behind OR renamed OR indexed")) == sorted(
        [kept.pk, renamed.pk, missing.pk]
    )
    assert found("source:loud") == [renamed.pk]


def test_check_without_an_index_says_how_to_build_one(db):
    with pytest.raises(CommandError, match="sync_search_index"):
        run("check_search_index")


def test_sync_loop_keeps_applying_until_stopped(publish, monkeypatch):
    publish(title="Before the loop")
    late = []

    def sleep(seconds):
        if late:
            raise KeyboardInterrupt  # Ctrl-C after the second round
        late.append(make_article(title="Arrived while looping lemur"))

    monkeypatch.setattr(
        "search.management.commands.sync_search_index.time.sleep", sleep
    )
    output = run("sync_search_index", "--loop", "--interval", "0.01")
    assert "Stopped following" in output
    assert found("lemur") == [late[0].pk]
