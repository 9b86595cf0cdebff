"""Template tags for the archive's pages: article links within a listing, year charts."""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.translation import gettext as _

from archive import citations
from archive.listing.querystring import QueryLinks
from archive.listing.types import YearCount

register = template.Library()

# The chart's drawing box is ``width`` SVG units wide (300 suits a sidebar, 600 a
# full column) and CSS scales it to the space it gets, text included.
CHART_WIDTH = 300
BAR_AREA_HEIGHT = 100
LABEL_HEIGHT = 16
MAX_SLOT = 60
LABEL_SPACING = 36
# Labels turned upright need only their line height; below that, every few years.
UPRIGHT_SPACING = 12
UPRIGHT_LABEL_HEIGHT = 30
# Room left of the bars for the scale's numbers.
SCALE_GUTTER = 28


@register.simple_tag(takes_context=True)
def coins(context, article) -> str:
    """A COinS span, so reference managers can offer to save the listing's items."""
    request = context.get("request")
    page = article.get_absolute_url()
    page_url = request.build_absolute_uri(page) if request else page
    return format_html(
        '<span class="Z3988" title="{}"></span>',
        citations.coins(citations.cite(article, page_url)),
    )


@register.filter
def article_href(article, listing_query: str = "") -> str:
    """The article's URL, carrying the listing it was reached from (``back``/``from``)."""
    url = article.get_absolute_url()
    return f"{url}?{listing_query}" if listing_query else url


@dataclass(frozen=True)
class Bar:
    year: int
    count: int
    x: float
    y: float
    width: float
    height: float
    url: str
    selected: bool


@dataclass(frozen=True)
class YearLabel:
    year: int
    x: float


@dataclass(frozen=True)
class ScaleTick:
    y: float
    value: int


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    labels: tuple[YearLabel, ...]
    ticks: tuple[ScaleTick, ...]
    gutter: int
    upright: bool
    width: int
    height: int
    baseline_y: int
    label_y: int
    caption: str
    total: int
    peak: int
    first_year: int
    last_year: int


def build_chart(
    histogram: Iterable[YearCount],
    query: QueryDict | None = None,
    path: str = "",
    caption: str = "",
    width: int = CHART_WIDTH,
) -> Chart | None:
    """Lay out one bar per year, each linking to ``path`` with that year toggled."""
    years = list(histogram)
    if not years:
        return None
    query = query if query is not None else QueryDict()
    chosen = set(query.getlist("year"))
    links = QueryLinks(query, path)
    peak = max(yc.count for yc in years) or 1
    # Few years get bars of at most MAX_SLOT units, right of the scale.
    slot = min((width - SCALE_GUTTER) / len(years), MAX_SLOT)
    bars = []
    for i, yc in enumerate(years):
        height = round(BAR_AREA_HEIGHT * yc.count / peak, 2)
        if yc.count and height < 1:
            height = 1  # a year with articles always shows
        bars.append(
            Bar(
                year=yc.year,
                count=yc.count,
                x=round(SCALE_GUTTER + i * slot + slot * 0.1, 2),
                y=round(BAR_AREA_HEIGHT - height, 2),
                width=round(slot * 0.8, 2),
                height=height,
                url=links.toggle_pair("year", str(yc.year)),
                selected=str(yc.year) in chosen,
            )
        )
    # Every year is named: across when there is room, else upright; only when
    # even upright labels would overlap, every ``step``-th year counting back
    # from the newest (so the newest is always named).
    upright = slot < LABEL_SPACING
    step = max(1, math.ceil(UPRIGHT_SPACING / slot)) if upright else 1
    last = len(years) - 1
    labels = tuple(
        YearLabel(yc.year, round(SCALE_GUTTER + i * slot + slot / 2, 2))
        for i, yc in enumerate(years)
        if (last - i) % step == 0
    )
    label_height = UPRIGHT_LABEL_HEIGHT if upright else LABEL_HEIGHT
    # The scale: the busiest year's count at the top, half of it midway.
    ticks = tuple(
        ScaleTick(round(BAR_AREA_HEIGHT * (1 - value / peak), 2), value)
        for value in sorted({peak, peak // 2} - {0}, reverse=True)
    )
    return Chart(
        bars=tuple(bars),
        labels=labels,
        ticks=ticks,
        gutter=SCALE_GUTTER,
        upright=upright,
        width=width,
        height=BAR_AREA_HEIGHT + label_height,
        baseline_y=BAR_AREA_HEIGHT - 1,
        label_y=BAR_AREA_HEIGHT + (6 if upright else LABEL_HEIGHT - 3),
        caption=caption or _("Articles per year"),
        total=sum(yc.count for yc in years),
        peak=peak,
        first_year=years[0].year,
        last_year=years[-1].year,
    )


@register.inclusion_tag("includes/_histogram.html")
def year_histogram(histogram, query=None, path="", caption="", width=CHART_WIDTH):
    """Render a year bar chart (inline SVG); each bar toggles its year on ``path``."""
    return {"chart": build_chart(histogram, query, path, caption, width)}
