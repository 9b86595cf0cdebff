"""A small archive with known counts, shared by the browse, view and export tests."""

import datetime
from types import SimpleNamespace

from archive.models import Article, Source
from tests.factories import AuthorFactory, SourceFactory, TagFactory, make_article


def build_sample_archive() -> SimpleNamespace:
    """Three sources, three tags, two authors; eight published articles and one draft.

    Published per source: Daily NK 4, 38 North 3, KCNA 1.
    Per tag: mobile-phones 4, radio 3, internet 2.  Per year: 2012 2, 2015 1,
    2019 2, 2023 3.  Korean: 1.  Kinds: news 4, analysis 3, state-media 1.
    """
    daily = SourceFactory(
        name="Daily NK",
        slug="daily-nk",
        kind=Source.Kind.NEWS_OUTLET,
        country="South Korea",
    )
    north = SourceFactory(
        name="38 North",
        slug="38-north",
        kind=Source.Kind.THINK_TANK,
        country="United States",
    )
    kcna = SourceFactory(
        name="KCNA", slug="kcna", kind=Source.Kind.STATE_MEDIA, country="North Korea"
    )
    phones = TagFactory(name="mobile phones", slug="mobile-phones")
    radio = TagFactory(name="radio", slug="radio")
    internet = TagFactory(name="internet", slug="internet")
    williams = AuthorFactory(name="Martyn Williams", slug="martyn-williams")
    baek = AuthorFactory(name="Jieun Baek", slug="jieun-baek")

    def article(title, source, published, **fields):
        return make_article(
            title=title,
            source=source,
            published=datetime.date.fromisoformat(published),
            **fields,
        )

    s = SimpleNamespace(
        daily=daily, north=north, kcna=kcna,
        phones=phones, radio=radio, internet=internet,
        williams=williams, baek=baek,
    )  # fmt: skip
    s.koryolink = article(
        "Koryolink passes two million subscribers",
        daily,
        "2012-05-09",
        tags=[phones],
        authors=[williams],
        summary="The joint venture's network grew fast.",
        url="https://dailynk.example/koryolink",
    )
    s.radio_2012 = article(
        "Smuggled radios carry foreign broadcasts",
        daily,
        "2012-11-20",
        tags=[radio],
        summary="Cheap receivers cross the Chinese border.",
    )
    s.intranet = article(
        "Kwangmyong: the national intranet",
        north,
        "2015-03-01",
        tags=[internet],
        authors=[williams, baek],
        kind=Article.Kind.ANALYSIS,
    )
    s.phones_2019 = article(
        "Smartphones and surveillance",
        north,
        "2019-06-15",
        tags=[phones, internet],
        authors=[williams],
        kind=Article.Kind.ANALYSIS,
    )
    s.radio_2019 = article(
        "Radio jamming returns",
        daily,
        "2019-09-01",
        tags=[radio],
        published_is_inferred=True,
    )
    s.app_2023 = article(
        "A new app store for Pyongyang",
        north,
        "2023-01-10",
        tags=[phones],
        authors=[baek],
        kind=Article.Kind.ANALYSIS,
    )
    s.korean_2023 = article(
        "손전화 사용자 증가",
        daily,
        "2023-02-02",
        tags=[phones, radio],
        language=Article.Language.KOREAN,
    )
    s.kcna_2023 = article(
        "Respected leader inspects factory",
        kcna,
        "2023-08-08",
        kind=Article.Kind.STATE_MEDIA,
    )
    s.draft = article(
        "Unpublished draft about radio",
        daily,
        "2024-01-01",
        tags=[radio],
        status=Article.Status.DRAFT,
    )
    s.published = [
        s.koryolink, s.radio_2012, s.intranet, s.phones_2019,
        s.radio_2019, s.app_2023, s.korean_2023, s.kcna_2023,
    ]  # fmt: skip
    return s
