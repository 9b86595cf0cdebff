"""Housekeeping of the task records themselves."""

import datetime
import io

from django.core.management import call_command

from archive.jobs import periodic, task

# Finished tasks stay visible in the admin this long (failures longer, to be read).
KEEP_SUCCESSFUL_DAYS = 7
KEEP_FAILED_DAYS = 30


@periodic(every=datetime.timedelta(hours=6))
@task()
def prune_task_results() -> str:
    """Delete finished task records older than the retention above."""
    out = io.StringIO()
    call_command(
        "prune_db_task_results",
        "--queue-name=*",
        f"--min-age-days={KEEP_SUCCESSFUL_DAYS}",
        f"--failed-min-age-days={KEEP_FAILED_DAYS}",
        stdout=out,
    )
    return out.getvalue().strip()
