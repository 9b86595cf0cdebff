"""The admin's import page: upload files or paste a page, then see what was imported.

The view is mounted by ``ArticleAdmin.get_urls()`` inside the admin site (which
checks log-in and staff status); it runs the same importer as the
``import_articles`` command and lists every record with a link to the article.
"""

from dataclasses import dataclass

from django import forms
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive import import_jobs
from archive.importers import (
    Action,
    ImportDefaults,
    ImportInput,
    ImportOptions,
    ImportReport,
    Outcome,
    max_file_bytes,
    run_import,
)
from archive.importers.runner import SAME_TEXT, SAME_TITLE, SAME_URL
from archive.models import Article, ImportJob

PASTED_NAME = "pasted page"
RECENT_JOBS = 10
REFRESH_SECONDS = 3


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field taking several files; the importer reports on each one (empty ones too)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if isinstance(f, UploadedFile)]


class ImportForm(forms.Form):
    files = MultipleFileField(
        required=False,
        label=gettext_lazy("Files"),
        help_text=gettext_lazy(
            "JSON, JSON Lines or CSV (as the archive exports them), RSS or Atom "
            "feeds, saved web pages or plain-text captures; several at once."
        ),
    )
    pasted = forms.CharField(
        required=False,
        label=gettext_lazy("…or paste a page"),
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text=gettext_lazy("The HTML source or the text of one article."),
    )
    source = forms.CharField(
        required=False,
        max_length=200,
        label=gettext_lazy("Source"),
        help_text=gettext_lazy("For records that name no source; created if new."),
    )
    tags = forms.CharField(
        required=False,
        max_length=500,
        label=gettext_lazy("Tags"),
        help_text=gettext_lazy("Comma-separated; added to every imported article."),
    )
    status = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Status"),
        choices=[
            (
                "",
                gettext_lazy(
                    "Pages, feeds and text as drafts; JSON and CSV records keep theirs"
                ),
            ),
            *Article.Status.choices,
        ],
    )
    published = forms.DateField(
        required=False,
        label=gettext_lazy("Date"),
        help_text=gettext_lazy("For records without a date (YYYY-MM-DD)."),
    )
    kind = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Kind"),
        choices=[("", "—"), *Article.Kind.choices],
    )
    language = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Language"),
        choices=[("", "—"), *Article.Language.choices],
    )
    update = forms.BooleanField(
        required=False,
        label=gettext_lazy(
            "Update articles already in the archive (same URL or same text)"
        ),
    )
    dry_run = forms.BooleanField(
        required=False,
        label=gettext_lazy("Check only: report what would happen, save nothing"),
    )

    def clean(self):
        data = super().clean()
        if not data.get("files") and not (data.get("pasted") or "").strip():
            raise forms.ValidationError(_("Choose at least one file or paste a page."))
        return data

    def inputs(self) -> list[ImportInput]:
        """The uploaded files and the pasted page, as importer inputs."""
        data = self.cleaned_data
        inputs = [ImportInput.from_upload(upload) for upload in data["files"]]
        if data["pasted"].strip():
            inputs.append(ImportInput.from_text(data["pasted"], name=PASTED_NAME))
        return inputs

    def options(self) -> ImportOptions:
        """The import's defaults and switches as chosen on the form."""
        data = self.cleaned_data
        defaults = ImportDefaults(
            source=data["source"].strip(),
            published=data["published"],
            tags=tuple(t.strip() for t in data["tags"].split(",") if t.strip()),
            kind=data["kind"],
            language=data["language"],
            status=data["status"],
        )
        return ImportOptions(
            defaults=defaults, update=data["update"], dry_run=data["dry_run"]
        )


@dataclass(frozen=True)
class ResultRow:
    """One line of the result table."""

    outcome: Outcome
    label: str
    change_url: str
    status_label: str = ""  # the article's status as the admin names it
    match_reason: str = ""  # why a duplicate matched, in the reader's language


