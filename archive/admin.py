"""Curation in the Django admin; every write goes through ``archive.services``."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import models, transaction
from django.db.models import Count, QuerySet
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.text import capfirst

from archive import services
from archive.forms import (
    AddTagForm,
    ArticleAdminForm,
    DistinctNameForm,
    MergeForm,
    RemoveTagForm,
)
from archive.models import Article, Author, Source, Tag
from archive.sanitize import mark_sanitized


def _count(n: int, model, *, verb: str = "") -> str:
    """Return "1 article" / "3 articles" for ``model``'s verbose names."""
    opts = model._meta
    name = opts.verbose_name if n == 1 else opts.verbose_name_plural
    return f"{n} {name}{verb}"


def _choice_page(modeladmin, request, queryset, *, form, title, action, button):
    """Render the page on which a bulk action asks for its one choice."""
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": opts,
        "form": form,
        "media": modeladmin.media + form.media,
        "queryset": queryset,
        "count": _count(queryset.count(), modeladmin.model),
        "action": action,
        "button": button,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, "admin/archive/choose.html", context)


def _submitted(request) -> bool:
    return "apply" in request.POST


# Editors paste addresses without a scheme; today's sites are HTTPS.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


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
            request.POST if _submitted(request) else None,
            relation=relation,
            admin_site=self.admin_site,
        )
        if not form.is_valid():
            opts = self.model._meta
            return _choice_page(
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
                f"Merged {_count(merged, self.model)} into “{into}” "
                f"({_count(moved, Article)} moved to it).",
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
    list_display = ["name", "kind", "country", "article_count"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "slug", "country"]
    fields = ["name", "slug", "kind", "homepage", "country", "created", "updated"]
    relation_name = "source"
    merge_service = staticmethod(services.source_merge)


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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    formfield_overrides = URL_FIELDS
    list_display = ["title", "source", "published", "status", "tag_list"]
    list_filter = [
        "status",
        ("source", admin.RelatedOnlyFieldListFilter),
        ("tags", admin.RelatedOnlyFieldListFilter),
        "language",
        "kind",
    ]
    date_hierarchy = "published"
    search_fields = ["title", "authors__name", "body_text"]
    search_help_text = "Searches titles, author names and the text of the body."
    autocomplete_fields = ["source", "authors", "tags"]
    readonly_fields = ["body_preview", "created", "updated"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "source",
                    "authors",
                    ("published", "published_is_inferred"),
                    "url",
                    ("language", "kind"),
                    "tags",
                    "status",
                ]
            },
        ),
        ("Text", {"fields": ["summary", "body", "body_preview"]}),
        (
            "Record",
            {
                "fields": ["slug", ("created", "updated")],
                "description": "The slug is derived from the title when left blank.",
            },
        ),
    ]
    actions = ["publish", "unpublish", "add_tag", "remove_tag"]
    list_per_page = 50

    class Media:
        css = {"all": ["admin-extra/article.css"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("source")
            .prefetch_related("tags")
        )

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return self.fieldsets
        # A new article has no preview or timestamps yet.
        unsaved = {"body_preview", ("created", "updated")}
        return [
            (
                name,
                {
                    **options,
                    "fields": [f for f in options["fields"] if f not in unsaved],
                },
            )
            for name, options in self.fieldsets
        ]

    @admin.display(description="tags")
    def tag_list(self, obj: Article) -> str:
        return ", ".join(tag.name for tag in obj.tags.all())

    @admin.display(description="preview (as readers see it)")
    def body_preview(self, obj: Article):
        if not obj.body:
            return "No body text."
        return format_html(
            '<div class="article-preview">{}</div>', mark_sanitized(obj.body)
        )

    def view_on_site(self, obj: Article) -> str | None:
        return obj.get_absolute_url() if obj.is_published else None

    def save_model(self, request, obj, form, change):
        services.article_save(article=obj)
        removed = form.removed_elements()
        if removed:
            names = ", ".join(f"<{name}>" for name in removed)
            self.message_user(
                request,
                f"Markup the archive does not publish was removed from the body: "
                f"{names}. The preview shows what readers see.",
                messages.WARNING,
            )

    def delete_model(self, request, obj):
        services.article_delete(article=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for article in queryset:
                services.article_delete(article=article)

    def _set_status(self, request, queryset, status: str, verb: str) -> None:
        total = queryset.count()
        changed = services.articles_set_status(articles=queryset, status=status)
        message = f"{capfirst(verb)} {_count(changed, Article)}."
        if changed < total:
            message += f" {total - changed} already {verb}."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Publish selected articles", permissions=["change"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Article.Status.PUBLISHED, "published")

    @admin.action(description="Unpublish selected articles", permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Article.Status.DRAFT, "unpublished")

    @admin.action(description="Add a tag to selected articles…", permissions=["change"])
    def add_tag(self, request, queryset):
        form = AddTagForm(
            request.POST if _submitted(request) else None, admin_site=self.admin_site
        )
        if not form.is_valid():
            return _choice_page(
                self,
                request,
                queryset,
                form=form,
                title="Add a tag",
                action="add_tag",
                button="Add tag",
            )
        tag = form.cleaned_data["tag"] or services.tag_get_or_create(
            name=form.cleaned_data["new_tag"]
        )
        changed = services.articles_add_tag(articles=queryset, tag=tag)
        self.message_user(
            request,
            f"Tagged {_count(changed, Article)} “{tag}”.",
            messages.SUCCESS,
        )
        return None

    @admin.action(
        description="Remove a tag from selected articles…", permissions=["change"]
    )
    def remove_tag(self, request, queryset):
        form = RemoveTagForm(
            request.POST if _submitted(request) else None, articles=queryset
        )
        if not form.is_valid():
            return _choice_page(
                self,
                request,
                queryset,
                form=form,
                title="Remove a tag",
                action="remove_tag",
                button="Remove tag",
            )
        tag = form.cleaned_data["tag"]
        changed = services.articles_remove_tag(articles=queryset, tag=tag)
        self.message_user(
            request,
            f"Removed “{tag}” from {_count(changed, Article)}.",
            messages.SUCCESS,
        )
        return None
