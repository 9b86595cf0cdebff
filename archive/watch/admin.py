"""Watching in the admin: each article's checks and versions, and adopting a version."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from archive import services
from archive.models import Article
from archive.sanitize import html_to_text
from archive.watch.diff import word_diff
from archive.watch.models import Check, Version
from archive.watch.selectors import Comparison

# What a curator may take from a version: (field, what it holds there).
ADOPTABLE = ("title", "body", "published")


def version_body(version: Version) -> str:
    """The version's text as the article body the archive keeps (escaped paragraphs)."""
    from django.utils.html import escape

    return "".join(f"<p>{escape(line)}</p>" for line in version.text.splitlines())


class ReadOnly:
    """Records of what the archive found: viewed, never edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def versions_table(article: Article):
    """The article's versions at the source, each with a link to compare and adopt it."""
    versions = list(article.versions.order_by("number"))
    if not versions:
        return _("none yet")
    return render_to_string(
        "admin/watch/_versions.html", {"article": article, "versions": versions}
    )


@admin.register(Check)
class CheckAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "checked_at",
        "article",
        "outcome",
        "http_status",
        "declared_gone",
        "detail",
    ]
    list_filter = ["outcome", "declared_gone"]
    list_select_related = ["article"]
    search_fields = ["article__title", "url"]
    date_hierarchy = "checked_at"
    raw_id_fields = ["article", "capture", "version"]


@admin.register(Version)
class VersionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["article", "number", "title", "first_seen", "last_seen", "adopted"]
    list_select_related = ["article"]
    search_fields = ["article__title", "title"]
    raw_id_fields = ["article", "capture"]

    def get_urls(self):
        adopt = path(
            "<int:pk>/adopt/",
            self.admin_site.admin_view(self.adopt_view),
            name="watch_version_adopt",
        )
        return [adopt, *super().get_urls()]

    def adopt_view(self, request, pk: int):
        """Compare a version with the archive's text; adopt the fields the curator ticks."""
        version = get_object_or_404(Version.objects.select_related("article"), pk=pk)
        article = version.article
        if not request.user.has_perm("archive.change_article"):
            raise PermissionDenied
        if request.method == "POST":
            chosen = [f for f in ADOPTABLE if request.POST.get(f)]
            if not chosen:
                messages.warning(request, _("Tick at least one field to adopt."))
            elif self._adopt(request, version, chosen):
                return redirect("admin:archive_article_change", article.pk)
        current = Version(title=article.title, text=html_to_text(article.body))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Adopt version %(number)s from the source")
            % {"number": version.number},
            "opts": Article._meta,
            "original": article,
            "version": version,
            "comparison": Comparison(
                current,
                version,
                word_diff(current.title, version.title),
                word_diff(current.text, version.text),
            ),
            "same_date": version.published in (None, article.published),
        }
        return TemplateResponse(request, "admin/watch/adopt.html", context)

    def _adopt(self, request, version: Version, chosen: list[str]) -> bool:
        article = version.article
        values = {
            "title": version.title,
            "body": version_body(version),
            "published": version.published or article.published,
        }
        try:
            services.article_update(article=article, **{f: values[f] for f in chosen})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return False
        Version.objects.filter(pk=version.pk).update(adopted=timezone.now())
        labels = [capfirst(Article._meta.get_field(f).verbose_name) for f in chosen]
        # Django's own shape, so the article's history names the fields.
        self.log_change(
            request,
            article,
            [
                {
                    "changed": {
                        "name": "version at the source",
                        "object": str(version.number),
                        "fields": labels,
                    }
                }
            ],
        )
        messages.success(
            request,
            _("Adopted version %(number)s: %(fields)s.")
            % {"number": version.number, "fields": ", ".join(labels)},
        )
        return True
