"""The project's gunicorn configuration: long downloads finish, slow requests starve nobody."""

import concurrent.futures
import csv
import io
import json
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

GUNICORN = Path(sys.executable).parent / "gunicorn"
LISTENING = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")


class Gunicorn:
    """gunicorn with config/gunicorn.conf.py (plus ``args``) on a free port."""

    def __init__(self, tmp_path: Path, args=(), env=None):
        self.log = tmp_path / "gunicorn.log"
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(
                [str(GUNICORN), "--config", "config/gunicorn.conf.py", *args],
                cwd=settings.BASE_DIR,
                env={**(env or {}), "PORT": "0", "PATH": "/usr/bin:/bin"},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while not (match := LISTENING.search(self.log.read_text())):
            assert self.process.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.05)
        self.url = match.group(1)

    def get(self, path: str, timeout: float = 60) -> bytes:
        with urllib.request.urlopen(self.url + path, timeout=timeout) as answer:  # noqa: S310
            return answer.read()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def slow_server(tmp_path):
    # The worker timeout shortened to 2 s; the streams below last longer.
    server = Gunicorn(
        tmp_path,
        ["--timeout", "2", "--workers", "1", "tests.slow_app:application"],
        env={"PYTHONPATH": str(settings.BASE_DIR)},
    )
    yield server
    server.stop()


def test_a_download_longer_than_the_worker_timeout_arrives_whole(slow_server):
    body = slow_server.get("/stream?lines=8&every=0.5")
    assert body.decode().splitlines() == [f"line {n}" for n in range(8)]


def test_slow_requests_leave_room_for_a_quick_one(slow_server):
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        slow = [
            pool.submit(slow_server.get, "/stream?lines=6&every=0.5") for _ in range(3)
        ]
        time.sleep(0.5)
        started = time.monotonic()
        assert slow_server.get("/quick") == b"quick\n"
        assert time.monotonic() - started < 1.5
        assert all(len(f.result().splitlines()) == 6 for f in slow)


def test_the_whole_archive_exports_through_gunicorn(sqlite_site, tmp_path):
    done = sqlite_site.command("generate_corpus", "--count", "1500", "--seed", "3")
    assert done.returncode == 0, done.stderr
    server = Gunicorn(tmp_path, ["--workers", "1"], env=sqlite_site.env)
    try:
        total = json.loads(server.get("/articles/?format=json"))["total"]
        text = server.get("/articles/?format=csv").decode("utf-8-sig")
    finally:
        server.stop()
    records = list(csv.DictReader(io.StringIO(text)))
    assert total == 1500
    assert len(records) == total == len({r["id"] for r in records})


def test_every_worker_answers_its_first_search_whole(sqlite_site, tmp_path):
    from search.service import NOTICE_PARTIAL

    assert sqlite_site.command("generate_corpus", "--count", "500").returncode == 0
    assert sqlite_site.command("rebuild_search_index", "--noinput").returncode == 0
    # The arbiter loads the archive and warms the index before it forks; each
    # worker opens it again before its first request.
    server = Gunicorn(tmp_path, ["--workers", "2"], env=sqlite_site.env)
    try:
        answers = [
            json.loads(server.get("/search/?q=radio&format=json")) for _ in range(4)
        ]
    finally:
        server.stop()
    assert answers[0]["total"] > 0
    assert all(answer["total"] == answers[0]["total"] for answer in answers)
    assert not any(str(NOTICE_PARTIAL) in answer["notices"] for answer in answers)
    assert "Booting worker" in server.log.read_text()
