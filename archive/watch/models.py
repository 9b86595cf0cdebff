"""Re-checks of articles at their original URL, and the versions they found there."""

from django.db import models
from django.utils.translation import pgettext_lazy


class Watch(models.Model):
    """When an article is next checked, and what the last checks left to go on."""

    article = models.OneToOneField(
        "archive.Article", on_delete=models.CASCADE, related_name="watch"
    )
    next_check = models.DateTimeField(null=True, blank=True, db_index=True)
    # For a conditional GET: the validators of the last page that was read.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    payload_sha256 = models.CharField(max_length=64, blank=True)
    # Failed checks in a row, and when the first of them was.
    failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"watch of #{self.article_id}"


class Version(models.Model):
    """The article as its source showed it for a while: text, title and date."""

    article = models.ForeignKey(
        "archive.Article", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=500)
    text = models.TextField(help_text="The extracted text, one paragraph per line.")
    published = models.DateField("publication date", null=True, blank=True)
    text_hash = models.CharField(max_length=64)
    capture = models.ForeignKey(
        "collect.Capture", null=True, blank=True, on_delete=models.SET_NULL
    )
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    adopted = models.DateTimeField(
        "adopted by a curator", null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="unique_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"version {self.number} of #{self.article_id}"


class Check(models.Model):
    """One re-check of an article's original URL: what came back and what it meant."""

    class Outcome(models.TextChoices):
        UNCHANGED = "unchanged", pgettext_lazy("check", "Unchanged")
        CHANGED = "changed", pgettext_lazy("check", "Changed")
        GONE = "gone", pgettext_lazy("check", "Gone")
        UNREACHABLE = "unreachable", pgettext_lazy("check", "Unreachable")

    article = models.ForeignKey(
        "archive.Article", on_delete=models.CASCADE, related_name="checks"
    )
    checked_at = models.DateTimeField(db_index=True)
    url = models.URLField(max_length=2000)
    final_url = models.URLField("URL after redirects", max_length=2000, blank=True)
    http_status = models.PositiveSmallIntegerField("HTTP status", null=True, blank=True)
    payload_sha256 = models.CharField("payload SHA-256", max_length=64, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    detail = models.TextField(help_text="What happened, in words.")
    # This check made the archive declare the article gone from its source.
    declared_gone = models.BooleanField(default=False)
    capture = models.ForeignKey(
        "collect.Capture", null=True, blank=True, on_delete=models.SET_NULL
    )
    version = models.ForeignKey(
        Version, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-checked_at", "-pk"]
        indexes = [
            models.Index(fields=["article", "-checked_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} #{self.article_id} {self.checked_at:%Y-%m-%d}"

    @property
    def is_event(self) -> bool:
        """Whether this check is news: a change found, or the article declared gone."""
        return self.outcome == self.Outcome.CHANGED or self.declared_gone


class RecheckRun(models.Model):
    """A ``recheck_articles`` run over a fixed selection, resumable where it stopped."""

    selection = models.CharField(max_length=500, db_index=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    last_article_id = models.BigIntegerField(default=0)
    checked = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.selection
