"""System checks: the index folder is writable and the index matches the code."""

import os
from pathlib import Path

from django.core import checks

from search import conf
from search.backend import get_backend


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


@checks.register(checks.Tags.compatibility, deploy=False)
def check_index_dir_writable(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The index folder (or the folder that will hold it) must be writable."""
    path = conf.index_dir()
    existing = _nearest_existing(path)
    if existing.is_dir() and os.access(existing, os.W_OK | os.X_OK):
        return []
    return [
        checks.Error(
            f"The search index folder {path} cannot be written "
            f"({existing} is not a writable folder).",
            hint="Set SEARCH_INDEX_DIR to a folder on local disk that this "
            "user can write.",
            id="search.E001",
        )
    ]


@checks.register(checks.Tags.compatibility)
def check_schema_version(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Warn when the index was built by a different version of the schema."""
    backend = get_backend()
    path = backend.linked()
    if path is None:
        return []
    stored = backend.stored_version(path)
    if stored == backend.version:
        return []
    return [
        checks.Warning(
            f"The search index in {path} was built with schema version {stored}, "
            f"but the code uses version {backend.version}.",
            hint="Search is unavailable until it is rebuilt: python manage.py "
            "sync_search_index (or rebuild_search_index --noinput).",
            id="search.W001",
        )
    ]
