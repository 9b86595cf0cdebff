from io import StringIO

import pytest
from django.core.management import call_command

from archive import services
from archive.management.commands.load_seed_articles import Command
from archive.models import Article

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("load_seed_articles", stdout=out)
    return out.getvalue()


def test_seed_articles_load_into_an_empty_archive():
    assert Command.LOADED in run()
    assert Article.objects.published().count() == 6


def test_a_second_start_keeps_what_curators_changed():
    run()
    article = Article.objects.get(pk=1)
    services.article_update(article=article, title="Retitled by a curator")

    assert Command.SKIPPED in run()
    assert Article.objects.get(pk=1).title == "Retitled by a curator"
    assert Article.objects.count() == 6
