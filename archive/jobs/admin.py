from django.contrib import admin

from archive.jobs.models import ScheduledJob


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    """The periodic jobs: when each was last enqueued and when it is next due."""

    list_display = ["name", "last_enqueued", "next_run", "last_task_id"]
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
