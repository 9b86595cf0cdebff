"""Watching's background job (run by ``manage.py archive_worker``)."""

from django.utils import timezone

from archive.jobs import periodic, task
from archive.watch import conf
from archive.watch.runs import due, run_checks


@periodic(every=conf.get("WATCH_EVERY"))
@task()
def recheck_due() -> str:
    """Re-check the articles whose time has come, ``WATCH_BATCH`` at a time."""
    tally = run_checks(due(timezone.now()), limit=conf.get("WATCH_BATCH"))
    return tally.summary()
