"""Collecting in the admin: "Add from URL", the batches it queues, the captures, and feeds."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from archive.admin.common import URL_FIELDS
from archive.collect.fetch import FetchError, check_url
from archive.collect.models import Capture, CaptureRequest, Feed
from archive.collect.requests import request_captures
from archive.models import Source, Tag

MAX_URLS = 200


class CaptureUrlsForm(forms.Form):
    urls = forms.CharField(
        label=gettext_lazy("URLs"),
        widget=forms.Textarea(attrs={"rows": 10, "cols": 90}),
        help_text=gettext_lazy("One per line, up to %(count)d.") % {"count": MAX_URLS},
        error_messages={"required": gettext_lazy("Paste at least one URL.")},
    )
    source = forms.ModelChoiceField(
        Source.objects.all(),
        required=False,
        label=gettext_lazy("Source"),
        help_text=gettext_lazy(
            "File the articles under this source (otherwise the one the page names)."
        ),
    )
    tags = forms.ModelMultipleChoiceField(
        Tag.objects.all(),
        required=False,
        label=gettext_lazy("Tags"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    publish = forms.BooleanField(
        required=False,
        label=gettext_lazy("Publish at once (otherwise they arrive as drafts)"),
    )

    def clean_urls(self) -> list[str]:
        lines = []
        for line in self.cleaned_data["urls"].splitlines():
            if line.strip() and line.strip() not in lines:
                lines.append(line.strip())
        if not lines:
            raise forms.ValidationError(_("Paste at least one URL."))
        if len(lines) > MAX_URLS:
            raise forms.ValidationError(
                _(
                    "%(count)d URLs: give at most %(limit)d at a time, "
                    "or use manage.py capture_url."
                )
                % {"count": len(lines), "limit": MAX_URLS}
            )
        return lines


@admin.register(CaptureRequest)
class CaptureRequestAdmin(admin.ModelAdmin):
    """The add page is "Add from URL"; each submission is shown as a batch."""

    list_display = ["url", "state", "message", "article_link", "requested_at"]
    list_filter = ["state"]
    search_fields = ["url", "message"]

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        batch = path(
            "batch/<uuid:batch>/",
            self.admin_site.admin_view(self.batch_view),
            name="collect_capturerequest_batch",
        )
        return [batch, *super().get_urls()]

    @admin.display(description="Article")
    def article_link(self, obj):
        if not obj.article_id:
            return "—"
        url = reverse("admin:archive_article_change", args=[obj.article_id])
        return format_html('<a href="{}">#{}</a>', url, obj.article_id)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CaptureUrlsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            batch = self._queue(request, form.cleaned_data)
            return redirect("admin:collect_capturerequest_batch", batch=batch)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Add articles from URLs"),
            "form": form,
        }
        return TemplateResponse(request, "admin/collect/capture_urls.html", context)

    def _queue(self, request, data):
        good, refused = [], {}
        for url in data["urls"]:
            try:
                check_url(url)
                good.append(url)
            except FetchError as problem:
                refused[url] = str(problem)
        batch = request_captures(
            good,
            source=data["source"],
            tags=[tag.name for tag in data["tags"]],
            publish=data["publish"],
            user=request.user,
        )
        # Lines that are no web address are answered at once, in the same batch.
        CaptureRequest.objects.bulk_create(
            CaptureRequest(
                batch=batch,
                url=url,
                state=CaptureRequest.State.FAILED,
                message=message,
                requested_by=request.user,
                finished_at=timezone.now(),
            )
            for url, message in refused.items()
        )
        return batch

    def batch_view(self, request, batch):
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = list(
            CaptureRequest.objects.filter(batch=batch).select_related(
                "article", "capture"
            )
        )
        waiting = any(
            row.state in (CaptureRequest.State.PENDING, CaptureRequest.State.RUNNING)
            for row in rows
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Captures requested"),
            "rows": rows,
            "waiting": waiting,
            "failed": sum(row.state == CaptureRequest.State.FAILED for row in rows),
        }
        return TemplateResponse(request, "admin/collect/capture_batch.html", context)


@admin.register(Capture)
class CaptureAdmin(admin.ModelAdmin):
    """Captures are evidence: listed and read, never edited."""

    list_display = [
        "final_url",
        "fetched_at",
        "http_status",
        "shown_size",
        "short_sha256",
        "origin",
        "article",
    ]
    list_filter = ["origin", "http_status"]
    search_fields = ["url", "final_url", "sha256"]
    list_select_related = ["article"]
    raw_id_fields = ["article", "revisit_of"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Size", ordering="size")
    def shown_size(self, obj):
        return filesizeformat(obj.size)

    @admin.display(description="SHA-256")
    def short_sha256(self, obj):
        return format_html('<code title="{}">{}…</code>', obj.sha256, obj.sha256[:12])


def feed_health(feed: Feed, now=None) -> str:
    """The feed's state in a few words: failing, quiet, never polled or fine."""
    now = now or timezone.now()
    if feed.pk is None:  # the blank row for a new feed
        return ""
    if not feed.active:
        return _("Inactive")
    if feed.failures:
        return ngettext(
            "Failing (%(count)d failure)",
            "Failing (%(count)d failures in a row)",
            feed.failures,
        ) % {"count": feed.failures}
    if feed.last_polled is None:
        return _("Not polled yet")
    if feed.quiet_after and feed.quiet_after <= now:
        return _("Quiet")
    return _("Healthy")


