import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from archive import services
from archive.models import Article, Author, Source, Tag
from archive.signals import articles_changed
from tests.factories import AuthorFactory, SourceFactory, TagFactory, make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed():
    """The article ids of every ``articles_changed`` signal sent during the test."""
    seen: list[list[int]] = []

    def receiver(sender, article_ids, **kwargs):
        seen.append(list(article_ids))

    articles_changed.connect(receiver, weak=False)
    yield seen
    articles_changed.disconnect(receiver)


def new_article(**fields) -> Article:
    defaults = {
        "title": "Foreign media in North Korea",
        "source": SourceFactory(),
        "published": datetime.date(2022, 4, 22),
        "body": "<p>K-pop reaches North Korea on USB sticks.</p>",
    }
    return services.article_create(**{**defaults, **fields})


# -- articles ---------------------------------------------------------------------


def test_article_create_saves_a_clean_article_with_authors_and_tags():
    author, tag = AuthorFactory(name="Seunghee Ha"), TagFactory(name="ai")
    article = new_article(
        title="<b>Use of AI</b> in North Korea",
        body="<p onclick=x>Text</p><script>x</script>",
        authors=[author],
        tags=[tag],
    )
    article.refresh_from_db()
    assert article.title == "<b>Use of AI</b> in North Korea"  # kept as typed
    assert article.body == "<p>Text</p>"
    assert article.body_text == "Text"
    assert article.status == Article.Status.DRAFT
    assert list(article.authors.all()) == [author]
    assert list(article.tags.all()) == [tag]


def test_article_create_rejects_unknown_fields():
    with pytest.raises(TypeError, match="headline"):
        new_article(headline="x")


def test_a_failing_validation_saves_nothing():
    with pytest.raises(ValidationError):
        new_article(title="\u200b", tags=[TagFactory()])
    assert not Article.objects.exists()


def test_a_failure_after_the_row_is_written_rolls_the_row_back():
    unsaved_tag = Tag(name="never saved")
    with pytest.raises(ValueError):
        new_article(tags=[unsaved_tag])
    assert not Article.objects.exists()


def test_article_create_refuses_a_duplicate_url_and_saves_nothing():
    first = new_article(url="https://www.nknews.org/2024/08/story/")
    with pytest.raises(ValidationError) as caught:
        new_article(
            title="Copy",
            body="<p>Other text</p>",
            url="http://nknews.org/2024/08/story?utm_campaign=a",
        )
    assert f"#{first.pk}" in caught.value.message_dict["url"][0]
    assert Article.objects.count() == 1


def test_article_create_refuses_a_duplicate_body_and_saves_nothing():
    first = new_article()
    with pytest.raises(ValidationError) as caught:
        new_article(
            title="Reprint", body="<p>K-POP reaches North Korea on USB sticks.</p>"
        )
    assert f"#{first.pk}" in caught.value.message_dict["body"][0]
    assert Article.objects.count() == 1


def test_article_update_changes_fields_and_rederives_the_slug():
    article = new_article(tags=[TagFactory(name="k-pop")])
    services.article_update(article=article, title="K-pop challenges the regime")
    article.refresh_from_db()
    assert article.title == "K-pop challenges the regime"
    assert article.slug == "k-pop-challenges-the-regime"
    assert [t.name for t in article.tags.all()] == ["k-pop"]


def test_article_update_keeps_an_explicit_slug():
    article = new_article()
    services.article_update(article=article, title="New title", slug="kept-slug")
    assert Article.objects.get().slug == "kept-slug"


def test_article_update_replaces_or_clears_relations_only_when_given():
    old, new = AuthorFactory(name="Old"), AuthorFactory(name="New")
    article = new_article(authors=[old], tags=[TagFactory()])
    services.article_update(article=article, authors=[new])
    assert list(article.authors.all()) == [new]
    assert article.tags.count() == 1
    services.article_update(article=article, tags=[])
    assert article.tags.count() == 0


def test_a_failing_update_leaves_the_stored_article_unchanged():
    other = new_article(title="Other", body="<p>Other body</p>")
    article = new_article()
    with pytest.raises(ValidationError):
        services.article_update(
            article=article, title="Changed", body=other.body, tags=[TagFactory()]
        )
    stored = Article.objects.get(pk=article.pk)
    assert stored.title == "Foreign media in North Korea"
    assert stored.tags.count() == 0


def test_article_save_validates_what_a_form_set():
    article = new_article()
    article.body = "<p>Edited <iframe src=x></iframe>text</p>"
    services.article_save(article=article)
    assert Article.objects.get().body == "<p>Edited text</p>"
    article.title = ""
    with pytest.raises(ValidationError):
        services.article_save(article=article)
    assert Article.objects.get().title == "Foreign media in North Korea"


def test_publish_and_unpublish():
    article = new_article()
    services.article_publish(article=article)
    assert Article.objects.published().get() == article
    services.article_unpublish(article=article)
    assert Article.objects.drafts().get() == article


def test_article_delete():
    article = new_article(tags=[TagFactory()])
    services.article_delete(article=article)
    assert not Article.objects.exists()
    assert Tag.objects.count() == 1


# -- bulk changes -----------------------------------------------------------------


def test_articles_set_status_changes_only_what_differs_and_reports_it(changed):
    a = make_article(status=Article.Status.DRAFT)
    b = make_article(status=Article.Status.PUBLISHED)
    count = services.articles_set_status(
        articles=Article.objects.all(), status=Article.Status.PUBLISHED
    )
    assert count == 1
    assert Article.objects.published().count() == 2
    assert changed == [[a.pk]]
    assert b.pk not in changed[0]


