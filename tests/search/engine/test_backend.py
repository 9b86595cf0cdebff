"""The engine on its own: documents in, ranked ids and facet counts out (no Django)."""

import dataclasses
import datetime
from collections import Counter

import pytest

from search.engine import snapshot, spelling, whoosh_backend
from search.engine.api import IndexUnavailable, SearchRequest, WriterBusy
from search.engine.documents import Document, FacetField, Layout
from search.engine.facets import Selection
from search.engine.query import QueryLimits
from search.engine.variants import build_table
from search.engine.whoosh_backend import WhooshBackend


def day(year: int, month: int = 1, d: int = 1) -> int:
    return datetime.date(year, month, d).toordinal()


LAYOUT = Layout(
    fields=(
        FacetField("source", "int"),
        FacetField("tags", "int", multi=True),
        FacetField("year", "int"),
        FacetField("language", "str"),
        FacetField("kind", "str"),
        FacetField("regions", "str", multi=True),
    ),
    histogram="year",
)
LIMITS = QueryLimits(max_length=500, prefix_min_length=3, prefix_max_terms=64)


def doc(pk: int, title: str, body: str = "", **values) -> Document:
    published = values.pop("day", day(2020))
    return Document(
        id=pk,
        title=title,
        summary="",
        body=body,
        source_name="Daily NK",
        author_names=(),
        tag_names=values.pop("tag_names", ()),
        day=published,
        facets={
            "source": values.pop("source", 1),
            "tags": values.pop("tags", ()),
            "year": datetime.date.fromordinal(published).year,
            "language": values.pop("language", "en"),
            "kind": values.pop("kind", "news"),
            "regions": values.pop("regions", ()),
        },
    )


def make_backend(path, layout=LAYOUT) -> WhooshBackend:
    return WhooshBackend(path, layout, limits=LIMITS, text_of=lambda pk: TEXTS.get(pk))


@pytest.fixture
def backend(tmp_path):
    backend = make_backend(tmp_path / "index")
    location = backend.new_generation()
    backend.make_current(location)
    backend.index(DOCUMENTS)
    yield backend
    backend.close()


DOCUMENTS = [
    doc(1, "Radio jamming on the border", "Shortwave radio broadcasts are jammed."),
    doc(2, "Smuggled phones", "Chinese mobile phones cross the border.", source=2),
    doc(
        3,
        "Radio Free Asia listeners",
        "Listeners tune in to radio at night.",
        day=day(2012, 5, 9),
        tags=(7,),
        tag_names=("Radio",),
        kind="analysis",
        regions=("Pyongyang", "Sinuiju"),
    ),
    doc(
        4,
        "김정은 연설",
        "김정은은 라디오 방송에서 말했다.",
        language="ko",
        source=2,
        regions=("Pyongyang",),
    ),
]
TEXTS = {d.id: f"{d.title} {d.body}" for d in DOCUMENTS}


def test_words_are_matched_ranked_and_counted_by_facet(backend):
    matches = backend.search(SearchRequest(q="radio"))
    assert {pk for pk, _ in matches.ranked} == {1, 3}
    scores = [score for _, score in matches.ranked]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    assert matches.total == 2
    assert matches.counts["source"] == Counter({1: 2})
    assert matches.counts["year"] == Counter({2020: 1, 2012: 1})
    assert matches.histogram == ((2012, 1), (2020, 1))
    assert "radio" in matches.highlight_terms


def test_a_facet_is_counted_under_every_filter_but_its_own(backend):
    selection = Selection(selected=(("kind", frozenset({"analysis"})),))
    matches = backend.search(SearchRequest(q="radio", selection=selection))
    assert [pk for pk, _ in matches.ranked] == [3]
    assert matches.counts["kind"] == Counter({"analysis": 1, "news": 1})
    assert matches.counts["source"] == Counter({1: 1})


def test_any_layout_of_facets_is_stored_filtered_and_counted(backend):
    everything = backend.search(SearchRequest(day_from=day(1900)))
    assert everything.counts["regions"] == Counter({"Pyongyang": 2, "Sinuiju": 1})
    assert everything.counts["tags"] == Counter({7: 1})
    excluded = Selection(excluded=(("regions", frozenset({"Sinuiju"})),))
    matches = backend.search(SearchRequest(day_from=day(1900), selection=excluded))
    assert {pk for pk, _ in matches.ranked} == {1, 2, 4}


def test_an_index_built_for_another_layout_is_not_read(backend, tmp_path):
    fewer = Layout(fields=LAYOUT.fields[:-1], histogram="year")
    other = make_backend(backend.base, fewer)
    assert other.version != backend.version
    assert other.current() is None
    with pytest.raises(IndexUnavailable) as raised:
        other.search(SearchRequest(q="radio"))
    assert raised.value.outdated


def test_dates_sorting_and_slices(backend):
    every = SearchRequest(day_from=day(2000), sort="oldest", limit=None)
    assert backend.search(every).ranked[0][0] == 3
    newest = SearchRequest(day_from=day(2000), sort="newest", offset=1, limit=2)
    assert len(backend.search(newest).ranked) == 2
    before = SearchRequest(day_to=day(2015))
    assert [pk for pk, _ in backend.search(before).ranked] == [3]


