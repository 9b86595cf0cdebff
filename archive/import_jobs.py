"""Admin imports too big to run while the page waits: queued, run by the worker, reported.

The admin's import page stores the uploaded files with the form's choices as
an ``ImportJob`` and enqueues ``run_import_job``; ``archive_worker`` runs the
same importer the page runs for small files (``archive.importers.run_import``)
and writes its progress after every batch and every record's outcome at the
end, which the job's page in the admin shows.
"""

import dataclasses
import datetime
import logging
import time
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from archive.importers import (
    Action,
    ImportDefaults,
    ImportInput,
    ImportOptions,
    ImportReport,
    Outcome,
    Progress,
    run_import,
)
from archive.models import ImportFile, ImportJob

logger = logging.getLogger(__name__)

# Progress is written at most this often (seconds).
PROGRESS_EVERY = 1.0


def background_threshold() -> int:
    """Uploads larger than this (bytes, all files together) are imported by the worker."""
    return settings.IMPORT_BACKGROUND_BYTES


def runs_in_background(inputs: Sequence[ImportInput]) -> bool:
    return sum(item.size for item in inputs) > background_threshold()


def _dump_options(options: ImportOptions) -> dict:
    data = dataclasses.asdict(options)
    published = data["defaults"]["published"]
    data["defaults"]["published"] = published.isoformat() if published else None
    data["defaults"]["tags"] = list(data["defaults"]["tags"])
    return data


def _load_options(data: dict) -> ImportOptions:
    defaults = dict(data["defaults"])
    if defaults.get("published"):
        defaults["published"] = datetime.date.fromisoformat(defaults["published"])
    defaults["tags"] = tuple(defaults.get("tags") or ())
    return ImportOptions(
        defaults=ImportDefaults(**defaults),
        **{k: v for k, v in data.items() if k != "defaults"},
    )


def queue_import(
    inputs: Sequence[ImportInput], options: ImportOptions, *, user=None
) -> ImportJob:
    """Store ``inputs`` and ``options`` as a job and enqueue it once committed."""
    from archive.tasks import run_import_job

    with transaction.atomic():
        job = ImportJob.objects.create(
            requested_by=user,
            options=_dump_options(options),
            file_names=[item.name for item in inputs],
            dry_run=options.dry_run,
            progress={"files_done": 0, "files_total": len(inputs)},
        )
        ImportFile.objects.bulk_create(
            ImportFile(job=job, name=item.name, data=item.read()) for item in inputs
        )
        transaction.on_commit(lambda: run_import_job.enqueue(job.pk))
    return job


class _ProgressWriter:
    """Writes the job's progress now and then; inside a batch, once the batch commits."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.last = 0.0
        self.pending: Progress | None = None

    def __call__(self, progress: Progress) -> None:
        if time.monotonic() - self.last < PROGRESS_EVERY and progress.records_done:
            return
        self.last = time.monotonic()
        scheduled = self.pending is not None
        self.pending = progress
        if not transaction.get_connection().in_atomic_block:
            self.write()
        elif not scheduled:
            # Written by another transaction than the batch's, it would wait
            # for the batch (SQLite) or be rolled back with a failed one.
            transaction.on_commit(self.write)

    def write(self) -> None:
        progress, self.pending = self.pending, None
        if progress is not None:
            ImportJob.objects.filter(pk=self.job.pk).update(
                progress=dataclasses.asdict(progress)
            )


def outcome_to_json(outcome: Outcome) -> dict:
    return {**dataclasses.asdict(outcome), "action": outcome.action.value}


def outcome_from_json(data: dict) -> Outcome:
    return Outcome(**{**data, "action": Action(data["action"])})


def job_report(job: ImportJob) -> ImportReport:
    """The job's report, as the import page shows a report."""
    return ImportReport(
        outcomes=[outcome_from_json(o) for o in job.outcomes], dry_run=job.dry_run
    )


def run_job(job_id: int) -> str:
    """Run the queued job ``job_id`` (once: a job already claimed is left alone)."""
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
        state=ImportJob.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return f"Import #{job_id} was not waiting; nothing done."
    job = ImportJob.objects.get(pk=job_id)
    inputs = [
        ImportInput(name=f.name, size=len(f.data), read=lambda data=bytes(f.data): data)
        for f in job.files.all()
    ]
    try:
        report = run_import(
            inputs, _load_options(job.options), on_progress=_ProgressWriter(job)
        )
    except Exception as error:
        logger.exception("Import #%s stopped", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            state=ImportJob.State.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}",
        )
        raise
    with transaction.atomic():
        ImportJob.objects.filter(pk=job_id).update(
            state=ImportJob.State.DONE,
            finished_at=timezone.now(),
            outcomes=[outcome_to_json(o) for o in report.outcomes],
            progress={"files_done": len(inputs), "files_total": len(inputs)},
        )
        ImportFile.objects.filter(job_id=job_id).delete()
    return f"Import #{job_id}: {report.summary()}"
