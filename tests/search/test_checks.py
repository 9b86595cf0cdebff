"""System checks for the search index."""

import io
import os

import pytest
from django.core.management import call_command

from archive.listing.types import SearchParams
from search.backend import get_backend
from search.checks import check_index_dir_writable, check_schema_version
from search.engine import store
from search.engine.schema import SCHEMA_VERSION
from search.service import NOTICE_OUTDATED, search

pytestmark = pytest.mark.django_db


def test_an_index_built_with_another_schema_version_asks_for_a_rebuild(publish):
    publish(title="Anything")
    assert check_schema_version() == []
    path = get_backend().current()
    store.write_json(path / store.META_FILE, {"schema_version": SCHEMA_VERSION - 1})
    [warning] = check_schema_version()
    assert warning.id == "search.W001"
    assert "sync_search_index" in warning.hint


def test_an_outdated_index_is_not_searched_and_the_next_sync_rebuilds_it(publish):
    publish(title="Radio jamming on the border")
    old = get_backend().current()
    store.write_json(old / store.META_FILE, {"schema_version": SCHEMA_VERSION - 1})

    page = search(SearchParams(q="radio"))
    assert page.notices == (NOTICE_OUTDATED,)
    assert page.total == 0

    out = io.StringIO()
    call_command("sync_search_index", stdout=out)
    assert "built for another version of the archive: rebuilt it" in out.getvalue()
    assert get_backend().current() not in (None, old)
    assert not old.exists()
    assert [h.article.title for h in search(SearchParams(q="radio")).hits] == [
        "Radio jamming on the border"
    ]
    assert check_schema_version() == []


def test_no_index_yet_is_not_a_schema_problem():
    assert get_backend().current() is None
    assert check_schema_version() == []


def test_the_index_folder_must_be_writable(settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "not" / "yet" / "there"
    assert check_index_dir_writable() == []  # created on first use
    locked = tmp_path / "locked"
    locked.mkdir()
    settings.SEARCH_INDEX_DIR = locked / "whoosh"
    os.chmod(locked, 0o500)
    try:
        errors = check_index_dir_writable()
    finally:
        os.chmod(locked, 0o700)
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    assert [e.id for e in errors] == ["search.E001"]


def test_a_file_where_the_folder_should_be_is_reported(settings, tmp_path):
    blocker = tmp_path / "whoosh"
    blocker.write_text("not a folder")
    settings.SEARCH_INDEX_DIR = blocker
    assert [e.id for e in check_index_dir_writable()] == ["search.E001"]
