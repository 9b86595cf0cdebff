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
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


def facet_list(facets, heading: str) -> SafeString:
    """Return ``includes/_facets.html`` for linked facets (``link_facets``) under ``heading``."""
    out = [
        format_html(
            '\n<section class="facets" aria-labelledby="facets-heading">\n'
            '  <h2 id="facets-heading" class="facets__heading">{}</h2>\n  ',
            heading,
        )
    ]
    for facet in facets:
        if facet.values:
            out.append(_facet(facet))
    out.append("\n</section>\n")
    return mark_safe("".join(out))  # noqa: S308 - every part escaped


def _facet(facet) -> str:
    lowered = conditional_escape(facet.label.lower())
    out = [
        format_html(
            '\n  <section class="facet" aria-labelledby="facet-{}">\n'
            '    <h3 id="facet-{}" class="facet__name">{}</h3>\n'
            '    <ul class="facet__values">\n      ',
            facet.name,
            facet.name,
            facet.label,
        )
    ]
    out += [_facet_value(fv, lowered) for fv in facet.values]
    out.append("\n    </ul>\n    ")
    if facet.more_url:
        out.append(
            format_html(
                '<p class="facet__more"><a href="{}">{}<span class="visually-hidden">'
                " ({})</span></a></p>",
                facet.more_url,
                _blocktranslated(_("All %(facet)s values"), facet=lowered),
                facet.label,
            )
        )
    out.append("\n    ")
    if facet.fewer_url:
        out.append(
            format_html(
                '<p class="facet__more"><a href="{}">{}</a></p>',
                facet.fewer_url,
                _blocktranslated(_("Fewer %(facet)s values"), facet=lowered),
            )
        )
    out.append("\n  </section>\n  ")
    return "".join(out)


def _facet_value(fv, facet_label: str) -> str:
    label = conditional_escape(fv.label)
    if fv.selected:
        hint = format_html(
            '<span class="visually-hidden">{} </span>', _("Remove filter:")
        )
    elif fv.excluded:
        hint = format_html(
            '<span class="visually-hidden">{} </span>', _("Excluded; choose instead:")
        )
    else:
        hint = ""
    if fv.excluded:
        title = _blocktranslated(_("Stop excluding %(value)s"), value=label)
        spoken = _blocktranslated(
            _("Stop excluding %(facet)s %(value)s"), facet=facet_label, value=label
        )
    else:
        title = _blocktranslated(_("Exclude %(value)s"), value=label)
        spoken = _blocktranslated(
            _("Exclude %(facet)s %(value)s"), facet=facet_label, value=label
        )
    return format_html(
        '\n      <li class="facet__value{}{}">\n'
        '        <a class="facet__toggle" href="{}"{}>\n'
        '          <span class="facet__label">{}{}</span>\n'
        '          <span class="facet__count">{}<span class="visually-hidden"> {}</span></span>\n'
        "        </a>\n"
        '        <a class="facet__exclude" href="{}" title="{}"><span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span></a>\n'
        "      </li>\n      ",
        " is-selected" if fv.selected else "",
        " is-excluded" if fv.excluded else "",
        fv.toggle_url,
        mark_safe(' aria-current="true"') if fv.selected else "",
        hint,
        label,
        localize(fv.count),
        _blocktranslated(ngettext("article", "articles", fv.count)),
        fv.exclude_url,
        title,
        "↺" if fv.excluded else "−",  # noqa: RUF001
        spoken,
    )


def _blocktranslated(message: str, **values: str) -> SafeString:
    """A translated message with escaped values, as ``{% blocktranslate %}`` renders it.

    The message is the project's own catalog text, output as is (as the tag does).
    """
    return mark_safe(message % values)  # noqa: S308 - values escaped by the callers


def year_chart(chart) -> SafeString:
    """Return ``includes/_histogram.html`` for a laid-out chart (``build_chart``) or None."""
    if chart is None:
        return mark_safe("\n")
    n = localize
    gutter, label_y = n(chart.gutter - 4), n(chart.label_y)
    out = [
        format_html(
            '\n<figure class="histogram">\n'
            '  <figcaption class="histogram__caption">{} <span class="meta">({}{})</span>'
            "</figcaption>\n"
            '  <svg class="histogram__chart" viewBox="0 0 {} {}" width="{}" height="{}" '
            'role="group" aria-label="{}: {}" preserveAspectRatio="xMinYMin meet">\n    ',
            chart.caption,
            n(chart.first_year),
            format_html("–{}", n(chart.last_year))  # noqa: RUF001
            if chart.last_year != chart.first_year
            else "",
            n(chart.width),
            n(chart.height),
            n(chart.width),
            n(chart.height),
            chart.caption,
            _articles(chart.total),
        )
    ]
    for bar in chart.bars:
        x, width = str(bar.x), str(bar.width)
        if bar.count:
            articles = _articles(bar.count)
            out.append(
                format_html(
                    '\n    <a href="{}" class="histogram__bar{}" aria-label="{}: {}{}">\n'
                    "      <title>{}: {}</title>\n"
                    '      <rect class="histogram__hit" x="{}" y="0" width="{}" height="{}" '
                    'fill="transparent"></rect>\n'
                    '      <rect x="{}" y="{}" width="{}" height="{}"></rect>\n'
                    "    </a>\n    ",
                    bar.url,
                    " is-selected" if bar.selected else "",
                    n(bar.year),
                    articles,
                    format_html(" {}", _("(chosen)")) if bar.selected else "",
                    n(bar.year),
                    articles,
                    x,
                    width,
                    label_y,
                    x,
                    str(bar.y),
                    width,
                    str(bar.height),
                )
            )
        else:
            out.append(
                format_html(
                    '\n    <g class="histogram__bar histogram__bar--empty"><title>{}: {}'
                    '</title><rect x="{}" y="{}" width="{}" height="1"></rect></g>\n    ',
                    n(bar.year),
                    _("no articles"),
                    x,
                    n(chart.baseline_y),
                    width,
                )
            )
    out.append("\n    ")
    for tick in chart.ticks:
        y = str(tick.y)
        out.append(
            format_html(
                '\n    <line class="histogram__grid" x1="{}" x2="{}" y1="{}" y2="{}"></line>\n'
                '    <text class="histogram__tick" x="{}" y="{}" text-anchor="end" '
                'dominant-baseline="middle" font-size="10">{}</text>\n    ',
                n(chart.gutter),
                n(chart.width),
                y,
                y,
                gutter,
                y,
                n(tick.value),
            )
        )
    out.append(
        format_html(
            '\n    <text class="histogram__tick" x="{}" y="{}" text-anchor="end" '
            'dominant-baseline="middle" font-size="10">0</text>\n    ',
            gutter,
            n(chart.baseline_y),
        )
    )
    for label in chart.labels:
        x = str(label.x)
        if chart.upright:
            text = format_html(
                '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle" '
                'font-size="10" transform="rotate(-90 {} {})">{}</text>',
                x,
                label_y,
                x,
                label_y,
                n(label.year),
            )
        else:
            text = format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="11">{}</text>',
                x,
                label_y,
                n(label.year),
            )
        out.append(format_html("\n    {}\n    ", text))
    out.append("\n  </svg>\n</figure>\n\n")
    return mark_safe("".join(out))  # noqa: S308 - every part escaped


def _articles(count: int) -> SafeString:
    """ "12 articles", as the chart's ``{% blocktranslate count %}`` says it."""
    return _blocktranslated(
        ngettext("%(counter)s article", "%(counter)s articles", count),
        counter=conditional_escape(localize(count)),
    )
