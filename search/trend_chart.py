"""Layout of the trends line chart: scaled points, a labelled y scale, period labels.

Pure geometry for the inline SVG in ``templates/search/trends.html``: no
colours here (site.css styles each series by its number, with its own dash
pattern so lines differ without colour).
"""

import calendar
import math
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from search.trends import Trends

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 12, 44
# About how wide one period label is, in SVG units ("2012", "Jan 2012").
YEAR_LABEL_WIDTH, MONTH_LABEL_WIDTH = 36, 56


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    period: str
    value: float


@dataclass(frozen=True)
class Line:
    number: int  # 1..5, the series' style
    query: str
    points: tuple[Point, ...]

    @property
    def path(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Label:
    x: float
    text: str


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    left: int
    right_x: int
    top: int
    baseline_y: int
    label_y: int
    lines: tuple[Line, ...]
    ticks: tuple[Tick, ...]
    labels: tuple[Label, ...]
    measure: str
    unit: str


def nice_ceiling(peak: float) -> tuple[float, float]:
    """A round top for the scale at or above ``peak`` and its step (four steps or so)."""
    if peak <= 0:
        return 1.0, 0.25
    raw = peak / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(peak / step), step


def _tick_label(value: float, measure: str) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text}%" if measure == "share" else text


def period_label(period: str) -> str:
    """ "2012" stays; "2012-05" reads "May 2012"."""
    if "-" not in period:
        return period
    year, month = period.split("-")
    return f"{calendar.month_abbr[int(month)]} {year}"


def _labels(periods: tuple[str, ...], xs: list[float], slot: float) -> list[Label]:
    monthly = bool(periods) and "-" in periods[0]
    if not monthly:
        step = max(1, math.ceil(YEAR_LABEL_WIDTH / slot))
        last = len(periods) - 1
        return [
            Label(xs[i], p) for i, p in enumerate(periods) if (last - i) % step == 0
        ]
    step = max(1, math.ceil(MONTH_LABEL_WIDTH / slot))
    if step <= 1:
        return [Label(xs[i], period_label(p)) for i, p in enumerate(periods)]
    # Too many months to name each: name Januaries (every year, or every few).
    years_step = max(1, math.ceil(YEAR_LABEL_WIDTH / (slot * 12)))
    return [
        Label(xs[i], p[:4])
        for i, p in enumerate(periods)
        if p.endswith("-01") and int(p[:4]) % years_step == 0
    ]


def build_trend_chart(trends: Trends, measure: str = "count") -> TrendChart | None:
    """Lay out one line per query over the periods (``measure``: count or share)."""
    if not trends.periods or not trends.series:
        return None
    values = [s.shares if measure == "share" else s.counts for s in trends.series]
    peak = max(max(v) for v in values)
    top_value, step = nice_ceiling(peak)
    if measure == "count" and step < 1:  # articles come whole
        top_value, step = max(1, math.ceil(peak)), 1
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    n = len(trends.periods)
    slot = plot_width / n
    xs = [round(LEFT + slot * (i + 0.5), 2) for i in range(n)]

    def y_of(value: float) -> float:
        return round(TOP + plot_height * (1 - value / top_value), 2)

    lines = tuple(
        Line(
            number=i + 1,
            query=s.query,
            points=tuple(
                Point(xs[j], y_of(v), trends.periods[j], v) for j, v in enumerate(vals)
            ),
        )
        for i, (s, vals) in enumerate(zip(trends.series, values, strict=True))
    )
    ticks = tuple(
        Tick(y_of(k * step), _tick_label(k * step, measure))
        for k in range(round(top_value / step) + 1)
    )
    return TrendChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right_x=WIDTH - RIGHT,
        top=TOP,
        baseline_y=TOP + plot_height,
        label_y=TOP + plot_height + 18,
        lines=lines,
        ticks=ticks,
        labels=tuple(_labels(trends.periods, xs, slot)),
        measure=measure,
        # xgettext:no-python-format
        unit=_("% of the archive's articles")
        if measure == "share"
        else pgettext("chart unit", "articles"),
    )
