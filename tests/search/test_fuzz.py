"""Hostile values for every parameter of the search page: always an answer, never a 5xx."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.search.page_corpus import corpus, corpus_index  # noqa: F401

pytestmark = pytest.mark.django_db

URL = "/search/"
PARAMETERS = (
    "q", "source", "tag", "author", "year", "lang", "kind",
    "not_source", "not_tag", "not_author", "not_year", "not_lang", "not_kind",
    "from", "to", "sort", "page", "more", "exact",
)  # fmt: skip
SCRIPT = "<script>alert(1)</script>"
HOSTILE = (
    "",
    " ",
    "\x00",
    "\x1b[31mred",
    "a\x07b\x08c\x7f",
    "\u202eevil",
    "\ufeff",
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "a" * 10_000,
    "김정은 " * 2_000,
    "%",
    "%00",
    "*",
    "ka*",
    "*ang",
    "x^9",
    "[a TO",
    "{a TO b}",
    '"unbalanced',
    "((((",
    "))",
    "NOT",
    "OR OR AND",
    "-",
    "title:",
    "field:value",
    "body:x",
    '"a b"~999999999',
    "~5",
    "-1",
    "0",
    "99999",
    "9" * 5_000,
    "1e9",
    "2012-13-45",
    "0000-00-00",
    "2012-02-30",
    "9999-12-31",
    "../../etc/passwd",
    "P'yŏngyang",
    "🙂" * 50,
    "\ud7a3\u1100",
)
RAW_QUERY_STRINGS = (
    "q=%FF%FE",
    "q=%",
    "q=%zz",
    "&&&=&=",
    "q[]=x&page[]=1",
    "page=1&page=2&page=-3",
    "sort=newest&sort=drop",
    "format=json&q=" + "%00" * 300,
    "=x",
)


def assert_answered(response, *, value: str = "") -> None:
    """A 2xx/4xx answer whose HTML never carries a value unescaped."""
    assert response.status_code < 500, response.status_code
    if response.status_code >= 400:
        assert response.status_code == 400
        return
    if response.streaming:
        body = b"".join(response.streaming_content)
        assert SCRIPT.encode() not in body
        return
    content = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        json.loads(content)
        return
    assert SCRIPT not in content
    assert "<img src=x" not in content
    if value and len(value) > 100:
        # A huge value is never repeated whole (notices shorten what they quote).
        assert value not in content


@pytest.mark.usefixtures("corpus")
@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v[:20]))
def test_a_hostile_value_in_every_parameter_at_once_gets_a_page(client, value):
    response = client.get(URL, dict.fromkeys(PARAMETERS, value))
    assert_answered(response, value=value)


@pytest.mark.usefixtures("corpus")
@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v[:20]))
def test_a_hostile_query_gets_a_page_and_the_same_as_json(client, value):
    assert_answered(client.get(URL, {"q": value}), value=value)
    assert_answered(client.get(URL, {"q": value, "format": "json"}))


@pytest.mark.usefixtures("corpus")
@pytest.mark.parametrize("value", [SCRIPT, "xml", "a" * 10_000, "rss\x00"])
def test_a_hostile_format_is_refused_with_400(client, value):
    response = client.get(URL, {"q": "radio", "format": value})
    assert response.status_code == 400
    assert "Unknown format" in response.content.decode()
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.usefixtures("corpus")
@pytest.mark.parametrize("fmt", ["csv", "atom"])
def test_hostile_values_in_exports_still_answer(client, fmt):
    for value in (SCRIPT, "a" * 10_000, "\x00", "*", '"unbalanced'):
        response = client.get(URL, {"q": value, "tag": value, "format": fmt})
        assert response.status_code == 200
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        assert SCRIPT.encode() not in body


@pytest.mark.usefixtures("corpus")
@pytest.mark.parametrize("query_string", RAW_QUERY_STRINGS)
def test_malformed_query_strings_get_a_page(client, query_string):
    assert_answered(client.get(f"{URL}?{query_string}"))


@pytest.mark.usefixtures("corpus")
def test_thousands_of_parameters_are_refused_not_crashed_on(client):
    response = client.get(URL + "?" + "&".join(f"tag=t{n}" for n in range(1500)))
    assert response.status_code == 400


values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.from_regex(r"-?[0-9]{1,6}(-[0-9]{1,3}){0,2}", fullmatch=True),
    st.sampled_from(["radio", "bloomberg", "nk-news", "2012", "ko", "news", "tag"]),
)
query_strings = st.dictionaries(
    st.sampled_from((*PARAMETERS, "format")),
    st.lists(values, min_size=1, max_size=3),
    max_size=6,
)


@pytest.mark.usefixtures("corpus")
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=query_strings)
def test_any_mix_of_values_gets_an_answer_below_500(client, data):
    assert_answered(client.get(URL, data))
