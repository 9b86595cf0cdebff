"""What the archive's admin pages share: bulk-action choice pages and messages."""

from django.contrib.admin import ModelAdmin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import models
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest
from django.template.response import TemplateResponse

SAMPLE_SIZE = 20


def count_phrase(n: int, model: type[models.Model]) -> str:
    """Return "1 article" / "3 articles" in ``model``'s verbose names."""
    opts = model._meta
    return f"{n} {opts.verbose_name if n == 1 else opts.verbose_name_plural}"


def choice_page(
    modeladmin: ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    form: Form,
    title: str,
    action: str,
    button: str,
) -> TemplateResponse:
    """Render the page on which a bulk action asks for its one choice."""
    total = queryset.count()
    # "Select all N" is carried as such, with the list's filters in the page's
    # URL, rather than as thousands of ids (Django needs at least one id).
    select_across = request.POST.get("select_across") == "1"
    ids = queryset.values_list("pk", flat=True)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "form": form,
        "media": modeladmin.media + form.media,
        "sample": queryset[:SAMPLE_SIZE],
        "more": max(total - SAMPLE_SIZE, 0),
        "count": count_phrase(total, modeladmin.model),
        "select_across": select_across,
        "selected": list(ids[:1] if select_across else ids),
        "action": action,
        "button": button,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, "admin/archive/choose.html", context)


def submitted(request: HttpRequest) -> bool:
    """True when the editor has made the choice (the choice page was posted)."""
    return "apply" in request.POST


# Editors paste addresses without a scheme; today's sites are HTTPS.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}
