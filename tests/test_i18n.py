"""The Korean interface: choosing the language, the switch, Korean pages and dates."""

import re
from html import unescape

import pytest
from django.conf import settings
from django.utils import translation

from archive.models import Article
from search.engine import query
from search.notices import TEMPLATES
from tests.archive.sample_archive import build_sample_archive

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8"}
KOREAN_BROWSER = {**BROWSER, "HTTP_ACCEPT_LANGUAGE": "ko-KR,ko;q=0.9,en;q=0.5"}
SITE_KO = "북한 미디어·기술 아카이브"


@pytest.fixture
def archive(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return build_sample_archive()


def text(response) -> str:
    return unescape(response.content.decode())


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_a_korean_browser_is_sent_to_the_korean_page_on_its_first_visit(client):
    response = client.get("/search/?q=radio", **KOREAN_BROWSER)
    assert response.status_code == 302
    assert response["Location"] == "/ko/search/?q=radio"
    assert "Accept-Language" in response["Vary"]


def test_an_english_browser_and_scripts_get_the_english_page_without_a_redirect(
    client,
):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-US", **BROWSER).status_code == 200
    # A feed reader or a script asking for JSON is never redirected.
    api = client.get("/search/?q=radio&format=json", HTTP_ACCEPT_LANGUAGE="ko-KR")
    assert api.status_code == 200


def test_the_switch_remembers_the_choice_and_keeps_the_page_and_its_query(client):
    response = client.get(
        "/language/", {"language": "ko", "next": "/search/?q=radio&tag=x"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/ko/search/?q=radio&tag=x"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"
    # Remembered: an English address now leads to the Korean page.
    assert client.get("/sources/", **BROWSER)["Location"] == "/ko/sources/"

    back = client.get("/language/", {"language": "en", "next": "/ko/search/?q=radio"})
    assert back["Location"] == "/search/?q=radio"
    assert back.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    # English chosen: a Korean browser stays on English pages.
    assert client.get("/sources/", **KOREAN_BROWSER).status_code == 200


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_the_switch_never_leads_off_the_site(client, next_url):
    response = client.get("/language/", {"language": "ko", "next": next_url})
    assert response["Location"] == "/ko/"


def test_the_switch_ignores_a_language_the_archive_does_not_speak(client):
    response = client.get("/language/", {"language": "xx", "next": "/tags/"})
    assert response["Location"] == "/tags/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_switch_on_an_admin_page_keeps_the_admin_address(client):
    response = client.get("/language/", {"language": "ko", "next": "/admin/"})
    assert response["Location"] == "/admin/"


def test_a_shared_korean_link_opens_in_korean_whatever_the_reader_chose(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/ko/search/help/", **BROWSER)
    assert response.status_code == 200
    assert html_lang(response) == "ko"
    assert "검색 방법" in text(response)


def test_every_page_offers_the_switch_to_the_same_page_in_the_other_language(
    client, archive
):
    english = text(client.get("/tags/?page=1"))
    assert '<input type="hidden" name="next" value="/tags/?page=1">' in english
    assert 'name="language" value="ko" lang="ko">한국어</button>' in english
    assert '<link rel="alternate" hreflang="ko" href="/ko/tags/?page=1">' in english
    korean = text(client.get("/ko/tags/"))
    assert 'name="language" value="en" lang="en">English</button>' in korean
    assert '<link rel="alternate" hreflang="en" href="/tags/">' in korean


def test_korean_home_page_speaks_korean_and_counts_in_korean(client, archive):
    response = client.get("/ko/")
    page = text(response)
    assert html_lang(response) == "ko"
    assert f"<title>{SITE_KO}</title>" in page
    assert "기사 <strong>8</strong>건" in page
    assert "출처 <strong>3</strong>곳" in page
    # Links stay in Korean.
    assert 'href="/ko/articles/"' in page
    assert 'href="/articles/"' not in page


def test_korean_article_page_writes_dates_the_korean_way_and_keeps_content_lang(
    client, archive
):
    article = archive.koryolink
    url = article.get_absolute_url()
    response = client.get(f"/ko{url}")
    page = text(response)
    assert html_lang(response) == "ko"
    assert "2012년 5월 9일" in page
    assert f'<h1 lang="en">{article.title}</h1>' in page
    assert "<dt>발행일</dt>" in page
    assert "<dt>유형</dt>" in page and "뉴스" in page
    assert "인용 정보 내려받기:" in page
    english = text(client.get(url))
    assert "9 May 2012" in english


def test_korean_search_states_the_search_and_its_notices_in_korean(client, archive):
    page = text(client.get("/ko/search/", {"q": "radio", "from": "20x", "sort": "?"}))
    assert "“radio” 검색 결과 기사" in page
    assert "시작 날짜 “20x”은(는) 날짜 형식이 아니어서 무시했습니다" in page
    assert "알 수 없는 정렬 방식 “?”" in page
    assert "결과 좁히기" in page
    # Facet labels and values' labels.
    assert '<h3 id="facet-kind" class="facet__name">유형</h3>' in page


def test_korean_facet_values_and_chips_use_korean_labels(client, archive):
    page = text(client.get("/ko/articles/", {"kind": "analysis", "lang": "en"}))
    assert "유형:</span> 분석" in page
    assert "언어:</span> 영어" in page
    assert "<title>기사: 언어: 영어; 유형: 분석 · " in page


def test_korean_json_keeps_codes_and_gives_korean_labels(client, archive):
    data = client.get("/ko/articles/", {"format": "json"}).json()
    kinds = {v["value"]: v["label"] for v in data["facets"]["kind"]}
    assert kinds[Article.Kind.ANALYSIS] == "분석"


def test_errors_speak_the_language_of_their_address(client):
    korean = client.get("/ko/no-such-page/")
    assert korean.status_code == 404
    assert html_lang(korean) == "ko"
    assert "페이지를 찾을 수 없습니다" in text(korean)
    english = client.get("/no-such-page/")
    assert "Page not found" in text(english)


def test_unknown_address_follows_the_remembered_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    response = client.get("/no-such-page/", **BROWSER)
    assert response.status_code == 404
    assert "페이지를 찾을 수 없습니다" in text(response)


def test_admin_follows_the_browser_language(admin_client):
    page = text(admin_client.get("/admin/archive/article/import/", **KOREAN_BROWSER))
    assert "기사 가져오기" in page
    assert "점검만 하기" in page


def test_every_engine_notice_has_its_translatable_twin():
    with translation.override("en"):
        for english, translatable in TEMPLATES:
            assert str(translatable) == english
    engine_notices = {
        value for name, value in vars(query).items() if name.startswith("NOTICE_")
    }
    assert engine_notices == {english for english, _ in TEMPLATES}


def test_the_engines_notices_reach_a_korean_reader_in_korean(client, archive):
    page = text(client.get("/ko/search/", {"q": "ra* ra*dio"}))
    assert "“ra*”은(는) 너무 짧아 확장할 수 없으므로" in page
    assert "*는 단어의 끝에만 쓸 수 있으므로" in page
    english = text(client.get("/search/", {"q": "ra* ra*dio"}))
    assert "“ra*” is too short to complete" in english
