"""Coverage over time: up to five searches counted per year or month, beside the archive.

``compare(data)`` reads the trends page's query string (``q`` repeated, the
search page's filters shared by every query, ``interval=year|month``) and
returns each query's matches per period with their share of every published
article of that period (within the date range, whatever the other filters).
Matching is the search page's own (variants, phrases, fielded terms such as
``source:daily-nk``); the index counts matches and articles per period
(``count_periods``, ``published_per_period``), so the cost follows the
matches, not the archive.
"""

import dataclasses
from collections import Counter
from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import gettext as _

from search.forms import SearchForm
from search.service import NOTICE_PARTIAL, count_periods, published_per_period

MAX_SERIES = 5
INTERVALS = ("year", "month")
# Parameters of the trends page that the search form does not know.
OWN_PARAMS = ("q", "interval", "format", "measure")


@dataclass(frozen=True)
class Series:
    query: str
    counts: tuple[int, ...]
    shares: tuple[float, ...]  # per cent of every published article in the period

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Trends:
    interval: str
    periods: tuple[str, ...]  # "2012" or "2012-05", oldest first
    totals: tuple[int, ...]  # published articles per period
    series: tuple[Series, ...]
    queries: tuple[str, ...]
    filters: QueryDict  # the shared filters, cleaned
    notices: tuple[str, ...]


def _periods(first: str, last: str, interval: str) -> list[str]:
    if interval == "year":
        return [f"{y:04d}" for y in range(int(first), int(last) + 1)]
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    periods = []
    while (year, month) <= end:
        periods.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return periods


def read_queries(data: QueryDict) -> tuple[list[str], list[str]]:
    """The distinct non-blank queries asked for (at most MAX_SERIES) and notices."""
    queries = list(dict.fromkeys(q.strip() for q in data.getlist("q") if q.strip()))
    notices = []
    if len(queries) > MAX_SERIES:
        notices.append(
            _(
                "Up to %(limit)d queries can be compared; "
                "“%(query)s” and after were left out."
            )
            % {"limit": MAX_SERIES, "query": queries[MAX_SERIES]}
        )
        queries = queries[:MAX_SERIES]
    return queries, notices


def read_interval(data: QueryDict) -> tuple[str, list[str]]:
    value = data.get("interval", "").strip().lower() or "year"
    if value in INTERVALS:
        return value, []
    return "year", [f"interval={value[:20]} is not understood; counting by year."]


def compare(data: QueryDict) -> Trends:
    """Count each query's matches per period (see the module docstring)."""
    queries, notices = read_queries(data)
    interval, interval_notices = read_interval(data)
    notices += interval_notices
    shared = data.copy()
    for name in OWN_PARAMS:
        shared.pop(name, None)
    form = SearchForm(shared)
    notices += form.notices
    # The archive's articles per period are the denominator of every share:
    # the date range narrows them, the filters and words do not.
    totals = Counter(
        published_per_period(form.params.date_from, form.params.date_to, interval)
    )
    matched = []
    for query in queries:
        params = dataclasses.replace(form.params, q=query, page=1)
        counts, partial = count_periods(params, interval)
        matched.append(Counter(counts))
        if partial:
            notices.append(str(NOTICE_PARTIAL))
    seen = [p for counts in matched for p in counts]
    periods = _periods(min(seen), max(seen), interval) if seen else []
    series = tuple(
        Series(
            query=query,
            counts=tuple(counts[p] for p in periods),
            shares=tuple(
                round(100 * counts[p] / totals[p], 2) if totals[p] else 0.0
                for p in periods
            ),
        )
        for query, counts in zip(queries, matched, strict=True)
    )
    return Trends(
        interval=interval,
        periods=tuple(periods),
        totals=tuple(totals[p] for p in periods),
        series=series,
        queries=tuple(queries),
        filters=form.querydict(),
        notices=tuple(dict.fromkeys(notices)),
    )


def trends_json(trends: Trends) -> dict:
    """The series as data: periods, the archive's totals, counts and shares per query."""
    return {
        "interval": trends.interval,
        "periods": list(trends.periods),
        "archive_totals": list(trends.totals),
        "series": [
            {
                "query": s.query,
                "total": s.total,
                "counts": list(s.counts),
                "shares": list(s.shares),
            }
            for s in trends.series
        ],
        "notices": list(trends.notices),
    }


def trends_rows(trends: Trends) -> list[list[str]]:
    """CSV rows, one per period and query (long format, as spreadsheets pivot it)."""
    rows = [["period", "query", "count", "archive_total", "share_percent"]]
    for i, period in enumerate(trends.periods):
        for s in trends.series:
            rows.append(
                [
                    period,
                    s.query,
                    str(s.counts[i]),
                    str(trends.totals[i]),
                    str(s.shares[i]),
                ]
            )
    return rows
