"""The index follows every change the database commits, and nothing else."""

import datetime
import json
import time

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from archive import services
from archive.listing.types import SearchParams
from archive.models import Article
from search.backend import get_backend
from search.documents import article_to_document, documents_in_chunks
from search.drift import find_drift
from search.engine import store
from search.indexing import apply_pending_log, rebuild_index
from search.logstate import LogState, read_state, write_state
from search.models import IndexLog, VariantGroup
from search.service import search
from tests.factories import AuthorFactory, SourceFactory, TagFactory, make_article

pytestmark = pytest.mark.django_db


def found(q: str, **params) -> list[int]:
    return [hit.article.pk for hit in search(SearchParams(q=q, **params)).hits]


def facet_labels(name: str, q: str) -> dict[str, str]:
    page = search(SearchParams(q=q))
    facet = next(f for f in page.facets if f.name == name)
    return {v.value: v.label for v in facet.values}


def test_an_article_is_searchable_only_after_its_transaction_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        article = make_article(title="Zanzibar shortwave relay")
        assert found("zanzibar") == []
    assert found("zanzibar") == []  # committed, but the hook has not run yet
    for callback in callbacks:
        callback()
    assert found("zanzibar") == [article.pk]


def test_one_transaction_schedules_one_index_update(django_capture_on_commit_callbacks):
    tag = TagFactory(name="jamming")
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        first = make_article(title="First", tags=[tag])
        make_article(title="Second", authors=[AuthorFactory()])
        services.article_update(article=first, title="First, renamed")
    assert len(callbacks) == 1


