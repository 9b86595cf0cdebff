"""The search results page's repeated parts as HTML written in Python.

A result page shows 20 hits, a year chart and up to six facets of ten
values; rendering the shared partials (``includes/_result.html``,
``_histogram.html``, ``_facets.html``) through the template engine took a
few thousand nodes, tags and filters per page, two thirds of its time. The
functions here write the same characters with plain string building.

Every value is escaped here (``_e``), as the template engine would, except
what is already safe: the snippet (``search.snippets``) and the translated
messages of the project's own catalog, which ``{% blocktranslate %}`` outputs
as they are too. Tests render each partial and its function side by side,
in English and Korean, and expect the same characters, so they cannot
drift apart.
"""

import functools
from html import escape

from django.http import HttpRequest
from django.utils.formats import date_format, localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from archive import citations


def _e(value) -> str:
    """Escape ``value`` for HTML unless it is safe already (conditional_escape)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


@functools.lru_cache(maxsize=8)
def _texts(language: str | None) -> dict[str, str]:
    """The page's fixed words in ``language``, escaped, looked up once."""
    words = {
        "source_unknown": _("Source unknown"),
        "date_unknown": _("Date unknown"),
        "inferred": _("Date inferred: the source does not print it"),
        "tags": _("Tags"),
        "remove": _("Remove filter:"),
        "excluded": _("Excluded; choose instead:"),
        "chosen": _("(chosen)"),
        "no_articles": _("no articles"),
    }
    words = {key: escape(text) for key, text in words.items()}
    # Messages with values, output as {% blocktranslate %} does (unescaped).
    return {
        **words,
        "exclude": _("Exclude %(value)s"),
        "exclude_facet": _("Exclude %(facet)s %(value)s"),
        "stop_excluding": _("Stop excluding %(value)s"),
        "stop_excluding_facet": _("Stop excluding %(facet)s %(value)s"),
    }


@functools.lru_cache(maxsize=4096)
def _number(value, language: str | None) -> str:
    """``value`` as the template engine shows it in ``language``, escaped."""
    return escape(localize(value))


@functools.lru_cache(maxsize=4096)
def _plural(singular: str, plural: str, count: int, language: str | None) -> str:
    return ngettext(singular, plural, count)


def result_item(
    article, snippet: str, article_query: str, request: HttpRequest
) -> SafeString:
    """Return ``includes/_result.html`` for one hit (heading level 2)."""
    texts = _texts(get_language())
    path = article.get_absolute_url()
    href = f"{path}?{article_query}" if article_query else path
    language = _e(article.language)
    if article.source_is_placeholder:
        source = f'<span class="unknown">{texts["source_unknown"]}</span>'
    else:
        source = (
            f'<a href="{_e(article.source.get_absolute_url())}">'
            f"{_e(article.source.name)}</a>"
        )
    if article.date_is_placeholder:
        date = f'<span class="unknown">{texts["date_unknown"]}</span>'
    else:
        date = (
            f'<time datetime="{article.published.isoformat()}">'
            f"{_e(date_format(article.published, 'DATE_FORMAT'))}</time>"
        )
        if article.published_is_inferred:
            date += f'<abbr class="inferred" title="{texts["inferred"]}">*</abbr>'
    authors = article.byline
    byline = (
        "· "
        + ", ".join(
            f'<a href="{_e(a.get_absolute_url())}">{_e(a.name)}</a>' for a in authors
        )
        if authors
        else ""
    )
    kind = f"\n    · {_e(article.get_kind_display())}"
    if article.language != "en":
        kind += f" · {_e(article.get_language_display())}"
    if snippet:
        shown = f'<p class="result__snippet" lang="{language}">{_e(snippet)}</p>'
    elif article.summary:
        summary = Truncator(article.summary).words(45, truncate=" …")
        shown = f'<p class="result__snippet" lang="{language}">{_e(summary)}</p>'
    else:
        shown = ""
    tags = article.tags.all()
    tag_list = (
        f'\n  <ul class="tag-list" aria-label="{texts["tags"]}">'
        + "".join(
            f'<li><a href="{_e(t.get_absolute_url())}">{_e(t.name)}</a></li>'
            for t in tags
        )
        + "</ul>\n  "
        if tags
        else ""
    )
    coins = citations.coins(citations.cite(article, request.build_absolute_uri(path)))
    return mark_safe(  # noqa: S308 - every value escaped above
        f'\n<article class="result">\n  <h2 class="result__title">'
        f'<a href="{_e(href)}" lang="{language}">{_e(article.title)}</a></h2>\n'
        f'  <p class="meta result__meta">\n    {source}\n    · {date}\n    {byline}'
        f"{kind}\n  </p>\n  {shown}\n  {tag_list}\n"
        f'  <span class="Z3988" title="{_e(coins)}"></span>\n</article>\n'
    )


