"""The archive's periodic jobs (run by ``archive_worker``)."""

import datetime

from archive import tally
from archive.jobs import periodic, task


@periodic(every=datetime.timedelta(minutes=10))
@task()
def fold_tallies() -> str:
    """Fold the counts' +1/-1 rows, so reading them stays a few hundred rows."""
    return f"Folded {tally.fold()} count rows."


@task()
def run_import_job(job_id: int) -> str:
    """Run an import an editor queued in the admin (archive/import_jobs.py)."""
    from archive import import_jobs

    return import_jobs.run_job(job_id)
