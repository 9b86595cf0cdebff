"""URLs curators asked to capture in the admin, done one at a time by the worker.

Each request is claimed by a conditional update (pending → running), so two
workers never capture the same request; a request whose worker died is given
back after ``STALE_AFTER``.
"""

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from archive.collect.capture import CaptureOptions, capture_url
from archive.collect.models import CaptureRequest
from archive.models import Source

STALE_AFTER = datetime.timedelta(minutes=10)


def request_captures(
    urls: list[str], *, source: Source | None, tags: list[str], publish: bool, user
) -> uuid.UUID:
    """Queue the URLs as one batch and wake the worker; return the batch id."""
    from archive.collect.tasks import capture_pending

    batch = uuid.uuid4()
    CaptureRequest.objects.bulk_create(
        CaptureRequest(
            batch=batch,
            url=url,
            source=source,
            tags=tags,
            publish=publish,
            requested_by=user,
        )
        for url in urls
    )
    transaction.on_commit(capture_pending.enqueue)
    return batch


def _claim() -> CaptureRequest | None:
    for pk in CaptureRequest.objects.filter(
        state=CaptureRequest.State.PENDING
    ).values_list("pk", flat=True)[:20]:
        claimed = CaptureRequest.objects.filter(
            pk=pk, state=CaptureRequest.State.PENDING
        ).update(state=CaptureRequest.State.RUNNING, started_at=timezone.now())
        if claimed:
            return CaptureRequest.objects.get(pk=pk)
    return None


def run_requests() -> int:
    """Capture every pending request; return how many were done."""
    stale = timezone.now() - STALE_AFTER
    CaptureRequest.objects.filter(
        state=CaptureRequest.State.RUNNING, started_at__lt=stale
    ).update(state=CaptureRequest.State.PENDING)
    done = 0
    while (request := _claim()) is not None:
        options = CaptureOptions(
            source=request.source, tags=tuple(request.tags), publish=request.publish
        )
        outcome = capture_url(request.url, options)
        request.state = (
            CaptureRequest.State.DONE if outcome.ok else CaptureRequest.State.FAILED
        )
        request.message = outcome.message
        request.article_id = outcome.article_id
        request.capture_id = outcome.capture_id
        request.finished_at = timezone.now()
        request.save()
        done += 1
    return done