def facet_list(facets, heading: str) -> SafeString:
    """Return ``includes/_facets.html`` for linked facets (``link_facets``) under ``heading``."""
    language = get_language()
    texts = _texts(language)
    out = [
        '\n<section class="facets" aria-labelledby="facets-heading">\n'
        f'  <h2 id="facets-heading" class="facets__heading">{_e(heading)}</h2>\n  '
    ]
    for facet in facets:
        if facet.values:
            out.append(_facet(facet, texts, language))
    out.append("\n</section>\n")
    return mark_safe("".join(out))  # noqa: S308 - every value escaped


def _facet(facet, texts: dict[str, str], language: str | None) -> str:
    name, label, lowered = _e(facet.name), _e(facet.label), _e(facet.label.lower())
    out = [
        f'\n  <section class="facet" aria-labelledby="facet-{name}">\n'
        f'    <h3 id="facet-{name}" class="facet__name">{label}</h3>\n'
        '    <ul class="facet__values">\n      '
    ]
    current = ' aria-current="true"'
    hints = {
        "selected": f'<span class="visually-hidden">{texts["remove"]} </span>',
        "excluded": f'<span class="visually-hidden">{texts["excluded"]} </span>',
    }
    for fv in facet.values:
        value = _e(fv.label)
        state = "stop_excluding" if fv.excluded else "exclude"
        title = texts[state] % {"value": value}
        spoken = texts[f"{state}_facet"] % {"facet": lowered, "value": value}
        hint = (
            hints["selected"]
            if fv.selected
            else hints["excluded"]
            if fv.excluded
            else ""
        )
        out.append(
            '\n      <li class="facet__value'
            f"{' is-selected' if fv.selected else ''}"
            f'{" is-excluded" if fv.excluded else ""}">\n'
            f'        <a class="facet__toggle" href="{_e(fv.toggle_url)}"'
            f"{current if fv.selected else ''}>\n"
            f'          <span class="facet__label">{hint}{value}</span>\n'
            f'          <span class="facet__count">{_number(fv.count, language)}'
            '<span class="visually-hidden"> '
            f"{_plural('article', 'articles', fv.count, language)}</span></span>\n"
            "        </a>\n"
            f'        <a class="facet__exclude" href="{_e(fv.exclude_url)}" '
            f'title="{title}"><span aria-hidden="true">'
            f"{'↺' if fv.excluded else '−'}</span>"  # noqa: RUF001
            f'<span class="visually-hidden">{spoken}</span></a>\n'
            "      </li>\n      "
        )
    out.append("\n    </ul>\n    ")
    if facet.more_url:
        out.append(
            f'<p class="facet__more"><a href="{_e(facet.more_url)}">'
            f"{_('All %(facet)s values') % {'facet': lowered}}"
            f'<span class="visually-hidden"> ({label})</span></a></p>'
        )
    out.append("\n    ")
    if facet.fewer_url:
        out.append(
            f'<p class="facet__more"><a href="{_e(facet.fewer_url)}">'
            f"{_('Fewer %(facet)s values') % {'facet': lowered}}</a></p>"
        )
    out.append("\n  </section>\n  ")
    return "".join(out)


