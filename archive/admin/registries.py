"""Sources, authors and tags: article counts, search, merging, service saves."""

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.db import transaction
from django.db.models import Count, QuerySet

from archive import services
from archive.admin.common import URL_FIELDS, choice_page, count_phrase, submitted
from archive.collect.admin import FeedInline, SourceFeedsFilter
from archive.forms import DistinctNameForm, MergeForm
from archive.models import Article, Author, Source, Tag


class RegistryAdmin(admin.ModelAdmin):
    """Shared admin for sources, authors and tags: counts, search, merge, service saves."""

    search_fields = ["name", "slug"]
    ordering = ["name"]
    formfield_overrides = URL_FIELDS
    readonly_fields = ["created", "updated"]
    actions = ["merge_into"]
    list_per_page = 100
    # Which Article relation points at this model, and the service that merges.
    relation_name = ""
    merge_service = None

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, obj) -> int:
        return obj.article_count

    def save_model(self, request, obj, form, change):
        services.registry_save(entry=obj)

    def delete_model(self, request, obj):
        services.registry_delete(entry=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for entry in queryset:
                services.registry_delete(entry=entry)

    @admin.action(description="Merge selected into…", permissions=["change", "delete"])
    def merge_into(self, request, queryset):
        relation = Article._meta.get_field(self.relation_name)
        form = MergeForm(
            request.POST if submitted(request) else None,
            relation=relation,
            admin_site=self.admin_site,
        )
        if not form.is_valid():
            opts = self.model._meta
            return choice_page(
                self,
                request,
                queryset,
                form=form,
                title=f"Merge {opts.verbose_name_plural} into one",
                action="merge_into",
                button="Merge",
            )
        into = form.cleaned_data["into"]
        merged, moved = self._merge(queryset.exclude(pk=into.pk), into)
        if not merged:
            self.message_user(
                request,
                f"Nothing merged: select entries other than “{into}” itself.",
                messages.WARNING,
            )
        else:
            self.message_user(
                request,
                f"Merged {count_phrase(merged, self.model)} into “{into}” "
                f"({count_phrase(moved, Article)} moved to it).",
                messages.SUCCESS,
            )
        return None

    def _merge(self, entries: QuerySet, into) -> tuple[int, int]:
        merged = moved = 0
        merge = type(self).merge_service
        keyword = self.model._meta.model_name
        with transaction.atomic():
            for entry in list(entries):
                moved += entry.articles.exclude(pk__in=into.articles.all()).count()
                merge(**{keyword: entry, "into": into})
                merged += 1
        return merged, moved


@admin.register(Source)
class SourceAdmin(RegistryAdmin):
    form = DistinctNameForm
    list_display = ["name", "kind", "country", "trusted", "article_count"]
    list_filter = [SourceFeedsFilter, "trusted", "kind", "country"]
    search_fields = ["name", "slug", "country"]
    fields = [
        "name",
        "slug",
        "kind",
        "homepage",
        "country",
        "trusted",
        "created",
        "updated",
    ]
    inlines = [FeedInline]
    relation_name = "source"
    merge_service = staticmethod(services.source_merge)

    def get_inline_instances(self, request, obj=None):
        # The "+" popup of an article's form adds a source by its name alone.
        if IS_POPUP_VAR in request.GET or IS_POPUP_VAR in request.POST:
            return []
        return super().get_inline_instances(request, obj)


@admin.register(Author)
class AuthorAdmin(RegistryAdmin):
    list_display = ["name", "slug", "article_count"]
    fields = ["name", "slug", "created", "updated"]
    relation_name = "authors"
    merge_service = staticmethod(services.author_merge)


@admin.register(Tag)
class TagAdmin(RegistryAdmin):
    form = DistinctNameForm
    list_display = ["name", "slug", "article_count"]
    fields = ["name", "slug", "created", "updated"]
    relation_name = "tags"
    merge_service = staticmethod(services.tag_merge)
