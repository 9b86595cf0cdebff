import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from archive.models import Article, Author, Source, Tag, content_hash
from archive.urlnorm import normalize_url
from tests.factories import AuthorFactory, SourceFactory, TagFactory, make_article

pytestmark = pytest.mark.django_db

BASE = "https://bloomberg.com/news/articles/2012-05-09/north-korea"


@pytest.mark.parametrize(
    "variant",
    [
        BASE,
        "http://bloomberg.com/news/articles/2012-05-09/north-korea",
        "HTTPS://BLOOMBERG.COM/news/articles/2012-05-09/north-korea",
        "https://www.bloomberg.com/news/articles/2012-05-09/north-korea",
        "https://bloomberg.com/news/articles/2012-05-09/north-korea/",
        "https://bloomberg.com./news/articles/2012-05-09/north-korea",
        "https://bloomberg.com:443/news/articles/2012-05-09/north-korea",
        "http://bloomberg.com:80/news/articles/2012-05-09/north-korea",
        "https://bloomberg.com/news/articles/2012-05-09/north-korea#comments",
        f"{BASE}?utm_source=twitter&utm_medium=social&UTM_Campaign=x",
        f"{BASE}?fbclid=abc&gclid=def&mc_cid=1&mc_eid=2&_ga=3&ref=home",
        f"{BASE}?igshid=1&msclkid=2&ocid=3&cmpid=4&s_cid=5&spm=6&ref_src=7",
        f"  {BASE}  ",
    ],
)
def test_url_variants_of_one_page_share_a_key(variant):
    assert normalize_url(variant) == BASE


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://example.org/a?b=2&a=1", "https://example.org/a?a=1&b=2"),
        ("https://example.org/a?page=2&utm_source=x", "https://example.org/a?page=2"),
        ("https://example.org:8443/a", "https://example.org:8443/a"),
        ("https://example.org/Case/Path", "https://example.org/Case/Path"),
        ("https://example.org/", "https://example.org"),
        (
            "https://example.org/view.php?cd=COM000151",
            "https://example.org/view.php?cd=COM000151",
        ),
        ("", ""),
        ("   ", ""),
    ],
)
def test_url_keys_keep_what_identifies_the_page(url, key):
    assert normalize_url(url) == key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.org/a", "https://example.org/b"),
        ("https://example.org/a?id=1", "https://example.org/a?id=2"),
        ("https://example.org/a", "https://example.com/a"),
        ("https://news.example.org/a", "https://example.org/a"),
    ],
)
def test_different_pages_get_different_keys(a, b):
    assert normalize_url(a) != normalize_url(b)


def test_a_second_article_with_the_same_page_url_is_refused_naming_the_first():
    first = make_article(title="Original", url=f"{BASE}?utm_source=rss")
    duplicate = Article(
        title="Copy",
        source=first.source,
        published=datetime.date(2020, 1, 1),
        url="http://www.bloomberg.com/news/articles/2012-05-09/north-korea/#top",
        body="<p>Different text.</p>",
    )
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    [error] = caught.value.error_dict["url"]
    assert error.code == "duplicate_url"
    assert f"“Original” (#{first.pk})" in error.messages[0]


def test_an_article_may_keep_its_own_url_when_edited():
    article = make_article(url=BASE)
    article.url = f"{BASE}/?utm_source=x"
    article.full_clean()


def test_articles_without_a_url_do_not_clash():
    make_article(url="")
    make_article(url="")
    assert Article.objects.filter(url_key="").count() == 2