def year_chart(chart) -> SafeString:
    """Return ``includes/_histogram.html`` for a laid-out chart (``build_chart``) or None."""
    if chart is None:
        return mark_safe("\n")
    language = get_language()
    texts = _texts(language)

    def n(value) -> str:
        return _number(value, language)

    caption = _e(chart.caption)
    width, height = n(chart.width), n(chart.height)
    gutter, label_y = n(chart.gutter - 4), n(chart.label_y)
    baseline_y = n(chart.baseline_y)
    years = n(chart.first_year)
    if chart.last_year != chart.first_year:
        years += f"–{n(chart.last_year)}"  # noqa: RUF001
    out = [
        '\n<figure class="histogram">\n'
        f'  <figcaption class="histogram__caption">{caption} '
        f'<span class="meta">({years})</span></figcaption>\n'
        f'  <svg class="histogram__chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="group" '
        f'aria-label="{caption}: {_articles(chart.total, language)}" '
        'preserveAspectRatio="xMinYMin meet">\n    '
    ]
    for bar in chart.bars:
        x, bar_width, year = _e(bar.x), _e(bar.width), n(bar.year)
        if bar.count:
            articles = _articles(bar.count, language)
            chosen = f" {texts['chosen']}" if bar.selected else ""
            out.append(
                f'\n    <a href="{_e(bar.url)}" class="histogram__bar'
                f'{" is-selected" if bar.selected else ""}" '
                f'aria-label="{year}: {articles}{chosen}">\n'
                f"      <title>{year}: {articles}</title>\n"
                f'      <rect class="histogram__hit" x="{x}" y="0" width="{bar_width}" '
                f'height="{label_y}" fill="transparent"></rect>\n'
                f'      <rect x="{x}" y="{_e(bar.y)}" width="{bar_width}" '
                f'height="{_e(bar.height)}"></rect>\n'
                "    </a>\n    "
            )
        else:
            out.append(
                '\n    <g class="histogram__bar histogram__bar--empty">'
                f"<title>{year}: {texts['no_articles']}</title>"
                f'<rect x="{x}" y="{baseline_y}" width="{bar_width}" height="1"></rect>'
                "</g>\n    "
            )
    out.append("\n    ")
    for tick in chart.ticks:
        y = _e(tick.y)
        out.append(
            f'\n    <line class="histogram__grid" x1="{n(chart.gutter)}" '
            f'x2="{width}" y1="{y}" y2="{y}"></line>\n'
            f'    <text class="histogram__tick" x="{gutter}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle" font-size="10">{n(tick.value)}</text>\n    '
        )
    out.append(
        f'\n    <text class="histogram__tick" x="{gutter}" y="{baseline_y}" '
        'text-anchor="end" dominant-baseline="middle" font-size="10">0</text>\n    '
    )
    for label in chart.labels:
        x, year = _e(label.x), n(label.year)
        if chart.upright:
            text = (
                f'<text x="{x}" y="{label_y}" text-anchor="end" '
                'dominant-baseline="middle" font-size="10" '
                f'transform="rotate(-90 {x} {label_y})">{year}</text>'
            )
        else:
            text = (
                f'<text x="{x}" y="{label_y}" text-anchor="middle" '
                f'font-size="11">{year}</text>'
            )
        out.append(f"\n    {text}\n    ")
    out.append("\n  </svg>\n</figure>\n\n")
    return mark_safe("".join(out))  # noqa: S308 - every value escaped


def _articles(count: int, language: str | None) -> str:
    """ "12 articles", as the chart's ``{% blocktranslate count %}`` says it."""
    message = _plural("%(counter)s article", "%(counter)s articles", count, language)
    return message % {"counter": _number(count, language)}
