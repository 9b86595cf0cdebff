"""CAPTURE_* settings with their defaults (read at use, so tests may override them)."""

from django.conf import settings

DEFAULTS = {
    "CAPTURE_TIMEOUT": 30,  # seconds for a whole page, redirects included
    "CAPTURE_MAX_BYTES": 20 * 1024 * 1024,
    "CAPTURE_MAX_REDIRECTS": 5,
    "CAPTURE_HOST_DELAY": 1.0,  # seconds between two requests to one host
    "CAPTURE_ALLOW_PRIVATE_NETWORKS": False,
    "CAPTURE_CONTACT_URL": "https://github.com/nk-media-archive/archive",
    "COLLECT_THREADS": 8,  # feeds polled at once (each host still paced)
    "CAPTURE_USER_AGENT": "NKMediaArchive/1.0 (web archive; +{contact})",
}


def get(name: str):
    """The setting ``name``, or its default."""
    return getattr(settings, name, DEFAULTS.get(name))


def user_agent() -> str:
    return get("CAPTURE_USER_AGENT").format(contact=get("CAPTURE_CONTACT_URL"))


def capture_dir():
    return settings.CAPTURE_DIR
