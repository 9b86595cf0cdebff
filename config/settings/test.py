"""Test runs: fast password hashing, a fixed key, plain static storage."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES

DEBUG = False
SECRET_KEY = "test-only-insecure-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests do not run collectstatic; serve from the finders instead of var/staticfiles.
WHITENOISE_AUTOREFRESH = True
# Tests fetch from servers they start on 127.0.0.1, as fast as they like.
CAPTURE_ALLOW_PRIVATE_NETWORKS = True
CAPTURE_HOST_DELAY = 0.0
# A test runs inside one transaction, which other threads' connections cannot
# share: feeds are polled one at a time unless a test asks for threads (and a
# transactional database).
COLLECT_THREADS = 1

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file rather than Django's shared in-memory database: the live server's
    # threads then each open a connection of their own, as gunicorn's do. With
    # the in-memory database they share the test's one connection (or, when the
    # server starts first, open others that fail with "table is locked").
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"archive-test-{os.getpid()}.sqlite3")
    }
