import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import translation

from tests.processes import Site

# A test that asks for none of these never touches the configured database.
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def pytest_collection_modifyitems(config, items):
    """Mark the tests whose result cannot depend on the configured database.

    ``make test`` runs the suite on SQLite, then again on PostgreSQL without
    these: a second run of them would only repeat the first.
    """
    for item in items:
        if not item.get_closest_marker("django_db") and not (
            DATABASE_FIXTURES & set(item.fixturenames)
        ):
            item.add_marker(pytest.mark.database_free)


@pytest.fixture(autouse=True)
def _search_index_dir(settings, tmp_path):
    """Give every test its own empty search index and capture directories."""
    settings.SEARCH_INDEX_DIR = tmp_path / "whoosh"
    settings.CAPTURE_DIR = tmp_path / "captures"


@pytest.fixture(autouse=True)
def _interface_language():
    """Start every test in English: a request for a Korean page leaves Korean active."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def editor(django_user_model):
    """A staff account in the editors group (what curators get)."""
    user = django_user_model.objects.create_user(
        username="curator", password="pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name="editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    """The test client, logged in as ``editor``."""
    client.force_login(editor)
    return client


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A migrated SQLite file, made once and copied by each test."""
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    site = Site(f"sqlite:///{path}", path.parent / "unused-index")
    result = site.command("migrate", "--noinput", "--skip-checks", "-v", "0")
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def sqlite_site(migrated_sqlite, tmp_path, settings) -> Site:
    database = tmp_path / "archive.sqlite3"
    shutil.copy(migrated_sqlite, database)
    return Site(f"sqlite:///{database}", settings.SEARCH_INDEX_DIR)


@pytest.fixture
def postgres_site(transactional_db, settings) -> Site:
    if connection.vendor != "postgresql":
        pytest.skip("runs when the suite runs on PostgreSQL")
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    url = f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    return Site(url, settings.SEARCH_INDEX_DIR)


@pytest.fixture
def web():
    """A real HTTP server on 127.0.0.1 (tests/web.py), stopped after the test."""
    from tests.web import WebServer

    server = WebServer().start()
    yield server
    if server.server is not None:
        server.stop()
