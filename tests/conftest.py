import pytest


@pytest.fixture(autouse=True)
def _search_index_dir(settings, tmp_path):
    """Give every test its own empty search index directory."""
    settings.SEARCH_INDEX_DIR = tmp_path / "whoosh"
