"""Public pages of the archive (thin: read, then render)."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from archive.models import Article, Source


@require_safe
def home(request):
    published = Article.objects.published()
    context = {
        "article_count": published.count(),
        "source_count": Source.objects.filter(articles__in=published)
        .distinct()
        .count(),
        "latest": published.with_relations().newest_first()[:10],
    }
    return render(request, "archive/home.html", context)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
