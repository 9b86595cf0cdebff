"""The search page."""

from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def results(request):
    return render(
        request, "search/results.html", {"query": request.GET.get("q", "")[:200]}
    )
