"""Curators maintain the spelling variants in the admin."""

import pytest
from django.urls import reverse

from archive.listing.types import SearchParams
from search.models import IndexLog, VariantGroup
from search.service import search

pytestmark = pytest.mark.django_db

ADD = reverse("admin:search_variantgroup_add")


def test_the_seeded_table_holds_real_variant_groups():
    assert VariantGroup.objects.count() >= 40
    kim = VariantGroup.objects.get(name="Kim Jong Un")
    assert {"Kim Jong Un", "Kim Jŏng-ŭn", "김정은"} <= set(kim.spellings())


def test_an_editor_adds_a_group_one_spelling_per_line(editor_client, publish):
    article = publish(title="Shinuiju customs office")
    response = editor_client.post(
        ADD,
        {
            "name": "Sinuiju (test)",
            "variants": "Sinuiju\n  Shinuiju \n\nSinŭiju\nShinuiju",
            "enabled": "on",
            "notes": "",
        },
    )
    assert response.status_code == 302
    group = VariantGroup.objects.get(name="Sinuiju (test)")
    assert group.spellings() == ["Sinuiju", "Shinuiju", "Sinŭiju"]
    page = search(SearchParams(q="Sinuiju"))
    assert [h.article.pk for h in page.hits] == [article.pk]
    assert "Shinuiju" in page.also_matched


@pytest.mark.parametrize(
    ("variants", "message"),
    [
        ("Only one", "at least two spellings"),
        ("Real name\nthe of and", "no searchable words"),
    ],
)
def test_groups_that_cannot_work_are_refused_with_a_reason(
    editor_client, variants, message
):
    response = editor_client.post(ADD, {"name": "Bad", "variants": variants})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not VariantGroup.objects.filter(name="Bad").exists()


def test_the_change_page_shows_how_each_spelling_is_searched(editor_client):
    group = VariantGroup.objects.get(name="Pyongyang")
    response = editor_client.get(
        reverse("admin:search_variantgroup_change", args=[group.pk])
    )
    content = response.content.decode()
    assert "P&#x27;yŏngyang → <code>pyongyang</code>" in content
    assert "평양 → <code>평양</code>" in content


def test_the_index_log_is_read_only(editor_client, publish):
    publish(title="Logged")
    changelist = reverse("admin:search_indexlog_changelist")
    assert editor_client.get(changelist).status_code == 200
    row = IndexLog.objects.first()
    response = editor_client.post(
        reverse("admin:search_indexlog_change", args=[row.pk]), {"reason": "x"}
    )
    assert response.status_code == 403
