"""What search keeps in the database: the index log and the spelling variants."""

from django.core.exceptions import ValidationError
from django.db import models

from archive.sanitize import plain_text
from search.engine.variants import searchable_form


class IndexLog(models.Model):
    """One article whose search-visible data changed, in commit-ready order.

    Rows are written in the transaction that made the change; each index
    applies them in ``seq`` order and remembers how far it got, so a change
    survives a process dying between the commit and the index write.
    """

    seq = models.BigAutoField(primary_key=True)
    # Not a foreign key: the row must outlive a deleted article.
    article_id = models.BigIntegerField()
    reason = models.CharField(max_length=40)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "search index log entry"
        verbose_name_plural = "search index log"

    def __str__(self) -> str:
        return f"#{self.seq} article {self.article_id} ({self.reason})"


class VariantGroup(models.Model):
    """Spellings of one name that a search for any of them also finds."""

    name = models.CharField(
        max_length=200,
        unique=True,
        help_text="What the group is about, e.g. “Kim Jong Un (leader)”.",
    )
    variants = models.TextField(
        help_text=(
            "One spelling per line: McCune-Reischauer (Kim Jŏng-ŭn), its plain "
            "ASCII form, DPRK and South Korean romanizations, Hangul (김정은). "
            "Searching for any line also finds the others. Case, accents, "
            "apostrophes and hyphens are already ignored by search."
        )
    )
    notes = models.TextField(blank=True, help_text="Sources or remarks for curators.")
    enabled = models.BooleanField(
        default=True, help_text="Untick to stop expanding searches with this group."
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "spelling variant group"

    def __str__(self) -> str:
        return self.name

    def spellings(self) -> list[str]:
        """Return the distinct non-empty lines of ``variants``, in order."""
        spellings, seen = [], set()
        for line in self.variants.splitlines():
            line = " ".join(line.split())
            if line and line.casefold() not in seen:
                seen.add(line.casefold())
                spellings.append(line)
        return spellings

    def clean(self) -> None:
        self.name = plain_text(self.name)
        spellings = [plain_text(s) for s in self.spellings()]
        self.variants = "\n".join(s for s in spellings if s)
        if len(spellings) < 2:
            raise ValidationError(
                {"variants": "Give at least two spellings, one per line."}
            )
        unsearchable = [s for s in spellings if not searchable_form(s)]
        if unsearchable:
            raise ValidationError(
                {
                    "variants": "These lines have no searchable words (only very "
                    "common words or punctuation): " + "; ".join(unsearchable)
                }
            )


class SearchServer(models.Model):
    """An app server that keeps its own index and follows the index log.

    The log is pruned only below what every live server has applied; a
    server not heard from for ``SEARCH_SERVER_TIMEOUT`` seconds is dropped
    (the log no longer waits for it) and rebuilds its index when it returns.
    """

    name = models.CharField(max_length=300, unique=True)
    # Every log row up to this sequence number is in this server's index.
    applied_seq = models.BigIntegerField(default=0)
    heartbeat = models.DateTimeField()
    # When it was dropped for being away; None while it follows the log.
    dropped = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "search server"

    def __str__(self) -> str:
        return self.name
