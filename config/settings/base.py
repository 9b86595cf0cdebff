"""Settings shared by every environment; dev, test and prod override a few names."""

import os
from pathlib import Path

import dj_database_url

from config.env import env_bool, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = env_path("ARCHIVE_VAR_DIR", BASE_DIR / "var")

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "archive",
    "archive.jobs",
    "archive.collect",
    "archive.watch",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "config.i18n.languages",
            ],
        },
    },
]

if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # home of the default SQLite file

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'archive.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers and the indexer share one file: wait for the
    # write lock instead of failing with "database is locked". Connections
    # are kept between requests as on PostgreSQL: opening one costs about a
    # millisecond, and a kept one keeps its page cache (WAL readers see every
    # commit as it happens).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface speaks English and Korean. English pages have plain URLs and
# Korean ones live under /ko/ (config/urls.py); config.middleware picks the
# language and the switch on every page remembers the reader's choice.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ko", "한국어")]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Dates as each language writes them (config/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env_path("DJANGO_STATIC_ROOT", VAR_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Security headers. HSTS and secure cookies switch on with DJANGO_SECURE_SSL,
# i.e. when the site is served over TLS (directly or behind a proxy).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def tls_settings(served_over_tls: bool) -> dict:
    """HTTPS redirect, secure cookies and HSTS, on only when the site has TLS."""
    return {
        "SECURE_SSL_REDIRECT": served_over_tls,
        "SESSION_COOKIE_SECURE": served_over_tls,
        "CSRF_COOKIE_SECURE": served_over_tls,
        "SECURE_HSTS_SECONDS": env_int("DJANGO_HSTS_SECONDS", 31536000)
        if served_over_tls
        else 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": served_over_tls,
        "SECURE_HSTS_PRELOAD": served_over_tls,
    }


globals().update(tls_settings(env_bool("DJANGO_SECURE_SSL", False)))
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True

# No inline scripts or styles anywhere: pages use static files only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Largest file an admin import upload may be, in bytes (import_articles on the
# command line streams files of any size).
IMPORT_MAX_FILE_BYTES = env_int("IMPORT_MAX_FILE_BYTES", 20 * 1024 * 1024)
# Largest article body (HTML, in bytes): every view of an article sanitizes and
# renders its body, so one huge article costs every reader's request.
ARTICLE_MAX_BODY_BYTES = env_int("ARTICLE_MAX_BODY_BYTES", 1024 * 1024)
# Admin uploads larger than this (all files together) are imported by the
# background worker, with a report page, instead of while the page waits.
IMPORT_BACKGROUND_BYTES = env_int("IMPORT_BACKGROUND_BYTES", 1024 * 1024)

# Background work (archive/jobs): Django Tasks with the tasks kept in the
# archive's own database; `manage.py archive_worker` runs them.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Collecting (archive/collect): where captures' WARC files go, and how pages
# are fetched (archive/collect/conf.py has the defaults).
CAPTURE_DIR = env_path("CAPTURE_DIR", VAR_DIR / "captures")
CAPTURE_TIMEOUT = env_int("CAPTURE_TIMEOUT", 30)
CAPTURE_MAX_BYTES = env_int("CAPTURE_MAX_BYTES", 20 * 1024 * 1024)
CAPTURE_MAX_REDIRECTS = env_int("CAPTURE_MAX_REDIRECTS", 5)
CAPTURE_HOST_DELAY = float(env_str("CAPTURE_HOST_DELAY", "1.0"))
CAPTURE_ALLOW_PRIVATE_NETWORKS = env_bool("CAPTURE_ALLOW_PRIVATE_NETWORKS", False)
CAPTURE_CONTACT_URL = env_str(
    "CAPTURE_CONTACT_URL", "https://github.com/nk-media-archive/archive"
)
# Feeds polled at once by `manage.py collect` and the worker (each host paced as above).
COLLECT_THREADS = env_int("COLLECT_THREADS", 8)

# Search (see search/conf.py for what each one means, and the other SEARCH_*
# settings with their defaults).
# Where the index generations and the pointer to the current one live.
DEFAULT_SEARCH_INDEX_DIR = VAR_DIR / "whoosh"
SEARCH_INDEX_DIR = env_path("SEARCH_INDEX_DIR", DEFAULT_SEARCH_INDEX_DIR)
SEARCH_REBUILD_PROCS = env_int("SEARCH_REBUILD_PROCS", 2)
# This app server's name among those following the index log (empty: the
# host name and the index folder).
SEARCH_SERVER_NAME = env_str("SEARCH_SERVER_NAME", "")
