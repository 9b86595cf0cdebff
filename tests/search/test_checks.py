"""System checks for the search index."""

import os

import pytest

from search import index
from search.checks import check_index_dir_writable, check_schema_version
from search.schema import SCHEMA_VERSION

pytestmark = pytest.mark.django_db


def test_an_index_built_with_another_schema_version_asks_for_a_rebuild(publish):
    publish(title="Anything")
    assert check_schema_version() == []
    path = index.current_path()
    index.write_json(path / index.META_FILE, {"schema_version": SCHEMA_VERSION - 1})
    [warning] = check_schema_version()
    assert warning.id == "search.W001"
    assert "rebuild_search_index" in warning.hint


def test_no_index_yet_is_not_a_schema_problem():
    assert index.current_path() is None
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