class FeedHealthFilter(admin.SimpleListFilter):
    title = gettext_lazy("health")
    parameter_name = "health"

    def lookups(self, request, model_admin):
        return [
            ("failing", _("Failing")),
            ("quiet", _("Quiet: no new item for three times the usual interval")),
            ("never", _("Not polled yet")),
            ("healthy", _("Healthy")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        match self.value():
            case "failing":
                return queryset.failing()
            case "quiet":
                return queryset.quiet(now)
            case "never":
                return queryset.filter(last_polled__isnull=True)
            case "healthy":
                return queryset.filter(failures=0, last_success__isnull=False).exclude(
                    quiet_after__lte=now
                )
        return queryset


class SourceFeedsFilter(admin.SimpleListFilter):
    """Sources by the health of their feeds (for the source list)."""

    title = gettext_lazy("feeds")
    parameter_name = "feeds"

    def lookups(self, request, model_admin):
        return [
            ("failing", _("With a failing feed")),
            ("quiet", _("Quiet: no new item for three times the usual interval")),
            ("any", _("With feeds")),
            ("none", _("Without feeds")),
        ]

    def queryset(self, request, queryset):
        active = Feed.objects.filter(active=True, source=OuterRef("pk"))
        now = timezone.now()
        match self.value():
            case "failing":
                return queryset.filter(Exists(active.failing()))
            case "quiet":
                # Quiet when no active feed had a new item within three of its
                # usual intervals (feeds whose interval is unknown say nothing).
                return queryset.filter(Exists(active.quiet(now))).exclude(
                    Exists(active.filter(quiet_after__gt=now))
                )
            case "any":
                return queryset.filter(
                    Exists(Feed.objects.filter(source=OuterRef("pk")))
                )
            case "none":
                return queryset.exclude(
                    Exists(Feed.objects.filter(source=OuterRef("pk")))
                )
        return queryset


class FeedHealthColumns:
    """The health columns shared by the feed list and the feeds on a source's page."""

    @admin.display(description=gettext_lazy("health"))
    def health(self, obj):
        return feed_health(obj)

    @admin.display(description=gettext_lazy("last error"))
    def error(self, obj):
        return obj.last_error or "—"


class FeedInline(FeedHealthColumns, admin.TabularInline):
    model = Feed
    extra = 1
    fields = [
        "url",
        "active",
        "poll_minutes",
        "health",
        "last_success",
        "last_new_item",
        "error",
    ]
    readonly_fields = ["health", "last_success", "last_new_item", "error"]
    formfield_overrides = {
        models.URLField: {
            "widget": forms.URLInput(attrs={"size": 60}),
            **URL_FIELDS[models.URLField],
        }
    }


@admin.register(Feed)
class FeedAdmin(FeedHealthColumns, admin.ModelAdmin):
    """The sources' feeds with their health; "Poll now" asks the worker to poll them."""

    formfield_overrides = URL_FIELDS
    # Inactive feeds say so under health; the next poll is on each feed's page.
    list_display = [
        "url",
        "source",
        "health",
        "last_success",
        "last_new_item",
        "error",
    ]
    list_filter = [FeedHealthFilter, "active"]
    list_select_related = ["source"]
    search_fields = ["url", "source__name"]
    autocomplete_fields = ["source"]
    actions = ["poll_now"]
    fieldsets = [
        (None, {"fields": ["source", "url", "active", "poll_minutes"]}),
        (
            gettext_lazy("Health"),
            {
                "fields": [
                    "health",
                    "last_polled",
                    "last_success",
                    "last_new_item",
                    "failures",
                    "error",
                    "next_poll",
                    "item_interval",
                ]
            },
        ),
    ]
    readonly_fields = [
        "health",
        "last_polled",
        "last_success",
        "last_new_item",
        "failures",
        "error",
        "next_poll",
        "item_interval",
    ]

    @admin.action(description=gettext_lazy("Poll now"), permissions=["change"])
    def poll_now(self, request, queryset):
        from archive.collect.tasks import poll_feeds

        inactive = queryset.filter(active=False).count()
        count = queryset.filter(active=True).update(next_poll=timezone.now(), claim="")
        transaction.on_commit(poll_feeds.enqueue)
        self.message_user(
            request,
            ngettext(
                "%(count)d feed will be polled by the background worker within a "
                "minute; reload this page to see the result.",
                "%(count)d feeds will be polled by the background worker within a "
                "minute; reload this page to see the results.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
        if inactive:
            self.message_user(
                request,
                ngettext(
                    "%(count)d inactive feed was left alone: make it active first.",
                    "%(count)d inactive feeds were left alone: make them active first.",
                    inactive,
                )
                % {"count": inactive},
                messages.WARNING,
            )
