"""Test data builders. Articles are saved through the services, as the admin does."""

import datetime

import factory

from archive import services
from archive.models import Article, Author, Source, Tag


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Source {n}")
    slug = factory.Sequence(lambda n: f"source-{n}")
    homepage = factory.Sequence(lambda n: f"https://source{n}.example.org")
    kind = Source.Kind.NEWS_OUTLET
    country = "South Korea"


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.Sequence(lambda n: f"author-{n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


def make_article(*, authors=(), tags=(), **fields) -> Article:
    """Create an article through ``services.article_create`` with sensible defaults."""
    n = next(_counter)
    defaults = {
        "title": f"Article {n}",
        "source": fields.pop("source", None) or SourceFactory(),
        "published": datetime.date(2020, 1, 1),
        "body": f"<p>Body of article {n} about North Korean media.</p>",
        "status": Article.Status.PUBLISHED,
    }
    defaults.update(fields)
    return services.article_create(authors=authors, tags=tags, **defaults)


def _count():
    n = 0
    while True:
        n += 1
        yield n


_counter = _count()