_MATCH_REASONS = {
    SAME_URL: gettext_lazy("same URL"),
    SAME_TEXT: gettext_lazy("same text"),
    SAME_TITLE: gettext_lazy("same title, source and date"),
}
_LABELS = {
    Action.CREATED: gettext_lazy("Created"),
    Action.UPDATED: gettext_lazy("Updated"),
    Action.UNCHANGED: gettext_lazy("Unchanged"),
    Action.DUPLICATE: gettext_lazy("Already in the archive"),
    Action.FAILED: gettext_lazy("Failed"),
}


def _rows(report: ImportReport, admin_name: str) -> list[ResultRow]:
    statuses = dict(Article.Status.choices)
    rows = []
    for outcome in report.outcomes:
        url = ""
        # A dry run saves nothing, but the article a duplicate matched exists.
        if outcome.article_id and (
            not report.dry_run or outcome.action is Action.DUPLICATE
        ):
            url = reverse(
                f"{admin_name}:archive_article_change", args=[outcome.article_id]
            )
        rows.append(
            ResultRow(
                outcome,
                _LABELS[outcome.action],
                url,
                str(statuses.get(outcome.status, outcome.status)),
                str(_MATCH_REASONS.get(outcome.match_reason, outcome.match_reason)),
            )
        )
    return rows


def article_import_view(
    request: HttpRequest, *, model_admin: ModelAdmin
) -> HttpResponse:
    """Show the import form; on POST import the files or pasted page and list the results.

    An upload bigger than ``IMPORT_BACKGROUND_BYTES`` goes to the background
    worker instead, and the answer is the job's page.
    """
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["update"] and not model_admin.has_change_permission(
            request
        ):
            form.add_error(
                "update", _("You are not allowed to change existing articles.")
            )
        elif import_jobs.runs_in_background(inputs := form.inputs()):
            job = import_jobs.queue_import(inputs, form.options(), user=request.user)
            return redirect(_job_url(model_admin, job.pk))
        else:
            report = run_import(inputs, form.options())
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "title": _("Import articles"),
        "form": form,
        "report": report,
        "rows": _rows(report, model_admin.admin_site.name) if report else [],
        "max_size": filesizeformat(max_file_bytes()),
        "background_size": filesizeformat(import_jobs.background_threshold()),
        "jobs": [
            (job, _job_url(model_admin, job.pk))
            for job in ImportJob.objects.only(
                "pk", "state", "requested_at", "file_names", "dry_run"
            )[:RECENT_JOBS]
        ],
    }
    return TemplateResponse(request, "admin/archive/import.html", context)


def _job_url(model_admin: ModelAdmin, job_id: int) -> str:
    return reverse(
        f"{model_admin.admin_site.name}:archive_article_import_job", args=[job_id]
    )


def import_job_view(
    request: HttpRequest, job_id: int, *, model_admin: ModelAdmin
) -> HttpResponse:
    """A background import's page: waiting, its progress, then every record's outcome."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    job = get_object_or_404(ImportJob, pk=job_id)
    finished = job.state in (ImportJob.State.DONE, ImportJob.State.FAILED)
    report = import_jobs.job_report(job) if job.state == ImportJob.State.DONE else None
    progress = job.progress or {}
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "title": _("Import #%(number)d") % {"number": job.pk},
        "job": job,
        "finished": finished,
        "report": report,
        "rows": _rows(report, model_admin.admin_site.name) if report else [],
        "files_done": progress.get("files_done", 0),
        "files_total": progress.get("files_total", len(job.file_names)),
        "records_done": progress.get("records_done", 0),
        "records_in_file": progress.get("records_in_file", 0),
        "import_url": reverse(f"{model_admin.admin_site.name}:archive_article_import"),
    }
    response = TemplateResponse(request, "admin/archive/import_job.html", context)
    if not finished:
        # The page follows the job without script: it asks again every few seconds.
        response["Refresh"] = str(REFRESH_SECONDS)
    return response
