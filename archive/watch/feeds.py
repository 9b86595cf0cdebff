"""The Atom feed of the changes page: every change and deletion found, newest first."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.translation import gettext as _

from archive.listing.exports import FEED_SIZE, SITE_NAME
from archive.watch import selectors


def _title(change: selectors.Change) -> str:
    if change.comparison is None:
        return _("Gone from the source: %(title)s") % {"title": change.article.title}
    return _("Changed at the source: %(title)s") % {"title": change.article.title}


def _link(request, change: selectors.Change) -> str:
    article = change.article
    if change.comparison is None:
        return request.build_absolute_uri(article.get_absolute_url())
    comparison = change.comparison
    return request.build_absolute_uri(
        reverse("watch:compare-versions", args=[article.pk])
        + f"?from={comparison.old.number}&to={comparison.new.number}"
    )


def changes_feed(request, events, source) -> HttpResponse:
    """Answer with the Atom feed of ``events`` (one source's, when given)."""
    page_url = reverse("watch:changes") + (f"?source={source.slug}" if source else "")
    feed_url = (
        reverse("watch:changes")
        + "?format=atom"
        + (f"&source={source.slug}" if source else "")
    )
    title = (
        _("Changes at %(source)s") % {"source": source.name}
        if source
        else _("Changes at the sources")
    )
    feed = feedgenerator.Atom1Feed(
        title=title,
        link=request.build_absolute_uri(page_url),
        feed_url=request.build_absolute_uri(feed_url),
        description="",
        author_name=SITE_NAME,
        feed_guid=request.build_absolute_uri(feed_url),
    )
    for change in selectors.changes(events[:FEED_SIZE]):
        check = change.check
        feed.add_item(
            title=_title(change),
            link=_link(request, change),
            description=render_to_string(
                "watch/_change_entry.html", {"change": change}, request=request
            ),
            unique_id=request.build_absolute_uri(reverse("watch:changes"))
            + f"#check-{check.pk}",
            unique_id_is_permalink=False,
            pubdate=check.checked_at,
            updateddate=check.checked_at,
            categories=[change.article.source.name],
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response
