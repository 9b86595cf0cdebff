"""Nothing left untranslated: every public page and notice, rendered in Korean.

Two checks on each page: no message reaches gettext without a Korean
translation (a recorder stands in for the English fallback of the Korean
catalog), and the page's own text, outside what carries another language
(article titles, summaries and texts are marked with their ``lang``) and
outside code examples, has no run of English words.
"""

import re
from html.parser import HTMLParser

import pytest
from django.template import loader
from django.utils import translation

from tests.archive.sample_archive import build_sample_archive

pytestmark = pytest.mark.django_db

# Three or more Latin words in a row: an English phrase, not a name or a code.
ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?:[ ,'\u2019-]+[A-Za-z]{2,}){2,}")
# What a reader typed comes back quoted; drop it before looking for English.
QUOTED = re.compile(r"“[^”]*”")
# English quoted as English inside a Korean message (stop words), and names.
QUOTED_ENGLISH = ("the, of, and", "Zotero, EndNote, Mendeley")
# Messages of other packages that never reach a page as text (django-filter's
# lookup names), or that only their own catalogs could translate (the task
# backend's app name in the admin's side bar).
OTHER_PACKAGES = {"exact", "exclude", "Task Results"}
# <title> puts the article's title beside the site's name; the recorder checks it.
SKIPPED = {"script", "style", "code", "q", "title"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr", "rect"}  # fmt: skip


class InterfaceText(HTMLParser):
    """Text of a page outside elements in another language, code and names."""

    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []  # per open element: is its content skipped?
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        lang = attrs.get("lang")
        skipped = (
            (self.stack and self.stack[-1])
            or tag in SKIPPED
            or (lang is not None and lang != "ko")
            or attrs.get("translate") == "no"  # a query, a name
        )
        self.stack.append(bool(skipped))

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.text.append(data)


def english_runs(html: str) -> list[str]:
    """Runs of English words in the page's interface text, one text node at a time."""
    parser = InterfaceText()
    parser.feed(html)
    runs = []
    for text in parser.text:
        text = QUOTED.sub("", " ".join(text.split()))
        for example in QUOTED_ENGLISH:
            text = text.replace(example, "")
        runs += ENGLISH_RUN.findall(text)
    return runs


class Recorder:
    """Stands in for the English fallback: records each message Korean lacks."""

    def __init__(self, fallback):
        self.fallback = fallback
        self.missed: list[str] = []

    def gettext(self, message):
        if message not in OTHER_PACKAGES:
            self.missed.append(message)
        return self.fallback.gettext(message)

    def ngettext(self, singular, plural, n):
        self.missed.append(singular)
        return self.fallback.ngettext(singular, plural, n)


@pytest.fixture
def untranslated():
    """The messages rendered without a Korean translation during the test."""
    korean = translation.trans_real.translation("ko")
    recorder = Recorder(korean._fallback)
    korean._fallback = recorder
    yield recorder.missed
    korean._fallback = recorder.fallback


@pytest.fixture
def archive(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return build_sample_archive()


def assert_korean(response, untranslated):
    assert response.status_code in (200, 400, 404), response.status_code
    html = response.content.decode()
    assert '<html lang="ko">' in html
    assert not untranslated, f"Untranslated: {sorted(set(untranslated))}"
    assert not english_runs(html), f"English on a Korean page: {english_runs(html)}"


def public_pages(archive) -> list[str]:
    article = archive.koryolink
    with translation.override("ko"):
        article_url = article.get_absolute_url()
        source_url = archive.daily.get_absolute_url()
        tag_url = archive.phones.get_absolute_url()
        author_url = archive.williams.get_absolute_url()
    return [
        "/ko/",
        "/ko/articles/",
        "/ko/articles/?source=daily-nk&not_tag=radio&lang=en&kind=news&from=2012&to=2020",
        "/ko/articles/?more=tag&more=author&sort=oldest",
        "/ko/articles/?year=1999",
        article_url,
        f"{article_url}?back=search&from=q%3Dphones",
        f"{article_url}?back=browse&from=tag%3Dmobile-phones",
        "/ko/search/",
        "/ko/search/?q=radio",
        "/ko/search/?q=radio&source=daily-nk&not_kind=analysis&year=2012&from=2012-05",
        "/ko/search/?q=radio&exact=1",
        "/ko/search/?q=Kim+Jong-un",
        "/ko/search/?q=radoi",
        "/ko/search/?q=radio&more=tag&sort=newest",
        "/ko/search/?q=zzzzqqq&tag=radio&source=kcna",
        "/ko/search/help/",
        "/ko/trends/",
        "/ko/trends/?q=radio&q=phones",
        "/ko/trends/?q=radio&q=internet&interval=month&measure=share",
        "/ko/trends/?q=a&q=b&q=c&q=d&q=e&q=f",
        "/ko/sources/",
        source_url,
        "/ko/tags/",
        tag_url,
        "/ko/authors/",
        author_url,
        "/ko/no-such-page/",
    ]


def test_every_public_page_is_korean_in_korean(client, archive, untranslated):
    for url in public_pages(archive):
        untranslated.clear()
        assert_korean(client.get(url), untranslated)


# Each query string provokes notices: every kind of bad value the pages answer.
NOTICE_QUERIES = [
    "sort=sort&sort=title&page=2&page=3",
    "source=daily-nk&not_source=daily-nk",
    "tag=" + "&tag=".join(f"t{i}" for i in range(60)),
    "source=nowhere&tag=nothing&author=nobody&lang=xx&kind=yy&year=12",
    "from=2012-13&to=yesterday",
    "from=2020&to=2012",
    "sort=sideways",
    "page=two",
    "page=-3",
    "page=999",
    "more=colour",
    "format=json&more=colour&sort=sideways",
]
SEARCH_ONLY = [
    "q=" + "radio+" * 100,
    "q=radio&exact=maybe",
    "q=radio&page=999",
    "q=radio&page=900000",
    "q=r*",
    "q=radio+ra*dio",
    'q=radio+AND+(+"',
    "q=the+of+and",
]


@pytest.mark.parametrize("query", NOTICE_QUERIES)
def test_every_browse_notice_is_korean(client, archive, untranslated, query):
    response = client.get(f"/ko/articles/?{query}")
    if "format=json" in query:
        assert not untranslated
        assert all(
            not english_runs(n) and re.search("[가-힣]", n)
            for n in response.json()["notices"]
        )
    else:
        assert_korean(response, untranslated)


@pytest.mark.parametrize("query", NOTICE_QUERIES + SEARCH_ONLY)
def test_every_search_notice_is_korean(client, archive, untranslated, query):
    response = client.get(f"/ko/search/?{query}")
    if "format=json" in query:
        notices = response.json()["notices"]
        assert notices and not untranslated
        assert all(re.search("[가-힣]", n) for n in notices), notices
    else:
        assert_korean(response, untranslated)
        assert 'class="notices"' in response.content.decode()


def test_registry_notices_are_korean(client, archive, untranslated):
    for query in ("page=two", "page=99"):
        assert_korean(client.get(f"/ko/sources/daily-nk/?{query}"), untranslated)


def test_search_without_an_index_says_so_in_korean(
    client, untranslated, settings, tmp_path
):
    settings.SEARCH_INDEX_DIR = tmp_path / "missing"
    build_sample_archive()  # no index: the saves are never committed
    response = client.get("/ko/search/?q=radio")
    assert_korean(response, untranslated)


def test_an_unknown_format_is_refused_in_korean(client, archive, untranslated):
    response = client.get("/ko/search/?q=radio&format=pdf")
    assert response.status_code == 400
    assert re.search("[가-힣]", response.content.decode())
    assert not untranslated


def test_error_pages_are_korean(client, untranslated):
    response = client.get("/ko/search/", {f"p{i}": "x" for i in range(1100)})
    assert response.status_code == 400
    assert_korean(response, untranslated)
    with translation.override("ko"):
        html = loader.render_to_string("500.html")
    assert '<html lang="ko">' in html and not english_runs(html)
    assert not untranslated


def test_the_admins_import_page_is_korean(admin_client, archive, untranslated):
    korean = {"HTTP_ACCEPT_LANGUAGE": "ko"}
    page = admin_client.get("/admin/archive/article/import/", **korean)
    assert page.status_code == 200
    assert not untranslated, sorted(set(untranslated))
    posted = admin_client.post(
        "/admin/archive/article/import/",
        {"pasted": "<html><title>Radio</title><body><p>Text</p></body></html>",
         "dry_run": "on"},
        **korean,
    )  # fmt: skip
    assert posted.status_code == 200
    assert "점검만 했습니다" in posted.content.decode()
    assert not untranslated, sorted(set(untranslated))
