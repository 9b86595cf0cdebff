"""The search page's result list as HTML built in Python, the markup of the shared partial.

A result page shows 20 hits; rendering ``includes/_result.html`` for each
through the template engine (a few hundred nodes, tags and filters per hit)
was a third of the page's time. ``result_item`` writes the same markup with
one ``format_html`` per part. Everything it shows is escaped here but the
snippet, which is already safe (``search.snippets``). A test renders the
partial and this side by side for rows of every shape, so the two cannot
drift apart.
"""

from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from archive import citations


def result_item(
    article, snippet: str, article_query: str, request: HttpRequest
) -> SafeString:
    """Return ``includes/_result.html`` for one hit (heading level 2)."""
    path = article.get_absolute_url()
    href = f"{path}?{article_query}" if article_query else path
    parts = [
        format_html(
            '\n<article class="result">\n  <h2 class="result__title">'
            '<a href="{}" lang="{}">{}</a></h2>\n  <p class="meta result__meta">\n    ',
            href,
            article.language,
            article.title,
        ),
        _source(article),
        "\n    · ",
        _date(article),
        "\n    ",
        _authors(article.byline),
        format_html("\n    · {}", article.get_kind_display()),
        format_html(" · {}", article.get_language_display())
        if article.language != "en"
        else "",
        "\n  </p>\n  ",
        _snippet(article, snippet),
        "\n  ",
        _tags(article.tags.all()),
        format_html(
            '\n  <span class="Z3988" title="{}"></span>\n</article>\n',
            citations.coins(citations.cite(article, request.build_absolute_uri(path))),
        ),
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every part escaped above


def _source(article) -> SafeString:
    if article.source_is_placeholder:
        return format_html('<span class="unknown">{}</span>', _("Source unknown"))
    source = article.source
    return format_html('<a href="{}">{}</a>', source.get_absolute_url(), source.name)


def _date(article) -> SafeString:
    if article.date_is_placeholder:
        return format_html('<span class="unknown">{}</span>', _("Date unknown"))
    shown = format_html(
        '<time datetime="{}">{}</time>',
        article.published.isoformat(),
        date_format(article.published, "DATE_FORMAT"),
    )
    if not article.published_is_inferred:
        return shown
    return format_html(
        '{}<abbr class="inferred" title="{}">*</abbr>',
        shown,
        _("Date inferred: the source does not print it"),
    )


def _authors(authors) -> SafeString | str:
    if not authors:
        return ""
    return format_html(
        "· {}",
        format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((a.get_absolute_url(), a.name) for a in authors),
        ),
    )


def _snippet(article, snippet: str) -> SafeString | str:
    if snippet:
        text = snippet
    elif article.summary:
        text = Truncator(article.summary).words(45, truncate=" …")
    else:
        return ""
    return format_html(
        '<p class="result__snippet" lang="{}">{}</p>', article.language, text
    )


def _tags(tags) -> SafeString | str:
    if not tags:
        return ""
    return format_html(
        '\n  <ul class="tag-list" aria-label="{}">{}</ul>\n  ',
        _("Tags"),
        format_html_join(
            "",
            '<li><a href="{}">{}</a></li>',
            ((t.get_absolute_url(), t.name) for t in tags),
        ),
    )
