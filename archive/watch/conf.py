"""WATCH_* settings with their defaults (read at use, so tests may override them)."""

import datetime

from django.conf import settings

DAY = datetime.timedelta(days=1)

DEFAULTS = {
    # How often an article is checked, by its age (time since its first
    # capture): (up to this age, check every), the last one applying beyond.
    "WATCH_SCHEDULE": (
        (7 * DAY, DAY),
        (365 * DAY, 7 * DAY),
        (None, 30 * DAY),
    ),
    # While checks fail, check again this often (until declared gone).
    "WATCH_RETRY_EVERY": DAY,
    # An article is declared gone only after this many failed checks in a
    # row, spread over at least this long: never on one bad answer.
    "WATCH_GONE_FAILURES": 3,
    "WATCH_GONE_AFTER": 7 * DAY,
    # Articles the worker re-checks per run (the rest wait for the next run).
    "WATCH_BATCH": 500,
    "WATCH_EVERY": datetime.timedelta(minutes=10),
}


def get(name: str):
    """The setting ``name``, or its default."""
    return getattr(settings, name, DEFAULTS[name])


def interval_for(age: datetime.timedelta) -> datetime.timedelta:
    """How long to wait before the next check of an article this old."""
    schedule = get("WATCH_SCHEDULE")
    for up_to, every in schedule:
        if up_to is None or age < up_to:
            return every
    return schedule[-1][1]