def test_the_database_refuses_a_duplicate_url_key_that_skipped_validation():
    first = make_article(url=BASE)
    clash = Article(
        title="Sneaky",
        source=first.source,
        published=first.published,
        url=BASE,
        url_key=first.url_key,
        body_text="other",
        content_hash="x" * 64,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()


def test_content_hash_ignores_case_and_spacing_but_not_words():
    assert content_hash("Radio  reaches\nmany") == content_hash("radio reaches MANY")
    assert content_hash("Radio reaches many") != content_hash("Radio reaches few")
    assert content_hash("  ") == ""


def test_the_same_text_with_different_markup_is_a_duplicate():
    first = make_article(title="First", body="<p>Smuggled DVDs spread.</p>")
    duplicate = Article(
        title="Second",
        source=first.source,
        published=first.published,
        body="<div><b>smuggled</b>   DVDs spread.</div>",
    )
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    [error] = caught.value.error_dict["body"]
    assert error.code == "duplicate_body"
    assert f"“First” (#{first.pk})" in error.messages[0]


def test_articles_without_a_body_do_not_clash():
    make_article(body="")
    make_article(body="<script>only code</script>")
    assert Article.objects.filter(content_hash="").count() == 2


def test_clean_derives_the_stored_forms():
    article = Article(
        title="  Kim   Jong Un's <speech>\u200b ",
        source=SourceFactory(),
        published=datetime.date(2024, 8, 22),
        summary="First <p>\n\n  Second ",
        body="<h1>Speech</h1><p onclick='x'>Text &amp; more</p>",
        url="https://www.example.org/speech?utm_medium=x",
    )
    article.full_clean()
    assert article.title == "Kim Jong Un's <speech>"
    assert article.slug == "kim-jong-uns-speech"
    assert article.summary == "First <p>\nSecond"
    assert article.body == "<h2>Speech</h2><p>Text &amp; more</p>"
    assert article.body_text == "Speech\nText & more"
    assert article.url == "https://www.example.org/speech?utm_medium=x"
    assert article.url_key == "https://example.org/speech"
    assert article.content_hash == content_hash("Speech\nText & more")


def test_a_title_of_invisible_characters_only_is_refused():
    article = Article(
        title="\u200b\u202e \ufeff",
        source=SourceFactory(),
        published=datetime.date(2024, 1, 1),
    )
    with pytest.raises(ValidationError) as caught:
        article.full_clean()
    assert "Give a title." in caught.value.message_dict["title"][0]


@pytest.mark.parametrize(
    "title", ["Why <Juche> matters", "A<B", "<b>kept</b> as typed"]
)
def test_titles_with_angle_brackets_are_kept_as_typed(title):
    article = make_article(title=title, summary=f"{title}\nsecond line")
    article.refresh_from_db()
    assert article.title == title
    assert article.summary == f"{title}\nsecond line"


def test_korean_titles_get_korean_slugs():
    article = make_article(title="북한 대학 챗GPT 활용")
    assert article.slug == "북한-대학-챗gpt-활용"


@pytest.mark.parametrize("model", [Source, Author, Tag])
def test_registry_names_are_plain_text_with_derived_slugs(model):
    entry = model(name="<b>Rodong</b> Sinmun<script>x()</script>")
    entry.full_clean()
    assert entry.name == "Rodong Sinmun"
    assert entry.slug == "rodong-sinmun"


@pytest.mark.parametrize("model", [Source, Author, Tag])
def test_a_registry_name_of_only_markup_is_refused(model):
    with pytest.raises(ValidationError) as caught:
        model(name="<em></em>").full_clean()
    assert "name" in caught.value.message_dict


def test_slugs_stay_unique_when_names_collide():
    AuthorFactory(name="Kim Min-ji", slug="kim-min-ji")
    second = Author(name="Kim Min Ji")
    second.full_clean()
    assert second.slug == "kim-min-ji-2"


@pytest.mark.parametrize(
    "slug", ["Mobile-Phones", "mobile_phones", "mobile--phones", "-k"]
)
def test_tag_slugs_must_be_lowercase_hyphenated(slug):
    with pytest.raises(ValidationError) as caught:
        Tag(name="Mobile phones", slug=slug).full_clean()
    assert "slug" in caught.value.message_dict


def test_tag_names_become_lowercase_hyphenated_slugs():
    tag = Tag(name="K-Pop Music")
    tag.full_clean()
    assert tag.slug == "k-pop-music"


def test_queryset_filters_chain():
    bloomberg, eai = SourceFactory(name="Bloomberg"), SourceFactory(name="EAI")
    radio = TagFactory(name="radio")
    author = AuthorFactory(name="Nicole Gaouette")
    old = make_article(
        source=bloomberg,
        published=datetime.date(2012, 5, 9),
        tags=[radio],
        authors=[author],
    )
    new = make_article(source=eai, published=datetime.date(2024, 8, 31), tags=[radio])
    draft = make_article(
        source=eai, published=datetime.date(2024, 9, 1), status=Article.Status.DRAFT
    )
    assert list(Article.objects.published().newest_first()) == [new, old]
    assert list(Article.objects.drafts()) == [draft]
    assert list(Article.objects.for_source(eai).published()) == [new]
    assert set(Article.objects.for_tag(radio)) == {old, new}
    assert list(Article.objects.for_author(author)) == [old]
    assert list(Article.objects.in_year(2024).newest_first()) == [draft, new]


def test_with_relations_loads_a_list_in_three_queries(django_assert_num_queries):
    for _ in range(3):
        make_article(authors=[AuthorFactory()], tags=[TagFactory(), TagFactory()])
    with django_assert_num_queries(3):
        rows = [
            (a.source.name, [x.name for x in a.authors.all()], len(a.tags.all()))
            for a in Article.objects.with_relations()
        ]
    assert len(rows) == 3
