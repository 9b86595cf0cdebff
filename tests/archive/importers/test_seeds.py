"""The raw seed captures import as the six seed articles, as drafts, once."""

# ruff: noqa: RUF001 - the seed texts use typographic quotes and dashes
import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command

from archive.importers import REVIEW_PREFIX, UNKNOWN_SOURCE
from archive.models import Article
from tests.archive.importers.conftest import SEEDS

pytestmark = pytest.mark.django_db

METADATA = json.loads((SEEDS / "metadata.json").read_text())
# Title, date and authors as the text of each capture prints them (004 B prints
# 12 September although the page's canonical copy says 20 August).
PRINTED = {
    "North Korea’s evolving media landscape was revealed, showcasing the use of ChatGPT in universities and mobile phone ownership by one in four residents": (None, []),
    "Use of AI in North Korea: Strategic Perspectives on AI's Potential Role": (datetime.date(2024, 8, 31), ["Seunghee Ha"]),
    "North Korea’s Control of Media Breached by Technology": (None, []),
    "Despite ban, North Korea's global AI collaborations grow": (None, ["Michael Lee"]),
    "Foreign Media in North Korea - How Kpop is Challenging the Regime": (datetime.date(2022, 4, 22), []),
    "North Koreans Learning English | Interview with LELP Student & Volunteer": (datetime.date(2024, 9, 12), []),
}  # fmt: skip
BOILERPLATE = [
    "Bloomberg Anywhere", "Customer Support", "Please upgrade your Browser",
    "Photographer:", "Home &gt; National", "print dictionary", "기자 사진",
    "DAVID STANLEY", "BY MICHAEL LEE", "lee.junhyuk", "Log in to Twitter",
    "Social comment", "Standards Board Policy", "This article is based on",
    "References", "Seunghye", "takes no institutional position", "Typeset by",
    "Date of Issue", "Sajik-dong", "eai@eai.or.kr", "Photo credit",
    "technologically isolated from the world", "watching a Korean drama on a laptop",
    "Cydney &amp; Stella", "Give Today", "Donate Now", "Awesome!", "Check these out",
    "Stand with the north korean people", "Join Liberty", "logo for",
]  # fmt: skip


def import_seeds() -> str:
    out = StringIO()
    files = sorted(str(path) for path in SEEDS.glob("*.txt"))
    call_command("import_articles", *files, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_seed_captures_import_as_six_drafts_with_what_the_text_prints():
    output = import_seeds()
    assert "Summary: 6 created, 0 updated, 0 skipped as duplicates, 0 failed." in output
    articles = Article.objects.order_by("pk")
    assert {a.title: a.status for a in articles} == dict.fromkeys(PRINTED, "draft")
    for article in articles:
        printed_date, printed_authors = PRINTED[article.title]
        assert [a.name for a in article.authors.all()] == printed_authors
        if printed_date:
            assert (article.published, article.published_is_inferred) == (
                printed_date,
                False,
            )
        else:
            assert article.published_is_inferred
            assert article.published == datetime.date.today()


def test_seed_bodies_run_from_the_first_to_the_last_sentence_without_boilerplate():
    import_seeds()
    bodies = [a.body_text for a in Article.objects.order_by("pk")]
    for body, seed in zip(bodies, METADATA, strict=True):
        assert body.startswith(seed["body_starts_with"]), seed["seed_file"]
        assert body.endswith(seed["body_ends_with"]), seed["seed_file"]
    html = "\n".join(a.body for a in Article.objects.all())
    for text in BOILERPLATE:
        assert text not in html


def test_seed_subheads_and_lists_survive_as_structure():
    import_seeds()
    bloomberg = Article.objects.get(title__startswith="North Korea’s Control")
    assert "<h2>‘Nascent Seeds’ of Change</h2>" in bloomberg.body
    link = Article.objects.get(title__startswith="Foreign Media in North Korea")
    assert "<li>Random house searches</li>" in link.body
    interview = Article.objects.get(title__startswith="North Koreans Learning English")
    assert "<p>Stella - I don’t exactly remember when we met" in interview.body


def test_what_the_text_does_not_say_is_flagged_for_review():
    import_seeds()
    untitled = Article.objects.get(title__startswith="North Korea’s evolving media")
    assert untitled.review_note.startswith(REVIEW_PREFIX)
    assert "first sentence stands in as the title" in untitled.review_note
    assert "no date found" in untitled.review_note
    assert {a.source.name for a in Article.objects.all()} == {UNKNOWN_SOURCE}


def test_rerunning_the_seed_import_creates_nothing():
    import_seeds()
    output = import_seeds()
    assert "Summary: 0 created, 0 updated, 6 skipped as duplicates, 0 failed." in output
    assert Article.objects.count() == 6


def test_the_seed_folder_adds_nothing_to_an_archive_holding_the_fixtures():
    call_command("load_seed_articles", stdout=StringIO())
    out = StringIO()
    call_command("import_articles", str(SEEDS), stdout=out, stderr=StringIO())
    output = out.getvalue()
    assert "README" not in output  # the folder's description is not an article
    # Six captures and the six records of metadata.json are the fixtures' articles.
    assert (
        "Summary: 0 created, 0 updated, 12 skipped as duplicates, 0 failed." in output
    )
    assert Article.objects.count() == 6
    # The LELP interview's capture has no URL, another date and "Stella -" for
    # "Stella:": the same title and nearly the same text make it the same article.
    interview = Article.objects.get(title__startswith="North Koreans Learning English")
    assert (
        f"post 2 (line 84): “North Koreans Learning English | Interview with LELP "
        f"Student & Volunteer” — already in the archive as #{interview.pk}"
    ) in output
    assert "(same title, nearly the same text)" in output
