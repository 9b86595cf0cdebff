"""Collecting's background jobs (run by ``manage.py archive_worker``)."""

import datetime

from archive.collect.feeds import poll_due
from archive.collect.requests import run_requests
from archive.jobs import periodic, task


@periodic(every=datetime.timedelta(minutes=1))
@task()
def capture_pending() -> str:
    """Capture the URLs curators queued in the admin.

    Enqueued when a curator submits URLs, and every minute for requests left
    pending while no worker ran, or abandoned by a worker that died.
    """
    return f"{run_requests()} URLs captured"


@periodic(every=datetime.timedelta(minutes=1))
@task()
def poll_feeds() -> str:
    """Poll the feeds that are due (each feed has its own interval and back-off).

    Enqueued every minute, and when a curator asks for a poll in the admin.
    """
    outcomes = poll_due()
    failed = sum(not outcome.clean for outcome in outcomes)
    new = sum(outcome.new for outcome in outcomes)
    return f"{len(outcomes)} feeds polled, {new} new items, {failed} failed"
