"""Two app servers on one PostgreSQL database, each with its own index.

Each server is what README "Running on several servers" describes: gunicorn
serving the archive and ``sync_search_index --loop`` following the index log,
with its own ``SEARCH_INDEX_DIR`` and ``SEARCH_SERVER_NAME``.
"""

import http.cookiejar
import json
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from search.models import SearchServer
from tests.factories import SourceFactory
from tests.processes import Site

pytestmark = [pytest.mark.slow]

GUNICORN = Path(sys.executable).parent / "gunicorn"
PASSWORD = "two-servers-pw"
SERVER_SETTINGS = ("SEARCH_INDEX_DIR", "SEARCH_SERVER_NAME")
LISTENING = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")


class AppServer:
    """gunicorn and a log follower sharing one index folder, on a free port."""

    def __init__(self, site: Site, name: str, folder: Path):
        self.site = site
        self.name = name
        self.folder = folder
        self.env = {
            **site.env,
            "SEARCH_INDEX_DIR": str(folder / "index"),
            "SEARCH_SERVER_NAME": name,
        }
        self.processes: list[subprocess.Popen] = []
        self.url = ""
        self.starts = 0

    def command(self, *args: str) -> str:
        result = self.site.command(*args, **{k: self.env[k] for k in SERVER_SETTINGS})
        assert result.returncode == 0, result.stderr
        return result.stdout

    def _spawn(self, args: list[str], log: str, **env) -> subprocess.Popen:
        # Output goes to files: a pipe nobody reads would block the process.
        with open(self.folder / f"{log}-{self.starts}.log", "w") as out:
            return subprocess.Popen(
                args,
                env={**self.env, **env},
                cwd=settings.BASE_DIR,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def start(self) -> None:
        self.starts += 1
        web = self._spawn(
            [str(GUNICORN), "--config", "config/gunicorn.conf.py"],
            "gunicorn",
            PORT="0",
            WEB_CONCURRENCY="2",
        )
        follower = self._spawn(
            [
                sys.executable,
                "manage.py",
                "sync_search_index",
                "--loop",
                "--interval",
                "0.2",
            ],
            "sync",
        )
        self.processes = [web, follower]
        log = self.folder / f"gunicorn-{self.starts}.log"
        deadline = time.monotonic() + 60
        while not (match := LISTENING.search(log.read_text())):
            assert web.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.05)
        self.url = match.group(1)

    def stop(self) -> None:
        # As a process manager stops them (SIGINT may be ignored in background jobs).
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
        self.processes = []
        self.url = ""

    def found(self, words: str) -> list[str]:
        query = urllib.parse.urlencode({"q": words, "format": "json"})
        url = f"{self.url}/search/?{query}"
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310
            return [hit["title"] for hit in json.load(answer)["results"]]


class Curator:
    """A staff member saving articles through one server's admin, over HTTP."""

    def __init__(self, server: AppServer, username: str):
        self.server = server
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.post(
            "/admin/login/",
            {"username": username, "password": PASSWORD, "next": "/admin/"},
        )

    def post(self, path: str, data: dict) -> str:
        url = self.server.url + path
        with self.opener.open(url, timeout=10) as page:
            token = re.search(
                r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode()
            )
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token.group(1)})
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1
            url, body.encode(), headers={"Referer": url}
        )
        with self.opener.open(request, timeout=10) as answer:
            return answer.geturl()

    def publish(self, title: str, source_pk: int) -> None:
        landed = self.post(
            "/admin/archive/article/add/",
            {
                "title": title,
                "source": source_pk,
                "published": "2024-03-01",
                "language": "en",
                "kind": "news",
                "body": f"<p>{title} was reported this week.</p>",
                "status": "published",
            },
        )
        assert landed.endswith("/admin/archive/article/"), landed


def wait_for(check, seconds: float) -> float:
    """Return when ``check()`` first held, in seconds from now (asked at that time).

    Fails when no check asked within ``seconds`` held; the time a check takes
    to answer is not counted against the server.
    """
    started = time.monotonic()
    while True:
        asked = time.monotonic() - started
        assert asked < seconds, f"not within {seconds} s"
        if check():
            return asked
        time.sleep(0.05)


@pytest.fixture
def servers(postgres_site, tmp_path, django_user_model):
    django_user_model.objects.create_superuser("curator", password=PASSWORD)
    pair = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        pair.append(AppServer(postgres_site, name, tmp_path / name))
    for server in pair:
        server.command("sync_search_index")  # what `make run` does first
        server.start()
    yield pair
    for server in pair:
        if server.processes:
            server.stop()


def test_two_servers_follow_one_log_and_one_catches_up_after_a_stop(servers):
    a, b = servers
    source = SourceFactory(name="Daily NK")
    curator = Curator(a, "curator")

    curator.publish("Okapi sightings near Sinuiju", source.pk)
    assert a.found("okapi") == ["Okapi sightings near Sinuiju"]
    # The other server follows the log on its own (how fast is for make bench to
    # measure; this bound only keeps a stalled follower from passing).
    wait_for(lambda: b.found("okapi"), seconds=15.0)

    b.stop()
    titles = [f"Zebra market report {n}" for n in range(3)]
    for title in titles:
        curator.publish(title, source.pk)
    b.start()
    wait_for(lambda: len(b.found("zebra")) == 3, seconds=15.0)
    assert sorted(b.found("zebra")) == titles

    for server in (a, b):
        report = server.command("check_search_index")
        assert "The search index matches the database: 4 articles indexed" in report
    followers = dict(SearchServer.objects.values_list("name", "dropped"))
    assert followers == {"a": None, "b": None}
