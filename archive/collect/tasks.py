"""Collecting's background jobs (run by ``manage.py archive_worker``)."""

import datetime

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
