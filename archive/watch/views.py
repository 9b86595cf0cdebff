"""Pages about articles at their sources: versions, differences, the changes found."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from archive.listing.exports import bad_format_response
from archive.models import Article, Source
from archive.watch import feeds, selectors

CHANGES_PER_PAGE = 20


def _article(request, pk: int) -> Article:
    article = get_object_or_404(Article.objects.select_related("source"), pk=pk)
    if not article.is_published and not request.user.is_staff:
        raise Http404("No such article.")
    return article


def _private_if_draft(response, article: Article):
    if not article.is_published:
        patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
def article_versions(request, pk: int):
    """Every version of the article its source has shown, oldest first."""
    article = _article(request, pk)
    versions = list(selectors.versions_of(article))
    context = {"article": article, "versions": versions}
    return _private_if_draft(render(request, "watch/versions.html", context), article)


def _number(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


@require_safe
def compare_versions(request, pk: int):
    """The word-level difference between two versions (by default the last two)."""
    article = _article(request, pk)
    versions = {v.number: v for v in selectors.versions_of(article)}
    notices = []
    newest = max(versions, default=None)
    new_number = _number(request.GET.get("to")) or newest
    old_number = _number(request.GET.get("from"))
    for name in ("from", "to"):
        asked = request.GET.get(name)
        if asked and _number(asked) not in versions:
            notices.append(
                _("There is no version “%(value)s” of this article.")
                % {"value": asked[:20]}
            )
    if new_number not in versions:
        new_number = newest
    if old_number not in versions or old_number == new_number:
        old_number = max((n for n in versions if n < (new_number or 0)), default=None)
    comparison = None
    if old_number is not None and new_number is not None:
        comparison = selectors.compare(versions[old_number], versions[new_number])
    context = {
        "article": article,
        "versions": list(versions.values()),
        "comparison": comparison,
        "notices": notices,
    }
    return _private_if_draft(render(request, "watch/compare.html", context), article)


@require_safe
def changes(request):
    """The latest changes and deletions detected at the sources, newest first."""
    notices = []
    source = None
    slug = request.GET.get("source", "").strip()
    if slug:
        source = Source.objects.filter(slug=slug).first()
        if source is None:
            notices.append(
                _("There is no source “%(value)s”; showing every source.")
                % {"value": slug[:60]}
            )
    events = selectors.events(source)
    fmt = request.GET.get("format", "html").strip().lower() or "html"
    if fmt == "atom":
        return feeds.changes_feed(request, events, source)
    if fmt != "html":
        return bad_format_response(
            _("Unknown format “%(value)s”. Use one of: %(formats)s.")
            % {"value": fmt[:40], "formats": "format=html, format=atom"}
        )
    page = Paginator(events, CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    feed_url = (
        reverse("watch:changes")
        + "?format=atom"
        + (f"&source={source.slug}" if source else "")
    )
    context = {
        "page": page,
        "changes": selectors.changes(page.object_list),
        "source": source,
        "sources": selectors.sources_with_events(),
        "notices": notices,
        "feed_url": feed_url,
    }
    return render(request, "watch/changes.html", context)