def test_every_match_after_a_page_of_the_same_search(backend):
    # A page's ranking is kept; asking next for the whole result set (an
    # export) must not get that page instead.
    for q in ("radio", ""):
        request = SearchRequest(q=q, day_from=day(2000))
        page = backend.search(dataclasses.replace(request, limit=1))
        every = backend.search(dataclasses.replace(request, limit=None))
        assert len(page.ranked) == 1 < page.total
        assert len(every.ranked) == every.total == page.total


def test_a_whole_ranking_too_long_to_keep_is_ranked_again(backend, monkeypatch):
    monkeypatch.setattr(whoosh_backend, "KEPT_RANKING", 2)
    request = SearchRequest(q="", day_from=day(2000), limit=None)
    first = backend.search(request)
    assert first.total > 2
    with backend._snapshot() as snapshot:
        kept = [v for v in snapshot.results.values() if isinstance(v, list)]
    assert kept == []
    again = backend.search(request)
    assert again.ranked == first.ranked
    page = backend.search(dataclasses.replace(request, limit=2))
    assert page.ranked == first.ranked[:2]


def test_kept_results_stay_within_their_memory_budget(backend, monkeypatch):
    words = ("radio", "border", "phones", "listeners", "night")
    answers = {q: backend.search(SearchRequest(q=q)) for q in words}
    with backend._snapshot() as kept:
        one = max(snapshot._result_bytes(v) for v in kept.results.values())
    budget = int(one * 2.5)
    monkeypatch.setattr(snapshot, "KEPT_RESULTS_BYTES", budget)
    backend.close()
    for q in words:
        assert backend.search(SearchRequest(q=q)) == answers[q]
    with backend._snapshot() as kept:
        sizes = [snapshot._result_bytes(v) for v in kept.results.values()]
        assert 0 < kept.results_bytes == sum(sizes) <= budget
        assert len(sizes) < 2 * len(words)  # the oldest made room
    # What was let go is searched again, with the same answer.
    assert backend.search(SearchRequest(q=words[0])) == answers[words[0]]


def test_hangul_inside_longer_words_and_variants(backend):
    assert [pk for pk, _ in backend.search(SearchRequest(q="김정은")).ranked] == [4]
    table = build_table([["Kim Jong Un", "김정은"]])
    matches = backend.search(SearchRequest(q="Kim Jong Un", variants=table))
    assert [pk for pk, _ in matches.ranked] == [4]
    assert matches.also_matched == ("김정은",)


def test_nothing_searchable_is_said_not_searched(backend):
    matches = backend.search(SearchRequest(q="the of"))
    assert not matches.searched
    assert matches.query_notices


def test_did_you_mean_reads_real_words_through_text_of(backend):
    matches = backend.search(SearchRequest(q="radoi"))
    assert matches.total == 0
    assert matches.suggestion == "radio"


def test_did_you_mean_looks_in_segments_committed_since(backend, monkeypatch):
    backend.search(SearchRequest(q="radoi"))  # the first segment's words are read
    backend.index([doc(9, "Shortwave listeners", "Shortwave listeners abroad.")])
    monkeypatch.setitem(TEXTS, 9, "Shortwave listeners abroad.")
    assert backend.search(SearchRequest(q="shortwaev")).suggestion == "shortwave"


def test_a_suggestion_out_of_time_is_left_out_not_waited_for(backend, monkeypatch):
    monkeypatch.setattr(spelling, "SUGGEST_SECONDS", 0)
    matches = backend.search(SearchRequest(q="radoi"))
    assert matches.searched and matches.total == 0
    assert matches.suggestion is None


def test_index_replaces_delete_removes_and_check_lists_stamps(backend):
    backend.index([doc(2, "Smuggled radios", "Radios cross the border.", source=2)])
    assert {pk for pk, _ in backend.search(SearchRequest(q="radio")).ranked} == {
        1,
        2,
        3,
    }
    backend.delete([1, 99])
    assert {pk for pk, _ in backend.search(SearchRequest(q="radio")).ranked} == {2, 3}
    contents = backend.check()
    assert sorted(contents.stamps) == [2, 3, 4]
    assert all(len(stamps) == 1 for stamps in contents.stamps.values())


def test_more_like_this_never_returns_the_text_it_was_given(backend):
    related = backend.more_like_this(TEXTS[1], exclude=1, limit=3)
    assert related and 1 not in related
    assert related[0] == 3  # the other radio article


def test_no_index_is_unavailable_and_a_second_writer_is_busy(tmp_path):
    empty = make_backend(tmp_path / "none")
    with pytest.raises(IndexUnavailable):
        empty.search(SearchRequest(q="radio"))
    location = empty.new_generation()
    with (
        empty.writer(location, timeout=0),
        pytest.raises(WriterBusy),
        empty.writer(location, timeout=0),
    ):
        pass
