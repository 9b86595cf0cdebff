import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.management.commands.generate_corpus import Command
from archive.models import Article, Source, Tally
from archive.sanitize import html_to_text, sanitize_html
from archive.synthetic.corpus import CorpusGenerator
from archive.synthetic.vocabulary import DOMAIN_TERMS
from tests.factories import make_article

pytestmark = pytest.mark.django_db

HANGUL = re.compile("[\uac00-\ud7a3]")


def generate(**options) -> str:
    out = StringIO()
    call_command("generate_corpus", stdout=out, **options)
    return out.getvalue()


def corpus_fingerprint() -> list[tuple]:
    return list(
        Article.objects.order_by("url_key").values_list(
            "url_key", "title", "content_hash", "published", "source__name"
        )
    )


def test_fifty_articles_are_published_and_marked_synthetic():
    output = generate(count=50, seed=7)

    articles = Article.objects.prefetch_related("tags").select_related("source")
    assert articles.count() == 50
    assert "Wrote 50 synthetic articles" in output
    for article in articles:
        assert article.status == Article.Status.PUBLISHED
        assert article.url.startswith("https://synthetic.example/")
        assert article.summary.startswith("[Synthetic]")
        assert article.source.name.startswith("Synthetic ")
        assert article.source.homepage.startswith("https://synthetic.example/")
        tags = {tag.slug for tag in article.tags.all()}
        assert "synthetic-corpus" in tags
        assert 3 <= len(tags) <= 7  # 2 to 6 subject tags plus the marker


def test_generated_articles_are_exactly_what_full_clean_would_store():
    generate(count=50, seed=7)

    stored_fields = ("title", "slug", "summary", "body", "body_text", "content_hash")
    for article in Article.objects.order_by("?")[:10]:
        before = {name: getattr(article, name) for name in stored_fields}
        article.full_clean()
        assert {name: getattr(article, name) for name in stored_fields} == before
        assert 300 <= len(article.body_text.split()) <= 1300


def test_domain_terms_survive_the_sanitizer_unchanged():
    body = "<p>" + " ".join(DOMAIN_TERMS) + "</p>"

    assert sanitize_html(body) == body
    assert html_to_text(body) == " ".join(DOMAIN_TERMS)


def test_same_seed_writes_the_same_corpus_and_another_seed_does_not():
    generate(count=20, seed=3)
    first = corpus_fingerprint()
    generate(count=20, seed=3, clear=True)
    assert corpus_fingerprint() == first

    generate(count=20, seed=4, clear=True)
    assert {row[2] for row in corpus_fingerprint()}.isdisjoint(
        {row[2] for row in first}
    )


def test_a_seed_already_written_must_be_cleared_first():
    generate(count=5, seed=9)

    with pytest.raises(CommandError) as error:
        generate(count=5, seed=9)

    assert str(error.value) == Command.EXISTING % {"count": 5, "seed": 9}
    assert Article.objects.count() == 5


def test_an_interrupted_corpus_is_resumed_into_the_same_corpus():
    generate(count=30, seed=3, batch_size=7)
    whole = corpus_fingerprint()
    counts = dict(Tally.objects.filter(year=0, pair="").values_list("key", "n"))
    # An interrupted run leaves its first batches, whole.
    Article.objects.filter(url_key__gt=CorpusGenerator.url_key(3, 14)).delete()

    output = generate(count=30, seed=3, batch_size=7, resume=True)

    assert Command.RESUMED % {"count": 14} in output
    assert "Wrote 16 synthetic articles" in output
    assert corpus_fingerprint() == whole
    recounted = dict(Tally.objects.filter(year=0, pair="").values_list("key", "n"))
    assert recounted[""] == 30 and sorted(recounted.items()) == sorted(counts.items())


def test_articles_that_are_not_the_start_of_the_corpus_are_not_resumed():
    generate(count=10, seed=3)
    Article.objects.filter(url_key=CorpusGenerator.url_key(3, 2)).delete()

    with pytest.raises(CommandError) as error:
        generate(count=20, seed=3, resume=True)

    assert str(error.value) == Command.NOT_A_START % {"count": 9, "seed": 3}
    assert Article.objects.count() == 9


def test_clear_removes_only_synthetic_articles_and_sources():
    real = make_article(title="Radio listening in Hyesan")
    generate(count=10, seed=1)

    output = generate(count=1, seed=2, clear=True)

    assert Command.CLEARED % {"count": 10} in output
    assert Article.objects.filter(pk=real.pk).exists()
    assert Article.objects.count() == 2
    assert Source.objects.filter(pk=real.source_id).exists()


def test_about_one_article_in_twenty_is_korean_with_particles_attached():
    articles = list(CorpusGenerator(11).articles(600))

    korean = [a for a in articles if a.language == "ko"]
    assert 0.02 < len(korean) / len(articles) < 0.09
    for article in korean:
        assert HANGUL.search(article.title)
        assert HANGUL.search(article.body_text)
    words = {w for a in korean for w in a.body_text.split()}
    assert {"북한의", "김정은은"} <= words


def test_sources_and_dates_are_skewed_like_a_real_archive():
    articles = list(CorpusGenerator(11).articles(600))

    by_source: dict[int, int] = {}
    for article in articles:
        by_source[article.source] = by_source.get(article.source, 0) + 1
    counts = sorted(by_source.values(), reverse=True)
    assert counts[0] > 5 * counts[len(counts) // 2]
    recent = sum(a.published.year >= 2020 for a in articles)
    early = sum(a.published.year < 2007 for a in articles)
    assert recent > 4 * early
    assert all(2000 <= a.published.year <= 2026 for a in articles)
