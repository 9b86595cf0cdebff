"""Admin for the spelling variants curators maintain; read-only views of the log and servers."""

from django.contrib import admin
from django.utils.html import format_html_join

from search.engine.variants import searchable_form
from search.models import IndexLog, SearchServer, VariantGroup


@admin.register(VariantGroup)
class VariantGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "spelling_list", "enabled", "updated")
    list_filter = ("enabled",)
    search_fields = ("name", "variants", "notes")
    readonly_fields = ("searched_as", "updated")
    fields = ("name", "variants", "searched_as", "enabled", "notes", "updated")

    @admin.display(description="spellings")
    def spelling_list(self, group: VariantGroup) -> str:
        return " · ".join(group.spellings())

    @admin.display(description="searched as")
    def searched_as(self, group: VariantGroup) -> str:
        """Show how search reads each line, so curators can spot duplicates."""
        if not group.pk:
            return "Shown after saving."
        return format_html_join(
            "",
            "<div>{} → <code>{}</code></div>",
            (
                (s, " ".join(searchable_form(s)) or "(nothing searchable)")
                for s in group.spellings()
            ),
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that search writes itself: shown for diagnosis, never edited."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(IndexLog)
class IndexLogAdmin(ReadOnlyAdmin):
    """The search index log, for diagnosing sync problems; rows are written by search."""

    list_display = ("seq", "article_id", "reason", "created")
    list_filter = ("reason",)
    search_fields = ("article_id",)
    ordering = ("-seq",)


@admin.register(SearchServer)
class SearchServerAdmin(ReadOnlyAdmin):
    """The app servers following the log: how far each got and when it was last heard."""

    list_display = ("name", "applied_seq", "heartbeat", "dropped")
    list_filter = ("dropped",)