def test_changes_to_unrelated_models_schedule_no_index_update(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        User.objects.create_user("curator")
        VariantGroup.objects.create(name="Test", variants="Alpha\nAlfa")
    assert callbacks == []
    assert not IndexLog.objects.exists()


def test_unpublishing_removes_an_article_from_search_and_publishing_restores_it(
    publish, committed
):
    article = publish(title="Kwangmyong intranet portal")
    assert found("kwangmyong") == [article.pk]
    with committed():
        services.article_unpublish(article=article)
    assert found("kwangmyong") == []
    with committed():
        services.article_publish(article=article)
    assert found("kwangmyong") == [article.pk]


def test_deleting_an_article_removes_it_from_search(publish, committed):
    article = publish(title="Notel player seizure")
    with committed():
        services.article_delete(article=article)
    assert found("notel") == []


def test_drafts_are_never_indexed(publish):
    publish(title="Draft about satellites", status=Article.Status.DRAFT)
    assert found("satellites") == []


def test_editing_the_text_reindexes_the_article(publish, committed):
    article = publish(title="Old headline", body="<p>Nothing about oranges.</p>")
    with committed():
        services.article_update(article=article, body="<p>Now about tangerines.</p>")
    assert found("tangerines") == [article.pk]
    assert found("oranges") == []


def test_renaming_a_source_relabels_its_facet_and_is_searchable_by_the_new_name(
    publish, committed
):
    source = SourceFactory(name="Alpha Daily")
    articles = [publish(title=f"Border report {n}", source=source) for n in range(3)]
    source.name = "Omega Weekly"
    with committed():
        services.registry_save(entry=source)
    assert facet_labels("source", "border") == {source.slug: "Omega Weekly"}
    assert sorted(found("source:omega")) == sorted(a.pk for a in articles)
    assert found("source:alpha") == []


def test_renaming_a_tag_relabels_its_facet_and_is_searchable_by_the_new_name(
    publish, committed
):
    tag = TagFactory(name="usb sticks")
    articles = [publish(title=f"Smuggling {n}", tags=[tag]) for n in range(2)]
    tag.name = "flash drives"
    with committed():
        services.registry_save(entry=tag)
    assert facet_labels("tag", "smuggling") == {tag.slug: "flash drives"}
    assert sorted(found("tag:flash")) == sorted(a.pk for a in articles)


def test_renaming_an_author_is_searchable_by_the_new_name(publish, committed):
    author = AuthorFactory(name="Jane Roe")
    article = publish(title="Interview", authors=[author])
    author.name = "Jane Doe-Roe"
    with committed():
        services.registry_save(entry=author)
    assert found("author:doe") == [article.pk]
    assert found("doe") == [article.pk]  # author names match plain words too


def test_merging_sources_reindexes_the_moved_articles(publish, committed):
    old, new = SourceFactory(name="Old Wire"), SourceFactory(name="New Wire")
    article = publish(title="Sanctions", source=old)
    with committed():
        services.source_merge(source=old, into=new)
    assert found("source:new") == [article.pk]
    assert facet_labels("source", "sanctions") == {new.slug: "New Wire"}


def test_merging_tags_and_authors_reindexes_their_articles(publish, committed):
    old_tag, new_tag = TagFactory(name="cellphones"), TagFactory(name="mobile phones")
    old_author, new_author = (
        AuthorFactory(name="A. Writer"),
        AuthorFactory(name="Ann Writer"),
    )
    article = publish(title="Handsets", tags=[old_tag], authors=[old_author])
    with committed():
        services.tag_merge(tag=old_tag, into=new_tag)
        services.author_merge(author=old_author, into=new_author)
    assert found("tag:mobile") == [article.pk]
    assert found("tag:cellphones") == []
    assert found("author:ann") == [article.pk]
    assert facet_labels("tag", "handsets") == {new_tag.slug: "mobile phones"}


def test_bulk_publishing_and_tagging_reach_the_index(committed):
    tag = TagFactory(name="radio")
    with committed():
        drafts = [
            make_article(title=f"Jamming note {n}", status=Article.Status.DRAFT)
            for n in range(3)
        ]
    ids = [a.pk for a in drafts]
    with committed():
        services.articles_set_status(
            articles=Article.objects.filter(pk__in=ids),
            status=Article.Status.PUBLISHED,
        )
        services.articles_add_tag(articles=Article.objects.filter(pk__in=ids), tag=tag)
    assert sorted(found("tag:radio")) == sorted(ids)


def test_deleting_a_tag_reindexes_the_articles_it_was_on(publish, committed):
    tag = TagFactory(name="obsolete label")
    article = publish(title="Tagged piece", tags=[tag])
    assert found("tag:obsolete") == [article.pk]
    with committed():
        tag.delete()
    assert found("tag:obsolete") == []


def test_clearing_a_tag_from_its_articles_reindexes_them(publish, committed):
    tag = TagFactory(name="leaflets")
    article = publish(title="Balloons", tags=[tag])
    with committed():
        tag.articles.clear()
    assert found("tag:leaflets") == []
    assert found("balloons") == [article.pk]


def test_articles_loaded_from_a_fixture_are_indexed(committed, tmp_path):
    source = SourceFactory(name="Fixture Source")
    fixture = tmp_path / "articles.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "archive.article",
                    "pk": 9001,
                    "fields": {
                        "title": "Loaded about Hyesan markets",
                        "slug": "loaded",
                        "source": source.pk,
                        "published": "2019-05-01",
                        "language": "en",
                        "kind": "news",
                        "body": "<p>Text</p>",
                        "body_text": "Text",
                        "status": "published",
                        "created": "2019-05-01T00:00:00Z",
                        "updated": "2019-05-01T00:00:00Z",
                    },
                }
            ]
        )
    )
    with committed():
        call_command("loaddata", str(fixture), verbosity=0)
    assert found("hyesan") == [9001]


def test_applying_the_log_twice_changes_nothing(publish):
    publish(title="Idempotent radio")
    path = get_backend().current()
    state = read_state(path)
    # Replay every row as if the index had never seen them.
    write_state(path, LogState(seq=0, synced=state.synced))
    report = apply_pending_log()
    assert report.rows > 0
    assert found("idempotent") != []
    assert find_drift().clean


def models_max_seq() -> int:
    return max(IndexLog.objects.values_list("seq", flat=True), default=0)


def test_a_row_that_commits_after_a_later_one_is_still_applied(publish):
    first = publish(title="Early bird")
    late = make_article(title="Late committer about turnips")
    IndexLog.objects.filter(article_id=late.pk).delete()
    top = models_max_seq()
    # Another transaction took a higher number and committed first ...
    IndexLog.objects.create(seq=top + 5, article_id=first.pk, reason="test")
    apply_pending_log()
    assert read_state(get_backend().current()).seq == top + 5
    # ... then the one holding a lower number commits.
    IndexLog.objects.create(seq=top + 3, article_id=late.pk, reason="test")
    apply_pending_log()
    assert found("turnips") == [late.pk]


def test_log_state_remembers_holes_until_they_fill_or_expire():
    state = LogState(seq=10).advanced([11, 14, 15], now=1000.0)
    assert state.seq == 15
    assert state.gaps == [(12, 13, 1000.0)]
    assert state.advanced([12], now=1001.0).gaps == [(13, 13, 1000.0)]
    with override_settings(SEARCH_LOG_GAP_SECONDS=60):
        assert state.advanced([], now=2000.0).gaps == []


