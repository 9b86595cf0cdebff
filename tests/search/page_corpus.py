"""A small archive for the search page's tests: the analyst's cases plus enough to page through."""

import datetime

import pytest
from django.db import transaction
from django.test import override_settings

from archive.models import Article
from search.engine.snapshot import close_snapshot
from search.indexing import rebuild_index
from tests.factories import AuthorFactory, SourceFactory, TagFactory, make_article

# Articles about broadcasting added to the named ones, so "broadcast" fills
# two pages and its years, sources and tags spread over the facets.
FILLER_COUNT = 26


def build_corpus() -> dict[str, Article]:
    """Create and publish the corpus; return the named articles by a short key."""
    bloomberg = SourceFactory(name="Bloomberg", slug="bloomberg")
    nk_news = SourceFactory(name="NK News", slug="nk-news")
    news1 = SourceFactory(name="News1", slug="news1")
    link = SourceFactory(name="Liberty in North Korea", slug="link", kind="ngo")
    kcna = SourceFactory(name="KCNA Watch", slug="kcna-watch")
    yonhap = SourceFactory(name="Yonhap 연합뉴스", slug="yonhap")
    radio = TagFactory(name="radio", slug="radio")
    foreign_media = TagFactory(name="foreign media", slug="foreign-media")
    phones = TagFactory(name="mobile phones", slug="mobile-phones")
    ai = TagFactory(name="AI", slug="ai")
    kpop = TagFactory(name="k-pop", slug="k-pop")
    gaouette = AuthorFactory(name="Nicole Gaouette", slug="nicole-gaouette")
    ocarroll = AuthorFactory(name="Chad O'Carroll", slug="chad-ocarroll")
    williams = AuthorFactory(name="Martyn Williams", slug="martyn-williams")

    articles = {
        "bloomberg": make_article(
            title="North Korea\u2019s Control of Media Breached by Technology",
            source=bloomberg,
            authors=[gaouette],
            tags=[foreign_media, radio, phones],
            published=datetime.date(2012, 5, 9),
            summary="A survey finds North Koreans watching foreign media on DVDs.",
            body="<p>North Koreans increasingly get foreign media through smuggled "
            "DVDs, radio and mobile phones, a survey released today found.</p>",
        ),
        "radio_border": make_article(
            title="Radio listening rises along the border",
            source=nk_news,
            authors=[ocarroll],
            tags=[radio],
            kind="analysis",
            published=datetime.date(2015, 3, 2),
            body="<p>More households near the Chinese border tune in to radio "
            "stations from Seoul, defectors say.</p>",
        ),
        "radio_bloomberg": make_article(
            title="Shortwave radio in the provinces",
            source=nk_news,
            tags=[radio],
            published=datetime.date(2014, 6, 1),
            body="<p>Shortwave radio sets, first described by Bloomberg reporters, "
            "spread through the provinces.</p>",
        ),
        "koryolink": make_article(
            title="Smartphones and the Koryolink network",
            source=nk_news,
            authors=[williams],
            tags=[phones],
            published=datetime.date(2013, 7, 1),
            body="<p>Koryolink passed two million subscribers as smartphones "
            "reached the capital's markets.</p>",
        ),
        "chatgpt": make_article(
            title="North Korean universities use ChatGPT; one in four residents "
            "owns a mobile phone",
            source=news1,
            tags=[ai, phones],
            published=datetime.date(2025, 12, 4),
            body="<p>Universities in the North use ChatGPT for research, a "
            "conference in Seoul heard.</p>",
        ),
        "kim_ko": make_article(
            title="김정은은 인공지능 개발을 강조했다",
            source=yonhap,
            tags=[ai],
            language="ko",
            published=datetime.date(2024, 3, 15),
            body="<p>김정은은 평양에서 열린 회의에서 인공지능 기술 개발을 "
            "강조했다고 조선중앙통신이 보도했다.</p>",
        ),
        "kim_en": make_article(
            title="Kim Jong Un tours a computer centre",
            source=kcna,
            kind="state-media",
            published=datetime.date(2019, 10, 2),
            body="<p>Kim Jong Un toured the new computer centre in P'yŏngyang and "
            "praised its programmers.</p>",
        ),
        "kpop": make_article(
            title="Foreign Media in North Korea - How Kpop is Challenging the Regime",
            source=link,
            tags=[kpop, foreign_media, radio],
            kind="blog",
            published=datetime.date(2022, 4, 22),
            body="<p>K-pop and South Korean dramas reach North Koreans on USB "
            "sticks, despite harsh punishments for foreign media.</p>",
        ),
    }
    sources = [nk_news, news1, kcna, bloomberg]
    tags = [radio, phones, foreign_media]
    for n in range(FILLER_COUNT):
        make_article(
            title=f"Broadcast bulletin number {n + 1}",
            source=sources[n % len(sources)],
            tags=[tags[n % len(tags)]],
            kind=("news", "analysis")[n % 2],
            published=datetime.date(2010 + n % 8, 1 + n % 12, 1 + n),
            body=f"<p>Broadcast bulletin {n + 1} on television programming, "
            f"item {n * 7919}.</p>",
        )
    return articles


@pytest.fixture(scope="module")
def corpus_index(django_db_setup, django_db_blocker, tmp_path_factory):
    """Build and index the corpus once per test module; roll it all back afterwards.

    Each test still runs in its own savepoint inside this transaction, as in
    Django's ``TestCase.setUpTestData``; the tests only read.
    """
    path = tmp_path_factory.mktemp("search-page-index")
    with django_db_blocker.unblock(), override_settings(SEARCH_INDEX_DIR=path):
        with transaction.atomic():
            articles = build_corpus()
            rebuild_index(procs=1)
            yield path, articles
            transaction.set_rollback(True)
        close_snapshot()


@pytest.fixture
def corpus(corpus_index, settings) -> dict[str, Article]:
    """The module's corpus, searched through its index."""
    settings.SEARCH_INDEX_DIR = corpus_index[0]
    return corpus_index[1]