def test_articles_set_status_refuses_an_unknown_status():
    make_article()
    with pytest.raises(ValueError, match="archived"):
        services.articles_set_status(articles=Article.objects.all(), status="archived")


def test_articles_add_and_remove_tag_report_what_changed(changed):
    radio = TagFactory(name="radio")
    tagged, untagged = make_article(tags=[radio]), make_article()
    everything = Article.objects.all()
    assert services.articles_add_tag(articles=everything, tag=radio) == 1
    assert set(radio.articles.all()) == {tagged, untagged}
    assert services.articles_remove_tag(articles=everything, tag=radio) == 2
    assert not radio.articles.exists()
    assert changed == [[untagged.pk], sorted([tagged.pk, untagged.pk])]


def test_bulk_changes_that_change_nothing_send_nothing(changed):
    make_article(status=Article.Status.PUBLISHED)
    services.articles_set_status(
        articles=Article.objects.all(), status=Article.Status.PUBLISHED
    )
    services.articles_remove_tag(articles=Article.objects.all(), tag=TagFactory())
    assert changed == []


# -- sources, authors, tags -------------------------------------------------------


def test_get_or_create_finds_existing_entries_whatever_the_case_or_markup():
    source = services.source_get_or_create(name="Daily NK", kind=Source.Kind.NGO)
    assert services.source_get_or_create(name="<b>daily nk</b>") == source
    author = services.author_get_or_create(name="Michael Lee")
    assert services.author_get_or_create(name="MICHAEL LEE") == author
    tag = services.tag_get_or_create(name="Mobile phones")
    assert services.tag_get_or_create(name="mobile-phones") == tag
    assert services.tag_get_or_create(name="mobile PHONES") == tag
    assert (Source.objects.count(), Author.objects.count(), Tag.objects.count()) == (
        1,
        1,
        1,
    )
    assert source.kind == Source.Kind.NGO
    assert tag.slug == "mobile-phones"


def test_get_or_create_refuses_a_name_of_only_markup():
    with pytest.raises(ValidationError):
        services.tag_get_or_create(name="<script>x</script>")
    assert not Tag.objects.exists()


def test_registry_save_renames_with_plain_text():
    tag = TagFactory(name="kpop", slug="kpop")
    tag.name = "<i>K-pop</i>"
    services.registry_save(entry=tag)
    tag.refresh_from_db()
    assert (tag.name, tag.slug) == ("K-pop", "kpop")


def test_registry_save_refuses_a_duplicate_name():
    SourceFactory(name="Yonhap")
    with pytest.raises(ValidationError):
        services.registry_save(entry=Source(name="Yonhap"))
    assert Source.objects.count() == 1


def test_registry_delete_reindexes_the_articles_that_lose_the_entry(changed):
    author = AuthorFactory(name="Gone")
    article = make_article(authors=[author])
    services.registry_delete(entry=author)
    assert not Author.objects.exists()
    assert article.authors.count() == 0
    assert changed == [[article.pk]]


def test_registry_delete_refuses_a_source_that_still_has_articles():
    article = make_article()
    with pytest.raises(ProtectedError):
        services.registry_delete(entry=article.source)
    assert Source.objects.filter(pk=article.source.pk).exists()


def test_source_merge_moves_every_article_and_deletes_the_source(changed):
    old, new = SourceFactory(name="Rodong"), SourceFactory(name="Rodong Sinmun")
    moved = [make_article(source=old), make_article(source=old)]
    stays = make_article(source=new)
    assert services.source_merge(source=old, into=new) == new
    assert not Source.objects.filter(pk=old.pk).exists()
    assert set(new.articles.all()) == {*moved, stays}
    assert changed == [sorted(a.pk for a in moved)]


def test_author_merge_credits_each_article_once(changed):
    keep, alias = AuthorFactory(name="Kim Jong Un"), AuthorFactory(name="Kim Jong-un")
    both = make_article(authors=[keep, alias])
    only_alias = make_article(authors=[alias])
    services.author_merge(author=alias, into=keep)
    assert list(Author.objects.all()) == [keep]
    assert list(both.authors.all()) == [keep]
    assert list(only_alias.authors.all()) == [keep]
    assert changed == [sorted([both.pk, only_alias.pk])]


def test_the_byline_keeps_the_order_given_and_a_merge_keeps_the_place():
    williams, baek, alias = (
        AuthorFactory(name="Martyn Williams"),
        AuthorFactory(name="Jieun Baek"),
        AuthorFactory(name="J. Baek"),
    )
    article = make_article(authors=[williams, alias])
    assert article.byline == [williams, alias]
    services.article_update(article=article, authors=[alias, williams])
    assert Article.objects.get(pk=article.pk).byline == [alias, williams]
    services.author_merge(author=alias, into=baek)
    assert Article.objects.get(pk=article.pk).byline == [baek, williams]


def test_tag_merge_retags_each_article_once():
    keep, alias = TagFactory(name="k-pop"), TagFactory(name="kpop")
    both = make_article(tags=[keep, alias])
    only_alias = make_article(tags=[alias])
    services.tag_merge(tag=alias, into=keep)
    assert list(Tag.objects.all()) == [keep]
    assert set(keep.articles.all()) == {both, only_alias}
    assert both.tags.count() == 1


@pytest.mark.parametrize(
    ("merge", "keyword", "factory"),
    [
        (services.source_merge, "source", SourceFactory),
        (services.author_merge, "author", AuthorFactory),
        (services.tag_merge, "tag", TagFactory),
    ],
)
def test_an_entry_cannot_be_merged_into_itself(merge, keyword, factory):
    entry = factory()
    with pytest.raises(ValueError, match="itself"):
        merge(**{keyword: entry, "into": entry})
    assert type(entry).objects.filter(pk=entry.pk).exists()
