"""Test runs: fast password hashing, a fixed key, plain static storage."""

from .base import *  # noqa: F403

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
