"""manage.py recheck_articles: selections, progress, resuming an interrupted run."""

import datetime
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from archive.models import Article
from archive.watch.models import Check, RecheckRun, Watch
from archive.watch.tasks import recheck_due
from tests.archive.watch.pages import article_page
from tests.factories import SourceFactory, make_article

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("recheck_articles", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def articles(web):
    kcna, other = SourceFactory(slug="kcna"), SourceFactory(slug="other")
    made = []
    for n in range(3):
        web.page(f"/a{n}", article_page(title=f"Story {n}"))
        made.append(make_article(url=web.url(f"/a{n}"), source=kcna))
    web.page("/b", "<h1>Not here</h1>", status=404)
    made.append(make_article(url=web.url("/b"), source=other))
    make_article(url="")  # nothing to check
    return made


def test_all_checks_every_article_with_a_url_and_says_how_it_went(articles):
    out, err = run("--all")
    assert Check.objects.count() == 4
    assert "4 checked, 1 gone, 3 unchanged" in out
    assert "4/4" in err  # progress
    assert RecheckRun.objects.get().finished_at is not None


def test_a_source_or_ids_check_only_those(articles):
    run("--source", "kcna")
    assert set(Check.objects.values_list("article_id", flat=True)) == {
        a.pk for a in articles[:3]
    }
    run(str(articles[3].pk))
    assert Check.objects.filter(article=articles[3]).count() == 1


def test_an_interrupted_run_continues_where_it_stopped(articles):
    out, _ = run("--all", "--limit", "2")
    assert "2 checked" in out
    out, _ = run("--all")
    assert "Resuming the run" in out and "2 already checked" in out
    assert "2 checked" in out  # the other two only
    assert Check.objects.count() == 4
    out, _ = run("--all")  # a new run checks everything again
    assert "4 checked" in out


def test_due_checks_only_what_the_schedule_says(articles):
    run("--due")
    assert Check.objects.count() == 4
    out, _ = run("--due")
    assert "No articles to check." in out
    Watch.objects.filter(article=articles[0]).update(
        next_check=timezone.now() - datetime.timedelta(minutes=1)
    )
    out, _ = run("--due")
    assert "1 checked" in out


def test_the_worker_job_rechecks_the_due_ones(articles):
    assert recheck_due.call().startswith("4 checked")
    assert Article.objects.filter(at_source=Article.AtSource.LIVE).count() == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", "nope"], "no source “nope”"),
        ([], "Say which articles"),
        (["--all", "3"], "Give article ids, or one of"),
    ],
)
def test_bad_selections_are_explained(args, message, db):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_a_run_keeps_the_pace_per_host_and_takes_hosts_in_turn(web, settings):
    settings.CAPTURE_HOST_DELAY = 0.3
    for n in range(2):
        web.page(f"/p{n}", article_page(title=f"Paced {n}"))
        make_article(url=web.url(f"/p{n}"))
        web.page(f"/q{n}", article_page(title=f"Other host {n}"))
        make_article(url=web.url(f"/q{n}", host="localhost"))
    started = time.monotonic()
    run("--all")
    # The second request to a host waits for its slot (the fetcher's own
    # tests time the slots; a loaded machine delays when requests arrive).
    assert time.monotonic() - started >= 0.3
    hosts = [seen.headers["Host"].split(":")[0] for seen in web.requests]
    assert hosts == ["127.0.0.1", "localhost", "127.0.0.1", "localhost"]
