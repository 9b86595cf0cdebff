"""The state at the source as a facet of search and browse, and in the exports."""

import csv
import datetime
import io
import json

import pytest
from django.utils import timezone

from archive.models import Article
from archive.watch.recheck import recheck_article
from search.engine import snapshot
from tests.archive.watch.pages import article_page
from tests.factories import SourceFactory, make_article

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def watched(web, settings, django_capture_on_commit_callbacks):
    """Two KCNA articles (one deleted at the source), one elsewhere, one never checked."""
    settings.WATCH_GONE_FAILURES = 1
    settings.WATCH_GONE_AFTER = datetime.timedelta(0)
    snapshot.close_snapshot()
    kcna, other = SourceFactory(name="KCNA", slug="kcna"), SourceFactory(slug="other")
    with django_capture_on_commit_callbacks(execute=True):
        web.page("/kept", article_page(title="Mobile network reaches the provinces"))
        kept = make_article(
            url=web.url("/kept"), source=kcna, body="<p>kept mobile</p>"
        )
        web.page("/deleted", "<h1>Gone</h1>", status=410)
        deleted = make_article(
            url=web.url("/deleted"), source=kcna, body="<p>deleted mobile</p>"
        )
        elsewhere = make_article(
            url=web.url("/deleted2"), source=other, body="<p>x mobile</p>"
        )
        never = make_article(source=kcna, body="<p>never mobile</p>")
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        for article in (kept, deleted, elsewhere):
            recheck_article(article, now=now)
    yield {"kept": kept, "deleted": deleted, "elsewhere": elsewhere, "never": never}
    snapshot.close_snapshot()


def ids(data) -> set[int]:
    return {hit["id"] for hit in data["results"]}


@pytest.mark.parametrize("path", ["/articles/", "/search/"])
def test_source_and_at_source_gone_lists_what_an_outlet_deleted(client, watched, path):
    query = {"source": "kcna", "at_source": "gone", "format": "json"}
    if path == "/search/":
        query["q"] = "mobile"
    data = json.loads(client.get(path, query).content)
    assert ids(data) == {watched["deleted"].pk}
    (hit,) = data["results"]
    assert hit["at_source"] == "gone" and hit["checked"]


def test_the_facet_counts_each_state(client, watched):
    data = json.loads(client.get("/search/", {"q": "mobile", "format": "json"}).content)
    counts = {v["value"]: v["count"] for v in data["facets"]["at_source"]}
    assert counts == {"live": 1, "gone": 2, "unchecked": 1}
    page = client.get("/articles/", {"at_source": "unchecked"}).content.decode()
    assert "At the source" in page


def test_csv_and_atom_carry_the_state_and_the_check(client, watched):
    response = client.get("/articles/", {"format": "csv", "source": "kcna"})
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(text))}
    assert rows[watched["deleted"].pk]["at_source"] == "gone"
    assert rows[watched["deleted"].pk]["checked"].startswith(str(timezone.now().year))
    assert rows[watched["never"].pk]["at_source"] == "unchecked"
    assert rows[watched["never"].pk]["checked"] == ""
    atom = client.get(
        "/articles/", {"format": "atom", "source": "kcna"}
    ).content.decode()
    assert "<archive:at_source>gone</archive:at_source>" in atom
    assert "<archive:checked>" in atom
    assert Article.objects.get(pk=watched["kept"].pk).at_source == "live"


def test_a_long_run_leaves_the_index_to_the_worker_which_applies_it(
    client, web, settings, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    from search.tasks import apply_search_index_log

    settings.WATCH_GONE_FAILURES = 1
    settings.WATCH_GONE_AFTER = datetime.timedelta(0)
    snapshot.close_snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(url=web.url("/went"), body="<p>went mobile</p>")
    query = {"q": "mobile", "at_source": "gone", "format": "json"}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command(
            "recheck_articles", "--all", stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert not callbacks  # no index commit per article
    assert ids(json.loads(client.get("/search/", query).content)) == set()
    apply_search_index_log.call()
    snapshot.close_snapshot()
    assert ids(json.loads(client.get("/search/", query).content)) == {article.pk}


def test_the_unfiltered_browse_page_counts_states_from_the_kept_counts(client, watched):
    data = json.loads(client.get("/articles/", {"format": "json"}).content)
    counts = {v["value"]: v["count"] for v in data["facets"]["at_source"]}
    assert counts == {"live": 1, "gone": 2, "unchecked": 1}
