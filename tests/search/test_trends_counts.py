"""Trends counted by the index give the numbers counting through the database gives.

The index counts each query's matches per period and the archive per period
from its own dates; here the same series are counted the plain way, every
published article's date read from the database and each matched id looked
up, on a real index over a generated archive with unpublished articles.
"""

import dataclasses
import datetime
from collections import Counter
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.http import QueryDict

from archive.models import Article
from archive.synthetic.registries import SYNTHETIC_TAG
from bench.queries import source_slug, tag_slug
from search.forms import SearchForm
from search.indexing import rebuild_index
from search.service import search_ids
from search.trends import OWN_PARAMS, _periods, compare, read_interval, read_queries

pytestmark = pytest.mark.django_db

QUERIES = (
    "radio",
    "phone OR phones",
    '"North Korea"',
    "media -radio",
    "market* source:" + source_slug(1),
    "nothingmatchesthisword",
)
FILTERS = (
    {},
    {"source": source_slug(0)},
    {"tag": tag_slug("mobile phones"), "not_source": source_slug(2)},
    {"lang": "ko"},
    {"from": "2014", "to": "2019-06"},
    {"from": "2016-03-10", "kind": "analysis"},
    {"to": "2012"},
)


@pytest.fixture
def archive_with_drafts():
    call_command("generate_corpus", count=400, seed=11, verbosity=0)
    pks = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    # Unpublished before the index is built: never indexed.
    Article.objects.filter(pk__in=pks[::17]).update(status=Article.Status.DRAFT)
    rebuild_index(chunk_size=200)
    # Unpublished since, the index not told yet: the index log has them.
    for article in Article.objects.filter(pk__in=pks[5::23]):
        article.status = Article.Status.DRAFT
        article.save()
    return pks


def _period(day: datetime.date, interval: str) -> str:
    return f"{day.year:04d}" if interval == "year" else f"{day:%Y-%m}"


def plain_compare(data: QueryDict) -> dict:
    """The series counted through the database: every published article's date, then ids."""
    queries, _ = read_queries(data)
    interval, _ = read_interval(data)
    shared = data.copy()
    for name in OWN_PARAMS:
        shared.pop(name, None)
    params = SearchForm(shared).params
    published = Article.objects.published()
    if params.date_from:
        published = published.filter(published__gte=params.date_from)
    if params.date_to:
        published = published.filter(published__lte=params.date_to)
    period_of = {
        pk: _period(day, interval)
        for pk, day in published.values_list("pk", "published")
    }
    totals = Counter(period_of.values())
    matched = []
    for query in queries:
        ids = search_ids(dataclasses.replace(params, q=query, page=1))
        matched.append(Counter(period_of[pk] for pk in ids if pk in period_of))
    seen = [p for counts in matched for p in counts]
    periods = _periods(min(seen), max(seen), interval) if seen else []
    return {
        "periods": periods,
        "totals": [totals[p] for p in periods],
        "counts": [[counts[p] for p in periods] for counts in matched],
        "shares": [
            [
                round(100 * counts[p] / totals[p], 2) if totals[p] else 0.0
                for p in periods
            ]
            for counts in matched
        ],
    }


@pytest.mark.parametrize("interval", ["year", "month"])
def test_counts_and_shares_are_those_of_counting_through_the_database(
    archive_with_drafts, interval
):
    compared = 0
    for filters in FILTERS:
        for first in range(0, len(QUERIES), 2):
            data = QueryDict(
                urlencode(
                    {"q": QUERIES[first : first + 3], "interval": interval, **filters},
                    doseq=True,
                )
            )
            trends = compare(data)
            plain = plain_compare(data)
            got = {
                "periods": list(trends.periods),
                "totals": list(trends.totals),
                "counts": [list(s.counts) for s in trends.series],
                "shares": [list(s.shares) for s in trends.series],
            }
            assert got == plain, (interval, filters, QUERIES[first : first + 3])
            compared += sum(map(sum, plain["counts"]))
    assert compared > 1000  # the queries and filters do match something


def test_unpublished_articles_are_neither_counted_nor_in_the_totals(
    archive_with_drafts,
):
    drafts = Article.objects.drafts()
    assert drafts.count() > 30
    # Every generated article carries the corpus's tag.
    everything = f'tag:"{SYNTHETIC_TAG}"'
    trends = compare(QueryDict(urlencode({"q": everything, "interval": "year"})))
    published = Article.objects.published()
    assert sum(trends.totals) == published.count()
    # Every published article matches, no draft does.
    assert trends.series[0].counts == trends.totals
