"""Articles: list, filters, search, preview, bulk status and tag actions."""

from django.contrib import admin, messages
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import escape, format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from archive import services
from archive.admin.common import URL_FIELDS, choice_page, count_phrase, submitted
from archive.admin_import import article_import_view, import_job_view
from archive.forms import (
    AddTagForm,
    ArticleAdminForm,
    PublishUnreviewedForm,
    RemoveTagForm,
)
from archive.models import Article
from archive.sanitize import Removed, mark_sanitized
from archive.watch.admin import versions_table


class NeedsReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("needed", "Needs review"), ("done", "Reviewed")]

    def queryset(self, request, queryset):
        if self.value() == "needed":
            return queryset.needing_review()
        if self.value() == "done":
            return queryset.filter(review_note="")
        return queryset


def removal_warning(removed: Removed) -> str:
    """The warning after a save: which elements, attributes and links were removed."""
    parts = []
    if removed.tags:
        names = ", ".join(f"<{name}>" for name in removed.tags)
        parts.append(_("elements %(names)s") % {"names": names})
    if removed.attributes:
        names = ", ".join(f"<{name}>" for name in removed.attributes)
        parts.append(_("attributes %(names)s") % {"names": names})
    if removed.links:
        parts.append(_("links to %(urls)s") % {"urls": ", ".join(removed.links)})
    return _(
        "Markup the archive does not publish was removed from the body: "
        "%(removed)s. The preview shows what readers see."
    ) % {"removed": "; ".join(parts)}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    formfield_overrides = URL_FIELDS
    list_display = ["title", "source", "published", "status", "tag_list"]
    list_filter = [
        "status",
        NeedsReviewFilter,
        ("source", admin.RelatedOnlyFieldListFilter),
        ("tags", admin.RelatedOnlyFieldListFilter),
        "language",
        "kind",
    ]
    date_hierarchy = "published"
    search_fields = ["title", "authors__name", "body_text"]
    search_help_text = "Searches titles, author names and the text of the body."
    autocomplete_fields = ["source", "authors", "tags"]
    readonly_fields = [
        "body_preview",
        "created",
        "updated",
        "at_source",
        "at_source_since",
        "checked",
        "source_checks",
        "source_versions",
    ]
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
                    "review_note",
                    "publish_unreviewed",
                    "based_on",
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
        (
            gettext_lazy("At the source"),
            {
                "fields": [
                    ("at_source", "at_source_since"),
                    ("checked", "source_checks"),
                    "source_versions",
                ]
            },
        ),
    ]
    actions = ["publish", "unpublish", "add_tag", "remove_tag"]
    list_per_page = 50

    class Media:
        css = {"all": ["admin-extra/article.css"]}

    def get_urls(self):
        opts = self.model._meta
        page = path(
            "import/",
            self.admin_site.admin_view(self.import_view),
            name=f"{opts.app_label}_{opts.model_name}_import",
        )
        job = path(
            "import/<int:job_id>/",
            self.admin_site.admin_view(self.import_job_view),
            name=f"{opts.app_label}_{opts.model_name}_import_job",
        )
        return [page, job, *super().get_urls()]

    def import_view(self, request):
        return article_import_view(request, model_admin=self)

    def import_job_view(self, request, job_id):
        return import_job_view(request, job_id, model_admin=self)

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
        # A new article has no preview, timestamps or checks yet.
        unsaved = {"body_preview", ("created", "updated")}
        return [
            (
                name,
                {
                    **options,
                    "fields": [f for f in options["fields"] if f not in unsaved],
                },
            )
            for name, options in self.fieldsets[:-1]
        ]

    @admin.display(description=gettext_lazy("versions at the source"))
    def source_versions(self, obj: Article):
        return versions_table(obj)

    @admin.display(description=gettext_lazy("checks"))
    def source_checks(self, obj: Article):
        count = obj.checks.count()
        if not count:
            return gettext("never checked")
        url = reverse("admin:watch_check_changelist") + f"?article__id__exact={obj.pk}"
        return format_html(
            '<a href="{}">{}</a>',
            url,
            ngettext("%(count)d check", "%(count)d checks", count) % {"count": count},
        )

    @admin.display(description="tags")
    def tag_list(self, obj: Article) -> str:
        return ", ".join(tag.name for tag in obj.tags.all())

    @admin.display(description="preview (as readers see it)")
    def body_preview(self, obj: Article):
        if not obj.body:
            return "No body text."
        # The article page's own stylesheet, in a frame that runs no scripts:
        # the curator sees the body as readers will, not in the admin's styles.
        document = render_to_string(
            "admin/archive/article/_preview.html",
            {"article": obj, "body": mark_sanitized(obj.body)},
        )
        return format_html(
            '<iframe class="article-preview" sandbox srcdoc="{}" '
            'title="The body as readers see it"></iframe>',
            # srcdoc is an attribute: the whole document is escaped into it
            # (render_to_string's output is marked safe, so say so explicitly).
            escape(document),
        )

    def view_on_site(self, obj: Article) -> str | None:
        return obj.get_absolute_url() if obj.is_published else None

    def save_model(self, request, obj, form, change):
        services.article_save(article=obj)
        removed = form.removed_markup()
        if removed:
            self.message_user(request, removal_warning(removed), messages.WARNING)

    def delete_model(self, request, obj):
        services.article_delete(article=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for article in queryset:
                services.article_delete(article=article)

    def _log_bulk(self, request, articles, fields: list[str]) -> None:
        """Keep a bulk change in each article's history, as a form save is."""
        message = [{"changed": {"fields": fields}}]
        for article in articles:
            self.log_change(request, article, message)

    def _set_status(self, request, queryset, status: str, verb: str) -> None:
        total = queryset.count()
        changing = list(queryset.exclude(status=status))
        changed = services.articles_set_status(articles=queryset, status=status)
        self._log_bulk(request, changing, ["Status"])
        message = f"{capfirst(verb)} {count_phrase(changed, Article)}."
        if changed < total:
            message += f" {total - changed} already {verb}."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Publish selected articles", permissions=["change"])
    def publish(self, request, queryset):
        unreviewed = queryset.drafts().needing_review().order_by("pk")
        if unreviewed.exists():
            form = PublishUnreviewedForm(
                request.POST if submitted(request) else None, unreviewed=unreviewed
            )
            if not form.is_valid():
                return choice_page(
                    self,
                    request,
                    queryset,
                    form=form,
                    title="Publish articles with unresolved review notes?",
                    action="publish",
                    button="Publish",
                )
            if form.cleaned_data["choice"] == "reviewed":
                queryset = queryset.exclude(pk__in=unreviewed.values("pk"))
        self._set_status(request, queryset, Article.Status.PUBLISHED, "published")
        return None

    @admin.action(description="Unpublish selected articles", permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Article.Status.DRAFT, "unpublished")

    @admin.action(description="Add a tag to selected articles…", permissions=["change"])
    def add_tag(self, request, queryset):
        form = AddTagForm(
            request.POST if submitted(request) else None, admin_site=self.admin_site
        )
        if not form.is_valid():
            return choice_page(
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
        self._log_bulk(request, queryset, ["Tags"])
        self.message_user(
            request,
            f"Tagged {count_phrase(changed, Article)} “{tag}”.",
            messages.SUCCESS,
        )
        return None

    @admin.action(
        description="Remove a tag from selected articles…", permissions=["change"]
    )
    def remove_tag(self, request, queryset):
        form = RemoveTagForm(
            request.POST if submitted(request) else None, articles=queryset
        )
        if not form.is_valid():
            return choice_page(
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
        self._log_bulk(request, queryset, ["Tags"])
        self.message_user(
            request,
            f"Removed “{tag}” from {count_phrase(changed, Article)}.",
            messages.SUCCESS,
        )
        return None