@override_settings(SEARCH_WRITE_LOCK_TIMEOUT=0.2)
def test_a_process_that_cannot_get_the_lock_leaves_its_rows_pending_without_waiting(
    publish, django_capture_on_commit_callbacks
):
    publish(title="First one")
    path = get_backend().current()
    with get_backend().sync_lock(path, timeout=0) as held:
        assert held
        with django_capture_on_commit_callbacks(execute=True):
            article = make_article(title="Waiting walrus")
        started = time.monotonic()
        report = apply_pending_log()
        assert time.monotonic() - started < 1.0
        assert report.locked
        assert found("walrus") == []
    apply_pending_log()  # the holder (or the next sync) applies them
    assert found("walrus") == [article.pk]


@override_settings(SEARCH_WRITE_LOCK_TIMEOUT=0.2)
def test_a_busy_whoosh_writer_also_leaves_rows_pending(publish):
    publish(title="First one")
    ix = store.open_index(get_backend().current())
    writer = store.open_writer(ix, timeout=0)
    try:
        article = make_article(title="Blocked bison")
        report = apply_pending_log()
        assert report.locked
    finally:
        writer.cancel()
    apply_pending_log()
    assert found("bison") == [article.pk]


@override_settings(SEARCH_AUTO_BUILD_LIMIT=0)
def test_a_large_archive_without_an_index_is_left_for_sync(committed):
    with committed():
        make_article(title="No index yet")
    assert get_backend().current() is None
    assert IndexLog.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_committed_save_is_searchable_at_once_and_a_rolled_back_one_never():
    kept = make_article(title="Committed capybara", published=datetime.date(2021, 1, 1))
    assert found("capybara") == [kept.pk]  # the real on-commit hook ran
    with pytest.raises(RuntimeError), transaction.atomic():
        make_article(title="Phantom pangolin")
        raise RuntimeError("rolled back")
    assert not Article.objects.filter(title__contains="pangolin").exists()
    apply_pending_log()
    assert found("pangolin") == []
    assert find_drift().clean


def test_an_admin_save_that_committed_succeeds_when_the_index_cannot_be_updated(
    transactional_db, admin_client, settings
):
    article = make_article(title="Radio jamming at the border")
    call_command("sync_search_index", verbosity=0)
    # A rebuild switching folders, seen from a writer: the index it opens is gone.
    for toc in get_backend().current().glob("*.toc"):
        toc.unlink()
    pending = IndexLog.objects.count()
    response = admin_client.post(
        f"/admin/archive/article/{article.pk}/change/",
        {
            "title": "Radio jamming at the northern border",
            "source": article.source.pk,
            "published": "2020-01-01",
            "url": "",
            "language": "en",
            "kind": "news",
            "summary": "",
            "body": article.body,
            "status": "published",
            "slug": article.slug,
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Radio jamming at the northern border"
    assert IndexLog.objects.count() > pending  # kept for sync_search_index


def test_documents_read_as_rows_are_the_documents_of_the_articles():
    # A rebuild and the log read articles as plain rows; the drift check
    # and an admin's save make documents of model instances: the index must
    # hold the same document either way.
    radio, jamming = TagFactory(name="radio"), TagFactory(name="jamming")
    first, second = AuthorFactory(name="Kim Ok"), AuthorFactory(name="Lee Sun")
    source = SourceFactory(name="Voice of Korea")
    make_article(
        title="Two authors", source=source, authors=[second, first], tags=[jamming]
    )
    make_article(
        title="No byline",
        tags=[radio, jamming],
        language="ko",
        kind=Article.Kind.STATE_MEDIA,
        published=datetime.date(1997, 3, 4),
        summary="A summary",
    )
    make_article(title="Untagged", source=source, authors=[first])
    make_article(title="A draft", tags=[radio], status=Article.Status.DRAFT)
    published = Article.objects.published()

    as_rows = [d for chunk in documents_in_chunks(published, 2) for d in chunk]

    assert as_rows == [
        article_to_document(article)
        for article in published.order_by("pk").with_relations()
    ]
    assert [d.title for d in as_rows] == ["Two authors", "No byline", "Untagged"]
    assert as_rows[0].author_names == ("Kim Ok", "Lee Sun")
    rebuild_index(procs=1)
    assert find_drift().clean
