"""The search app's background jobs (run by ``manage.py archive_worker``)."""

import datetime
import io

from django.core.management import call_command

from archive.jobs import periodic, task


@periodic(every=datetime.timedelta(seconds=2), each_worker=True)
@task()
def apply_search_index_log() -> str:
    """Apply what the index log holds that this machine's index lacks.

    Saves apply their own changes right after commit; this catches what a busy
    or crashed process left, and builds the index when there is none.
    """
    out = io.StringIO()
    call_command("sync_search_index", stdout=out, verbosity=0)
    return out.getvalue().strip()
