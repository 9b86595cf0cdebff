from django.db import models


class ScheduledJob(models.Model):
    """When a periodic task was last enqueued and when it is next due.

    One row per declared job (see ``archive.jobs.schedule``), locked while the
    scheduler of one worker enqueues it, so two workers never enqueue it twice.
    """

    name = models.CharField(max_length=200, unique=True)
    next_run = models.DateTimeField(null=True, blank=True)
    last_enqueued = models.DateTimeField(null=True, blank=True)
    last_task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
