"""Captures (what a server sent, kept in a WARC file) and the requests for them."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy


class Capture(models.Model):
    """One fetch of a page, stored as WARC records in its own file under CAPTURE_DIR.

    An article has any number of captures: the first when it was added by URL
    or from a feed, more when it is fetched again. A payload identical to an
    earlier capture's is stored once: this capture's file then holds a WARC
    ``revisit`` record pointing at ``revisit_of``.
    """

    class Origin(models.TextChoices):
        URL = "url", "Added by URL"
        FEED = "feed", "From a feed"
        RECHECK = "recheck", "Checked again"
        ADOPTED = "adopted", "Adopted file"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    article = models.ForeignKey(
        "archive.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,  # the evidence outlives the curated record
        related_name="captures",
    )
    url = models.URLField("requested URL", max_length=2000)
    final_url = models.URLField("URL after redirects", max_length=2000)
    fetched_at = models.DateTimeField(db_index=True)
    http_status = models.PositiveSmallIntegerField("HTTP status")
    content_type = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(help_text="Bytes of the body as received.")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    warc_file = models.CharField(max_length=300, unique=True)
    record_id = models.CharField("WARC record ID", max_length=100)
    revisit_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisits",
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.URL)

    class Meta:
        ordering = ["-fetched_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.final_url} at {self.fetched_at:%Y-%m-%d %H:%M}"

    @property
    def download_name(self) -> str:
        return f"capture-{self.pk}-{self.fetched_at:%Y%m%d%H%M%S}.warc.gz"


class CaptureRequest(models.Model):
    """A URL a curator asked to capture in the admin, done by the background worker."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("capture", "Waiting")
        RUNNING = "running", pgettext_lazy("capture", "Fetching")
        DONE = "done", pgettext_lazy("capture", "Captured")
        FAILED = "failed", pgettext_lazy("capture", "Failed")

    batch = models.UUIDField(db_index=True)
    url = models.CharField(max_length=2000)
    source = models.ForeignKey(
        "archive.Source", null=True, blank=True, on_delete=models.SET_NULL
    )
    tags = models.JSONField(default=list, blank=True)
    publish = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True)
    article = models.ForeignKey(
        "archive.Article", null=True, blank=True, on_delete=models.SET_NULL
    )
    capture = models.ForeignKey(
        Capture, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.url
