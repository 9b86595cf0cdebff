import pytest
from django.contrib.auth.models import Group


@pytest.fixture(autouse=True)
def _search_index_dir(settings, tmp_path):
    """Give every test its own empty search index directory."""
    settings.SEARCH_INDEX_DIR = tmp_path / "whoosh"


@pytest.fixture
def editor(django_user_model):
    """A staff account in the editors group (what curators get)."""
    user = django_user_model.objects.create_user(
        username="curator", password="pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name="editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    """The test client, logged in as ``editor``."""
    client.force_login(editor)
    return client
