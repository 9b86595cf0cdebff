"""Real processes writing at once, and a process dying at the worst moment.

Each process is ``manage.py shell -c`` on a database every process can see:
a SQLite file made for the test, or the PostgreSQL test database when the
suite runs on PostgreSQL. All of them share the test's index folder.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.processes import MANAGE, Site

pytestmark = [pytest.mark.slow]

WRITERS = 4
SAVES = 5

SEED = """
import datetime
from archive import services
from archive.models import Article
from django.core.management import call_command
source = services.source_get_or_create(name="Concurrency Wire")
for n in range({writers}):
    services.article_create(
        title=f"Seed {{n}}", source=source, published=datetime.date(2020, 1, 1),
        body=f"<p>Seed body {{n}}.</p>", status=Article.Status.PUBLISHED,
    )
call_command("sync_search_index", verbosity=0)
"""

WRITER = """
import datetime, os, time
from archive import services
from archive.models import Article, Source
n = int(os.environ["WRITER"])
source = Source.objects.get(name="Concurrency Wire")
seed = Article.objects.get(title=f"Seed {{n}}")
start = float(os.environ["START_AT"])
while time.time() < start:
    time.sleep(0.002)
for i in range({saves}):
    services.article_create(
        title=f"Writer {{n}} save {{i}}", source=source,
        published=datetime.date(2021, 1, 1), status=Article.Status.PUBLISHED,
        body=f"<p>Marker zebra{{n}}x{{i}} from writer {{n}}.</p>",
    )
services.article_update(article=seed, title=f"Seed {{n}} renamed quokka{{n}}")
"""

KILLED = """
import datetime, os, signal
from django.db import transaction
from archive import services
from archive.models import Article, Source
with transaction.atomic():
    # Runs first after the commit, before the search hook: dies right there.
    transaction.on_commit(lambda: os.kill(os.getpid(), signal.SIGKILL))
    services.article_create(
        title="Killed kiwi", source=Source.objects.get(name="Concurrency Wire"),
        published=datetime.date(2022, 1, 1), status=Article.Status.PUBLISHED,
        body="<p>Saved by a process that died.</p>",
    )
"""

REPORT = """
import json
from search.drift import find_drift
from search.models import IndexLog
from search.service import search
from archive.listing.types import SearchParams
words = {words!r}
drift = find_drift()
print(json.dumps({{
    "found": {{w: search(SearchParams(q=w)).total for w in words}},
    "drift": drift.article_ids,
    "indexed": drift.indexed,
    "published": drift.published,
}}))
"""


def write_at_once(site: Site) -> None:
    site.run(SEED.format(writers=WRITERS))
    start_at = time.time() + 3  # every writer has started Django by then
    writers = [
        site.shell(WRITER.format(saves=SAVES), WRITER=str(n), START_AT=str(start_at))
        for n in range(WRITERS)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err


def assert_every_change_is_searchable(site: Site) -> None:
    words = [f"zebra{n}x{i}" for n in range(WRITERS) for i in range(SAVES)]
    words += [f"quokka{n}" for n in range(WRITERS)]
    report = site.json(REPORT.format(words=words))
    assert report["found"] == dict.fromkeys(words, 1)
    assert report["drift"] == []
    assert report["indexed"] == report["published"] == WRITERS * (SAVES + 1)


def test_four_processes_saving_at_once_on_sqlite_lose_no_change(sqlite_site):
    write_at_once(sqlite_site)
    assert_every_change_is_searchable(sqlite_site)
    result = sqlite_site.command("check_search_index")
    assert result.returncode == 0 and "matches the database" in result.stdout


def test_four_processes_saving_at_once_on_postgresql_lose_no_change(postgres_site):
    write_at_once(postgres_site)
    assert_every_change_is_searchable(postgres_site)
    result = postgres_site.command("check_search_index")
    assert result.returncode == 0 and "matches the database" in result.stdout


def test_sync_applies_what_a_process_killed_after_its_commit_left(sqlite_site):
    sqlite_site.run(SEED.format(writers=1))
    killed = sqlite_site.shell(KILLED)
    killed.communicate(timeout=300)
    assert killed.returncode == -signal.SIGKILL
    before = sqlite_site.json(REPORT.format(words=["kiwi"]))
    assert before["found"] == {"kiwi": 0}  # committed, never applied
    assert len(before["drift"]) == 1
    result = sqlite_site.command("sync_search_index")
    assert "Applied" in result.stdout, result.stderr
    after = sqlite_site.json(REPORT.format(words=["kiwi"]))
    assert after["found"] == {"kiwi": 1}
    assert after["drift"] == []


def _children(pid: int) -> set[int]:
    try:
        return {
            int(child)
            for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()
        }
    except OSError:
        return set()


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_a_rebuild_killed_mid_way_leaves_no_workers_and_does_not_block_the_next(
    sqlite_site,
):
    result = sqlite_site.command("generate_corpus", "--count", "2500", "-v", "0")
    assert result.returncode == 0, result.stderr
    rebuild = subprocess.Popen(
        [sys.executable, str(MANAGE), "rebuild_search_index", "--noinput"],
        env={**sqlite_site.env, "SEARCH_REBUILD_PROCS": "2"},
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 and time.monotonic() < deadline:
            workers |= _children(rebuild.pid)
            time.sleep(0.05)
        assert len(workers) >= 2, "the rebuild started no indexing workers"
        rebuild.send_signal(signal.SIGKILL)
        rebuild.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in workers)
        again = sqlite_site.command("rebuild_search_index", "--noinput")
        assert again.returncode == 0, again.stderr
        assert "Rebuilt the search index: 2500 articles" in again.stdout
    finally:
        for pid in workers:  # what the killed rebuild left behind, if anything
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
