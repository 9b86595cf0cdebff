import pytest

from archive.importers.bylines import without_dateline


@pytest.mark.parametrize(
    ("credit", "name"),
    [
        ("Min-ji Kang in Seoul", "Min-ji Kang"),
        ("Jonas Weber in Dandong, Liaoning", "Jonas Weber"),
        ("Eun-ha Seo", "Eun-ha Seo"),
        ("Lee Sun-mi in New York", "Lee Sun-mi"),
    ],
)
def test_a_reporters_dateline_is_not_part_of_the_name(credit, name):
    assert without_dateline(credit) == name
