"""Captures (what a server sent, kept in a WARC file), the requests for them, and feeds."""

import datetime
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy


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


class FeedQuerySet(models.QuerySet):
    def due(self, now: datetime.datetime | None = None):
        """Active feeds whose next poll has come (or that were never polled)."""
        now = now or timezone.now()
        return self.filter(active=True).filter(
            models.Q(next_poll__isnull=True) | models.Q(next_poll__lte=now)
        )

    def failing(self):
        return self.filter(failures__gt=0)

    def quiet(self, now: datetime.datetime | None = None):
        """Feeds with no new item for three times their usual interval."""
        return self.filter(quiet_after__lte=now or timezone.now())


class Feed(models.Model):
    """An RSS or Atom feed of a source, polled by ``manage.py collect`` and the worker.

    Every new item is captured like a page added by URL and filed under the
    source. The fields below the URL are the feed's health, written by each poll.
    """

    source = models.ForeignKey(
        "archive.Source",
        on_delete=models.CASCADE,
        related_name="feeds",
        verbose_name=gettext_lazy("source"),
    )
    url = models.URLField(gettext_lazy("feed URL"), max_length=2000, unique=True)
    active = models.BooleanField(
        gettext_lazy("active"),
        default=True,
        help_text=gettext_lazy("Only active feeds are polled."),
    )
    poll_minutes = models.PositiveIntegerField(
        gettext_lazy("poll every (minutes)"),
        default=60,
        validators=[MinValueValidator(5)],
    )
    # What the server sent with its last full answer, sent back to ask "changed since?".
    etag = models.CharField("ETag", max_length=500, blank=True, editable=False)
    last_modified = models.CharField(
        "Last-Modified", max_length=100, blank=True, editable=False
    )
    last_polled = models.DateTimeField(
        gettext_lazy("last poll"), null=True, blank=True, editable=False
    )
    last_success = models.DateTimeField(
        gettext_lazy("last success"), null=True, blank=True, editable=False
    )
    last_new_item = models.DateTimeField(
        gettext_lazy("last new item"), null=True, blank=True, editable=False
    )
    failures = models.PositiveIntegerField(
        gettext_lazy("consecutive failures"), default=0, editable=False
    )
    last_error = models.TextField(
        gettext_lazy("last error"), blank=True, editable=False
    )
    next_poll = models.DateTimeField(
        gettext_lazy("next poll"), null=True, blank=True, db_index=True, editable=False
    )
    # The average spacing of the items the feed lists (from their dates), and
    # when the feed counts as quiet: three such intervals after its last new item.
    item_interval = models.DurationField(
        gettext_lazy("usual interval between items"),
        null=True,
        blank=True,
        editable=False,
    )
    quiet_after = models.DateTimeField(null=True, blank=True, editable=False)
    # Which poller holds the feed (see archive.collect.feeds.claim_due).
    claim = models.CharField(max_length=32, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    objects = FeedQuerySet.as_manager()

    class Meta:
        ordering = ["source__name", "url"]
        verbose_name = gettext_lazy("feed")
        verbose_name_plural = gettext_lazy("feeds")

    def __str__(self) -> str:
        return self.url

    @property
    def interval(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.poll_minutes)
