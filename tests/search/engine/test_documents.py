"""Packed facet values: what the index stores per document reads back as it was written."""

import pytest

from search.engine.documents import (
    DocMeta,
    FacetField,
    Layout,
    meta_decoder,
    pack_meta,
    unpack_meta,
)

ARCHIVE = Layout(
    fields=(
        FacetField("source", "int"),
        FacetField("tag", "int", multi=True),
        FacetField("author", "int", multi=True),
        FacetField("year", "int"),
        FacetField("lang", "str"),
        FacetField("kind", "str"),
    ),
    histogram="year",
)
STRINGS_FIRST = Layout(
    fields=(
        FacetField("codes", "str", multi=True),
        FacetField("ids", "int", multi=True),
        FacetField("lang", "str"),
        FacetField("n", "int"),
        FacetField("m", "int"),
    )
)


@pytest.mark.parametrize(
    ("layout", "values"),
    [
        (ARCHIVE, (3, (1, 7, 9), (), 2012, "ko", "state-media")),
        (ARCHIVE, (0, (), (42,), 1996, "", "")),
        (STRINGS_FIRST, (("a", "bc"), (5, -6), "en", -1, 2**40)),
        (STRINGS_FIRST, ((), (), "", 0, 0)),
        (Layout(fields=()), ()),
        (Layout(fields=(FacetField("tags", "str", multi=True),)), (("x",),)),
    ],
)
def test_packed_values_read_back_unchanged(layout, values):
    meta = DocMeta(pk=17, stamp=-(2**62), day=738000, length=250, values=values)
    data = pack_meta(meta, layout, stamp=meta.stamp)
    assert unpack_meta(data, layout) == meta
    assert meta_decoder(layout)(data) == (17, -(2**62), 738000, 250, values)


def test_an_empty_value_is_a_deleted_documents_slot():
    assert unpack_meta(b"", ARCHIVE) is None


def test_one_decoder_per_layout():
    assert meta_decoder(ARCHIVE) is meta_decoder(ARCHIVE)
    assert meta_decoder(ARCHIVE) is not meta_decoder(STRINGS_FIRST)
