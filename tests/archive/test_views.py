import datetime
import re
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from archive import views
from archive.listing.params import clean_text
from archive.models import Article
from tests.archive.sample_archive import build_sample_archive
from tests.factories import AuthorFactory, SourceFactory, TagFactory, make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    return build_sample_archive()


class MetaTags(HTMLParser):
    """Collect <meta name|property=… content=…> and <link rel=…> from a page."""

    def __init__(self, html: str):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            key = attrs.get("name") or attrs.get("property")
            if key:
                self.meta.setdefault(key, []).append(attrs["content"])
        elif tag == "link":
            self.links.append(attrs)


def html(response) -> str:
    return response.content.decode()


# --- Home -------------------------------------------------------------------


def test_home_shows_counts_latest_additions_facets_and_timeline(client, archive):
    response = client.get("/")
    page = html(response)
    assert response.status_code == 200
    assert "<strong>8</strong> articles from <strong>3</strong> sources" in page
    assert archive.kcna_2023.title in page
    assert archive.draft.title not in page
    assert 'href="/articles/?source=daily-nk"' in page
    assert 'href="/articles/?tag=mobile-phones"' in page
    assert '<svg class="histogram__chart"' in page
    assert 'href="/articles/?year=2023"' in page
    assert 'action="/search/"' in page and 'name="q"' in page


def test_header_links_browse_sources_and_tags(client, archive):
    page = html(client.get("/"))
    for url in ("/articles/", "/sources/", "/tags/"):
        assert f'href="{url}"' in page
    assert 'class="skip-link" href="#main"' in page


# --- Browse -----------------------------------------------------------------


def test_browse_lists_published_articles_with_facet_links(client, archive):
    page = html(client.get("/articles/"))
    assert "<strong>8</strong> articles" in page
    assert archive.draft.title not in page
    assert 'href="/articles/?tag=radio"' in page
    assert 'href="/articles/?not_tag=radio"' in page


def test_choosing_a_facet_value_filters_and_its_link_unchooses_it(client, archive):
    page = html(client.get("/articles/?tag=radio"))
    assert "<strong>3</strong> articles" in page
    assert archive.koryolink.title not in page
    assert 'href="/articles/" aria-current="true"' in page  # radio's toggle removes it
    assert 'href="/articles/?tag=radio&amp;tag=internet"' in page


def test_changing_a_filter_drops_the_page(client):
    source = SourceFactory(name="Wire", slug="wire")
    for n in range(25):
        make_article(title=f"Wire story {n}", source=source)
    page = html(client.get("/articles/?page=2"))
    assert "<strong>25</strong> articles, page 2 of 2" in page
    assert 'href="/articles/?source=wire"' in page  # no page=2 in facet links
    assert 'href="/articles/" rel="prev"' in page


def test_browse_pages_hold_twenty_articles(client):
    for n in range(21):
        make_article(title=f"Story number {n}")
    first = html(client.get("/articles/?sort=title"))
    second = html(client.get("/articles/?sort=title&page=2"))
    assert first.count('class="result"') == 20
    assert second.count('class="result"') == 1
    assert 'href="/articles/?sort=title&amp;page=2"' in first


def test_bad_values_get_a_notice_and_the_rest_still_works(client, archive):
    response = client.get("/articles/?source=nowhere&tag=radio&year=20x2&sort=up")
    page = html(response)
    assert response.status_code == 200
    assert "There is no source “nowhere”; that filter was ignored." in page
    assert "Unknown sort order “up”" in page
    assert "<strong>3</strong> articles" in page


def test_a_query_on_browse_becomes_a_search_with_the_same_filters(client, archive):
    response = client.get("/articles/?q=radio&tag=radio&source=daily-nk")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == "/search/"
    assert parse_qs(target.query) == {
        "q": ["radio"],
        "tag": ["radio"],
        "source": ["daily-nk"],
    }


def test_browse_search_box_carries_the_filters_to_search(client, archive):
    page = html(client.get("/articles/?tag=radio&not_source=kcna&from=2012&page=1"))
    form = page[page.index('class="listing-search"') :]
    form = form[: form.index("</form>")]
    assert 'action="/search/"' in form
    assert '<input type="hidden" name="tag" value="radio">' in form
    assert '<input type="hidden" name="not_source" value="kcna">' in form
    assert '<input type="hidden" name="from" value="2012">' in form
    assert 'name="page"' not in form


def test_browse_links_its_atom_feed_and_exports(client, archive):
    parser = MetaTags(html(client.get("/articles/?tag=radio")))
    (feed,) = [
        link
        for link in parser.links
        if link.get("rel") == "alternate" and link.get("type")
    ]
    assert feed["type"] == "application/atom+xml"
    assert feed["href"] == "/articles/?tag=radio&format=atom"
    page = html(client.get("/articles/?tag=radio"))
    assert 'href="/articles/?tag=radio&amp;format=csv"' in page


def test_unknown_format_answers_400_with_the_formats_that_exist(client, archive):
    response = client.get("/articles/?format=xml")
    assert response.status_code == 400
    assert "Unknown format “xml”" in response.content.decode()
    assert "format=csv" in response.content.decode()


def test_listing_links_carry_the_listing_to_the_article_page(client, archive):
    page = html(client.get("/articles/?tag=radio"))
    assert (
        f"{archive.radio_2019.get_absolute_url()}?back=tag%3Dradio&amp;from=browse"
        in page
    )


# --- Article page -----------------------------------------------------------


def test_article_page_shows_metadata_and_links(client, archive):
    article = archive.koryolink
    page = html(client.get(article.get_absolute_url()))
    assert '<h1 lang="en">Koryolink passes two million subscribers</h1>' in page
    assert 'href="/sources/daily-nk/"' in page
    assert '<time datetime="2012-05-09">9 May 2012</time>' in page
    assert 'href="/authors/martyn-williams/"' in page
    assert 'href="/tags/mobile-phones/"' in page
    assert 'href="https://dailynk.example/koryolink"' in page
    assert "English" in page and "News" in page


def test_inferred_dates_are_marked(client, archive):
    page = html(client.get(archive.radio_2019.get_absolute_url()))
    assert "date inferred" in page
    assert "date inferred" not in html(client.get(archive.koryolink.get_absolute_url()))


def test_article_body_is_the_sanitized_html(client, archive):
    article = make_article(
        title="Body test",
        body='<p>Safe <strong>bold</strong></p><script>alert("x")</script>'
        '<p><a href="javascript:alert(1)">bad link</a></p>',
    )
    page = html(client.get(article.get_absolute_url()))
    assert "<p>Safe <strong>bold</strong></p>" in page
    assert "alert" not in page


def test_a_wrong_slug_redirects_to_the_right_one_keeping_the_query(client, archive):
    article = archive.koryolink
    response = client.get(
        f"/articles/{article.pk}/wrong-slug/?back=tag%3Dradio&from=browse"
    )
    assert response.status_code == 301
    assert response["Location"] == (
        f"{article.get_absolute_url()}?back=tag%3Dradio&from=browse"
    )


def test_a_korean_slug_opens_the_page_without_a_redirect(client, archive):
    url = archive.korean_2023.get_absolute_url()
    assert "%EC%86%90" in url  # percent-encoded Hangul
    response = client.get(url)
    assert response.status_code == 200
    assert "손전화 사용자 증가" in html(response)


def test_the_id_alone_redirects_to_the_article(client, archive):
    response = client.get(f"/articles/{archive.koryolink.pk}/")
    assert response.status_code == 301
    assert response["Location"] == archive.koryolink.get_absolute_url()


def test_drafts_answer_404_to_the_public(client, archive):
    draft = archive.draft
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/articles/{draft.pk}/cite.ris").status_code == 404
    assert client.get(f"/articles/{draft.pk}/").status_code == 404


def test_editors_can_preview_a_draft_that_no_cache_keeps(editor_client, archive):
    response = editor_client.get(archive.draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft preview" in html(response)
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    cite = editor_client.get(f"/articles/{archive.draft.pk}/cite.ris")
    assert cite.status_code == 200 and "no-store" in cite["Cache-Control"]


def test_staff_outside_the_editors_group_do_not_see_drafts(client, archive):
    staff = get_user_model().objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(staff)
    draft = archive.draft
    assert client.get(draft.get_absolute_url()).status_code == 404
    for fmt in ("ris", "bib", "json"):
        assert client.get(f"/articles/{draft.pk}/cite.{fmt}").status_code == 404
    assert draft.body_text.split()[0] not in html(client.get(draft.get_absolute_url()))


def test_registry_pages_of_draft_only_entries_answer_404(client, archive):
    source = SourceFactory(name="Secret Desk", slug="secret-desk")
    tag = TagFactory(name="unannounced launch", slug="unannounced-launch")
    author = AuthorFactory(name="Hidden Writer", slug="hidden-writer")
    make_article(
        title="Embargoed",
        source=source,
        tags=[tag],
        authors=[author],
        status=Article.Status.DRAFT,
    )
    for url in (
        "/sources/secret-desk/",
        "/tags/unannounced-launch/",
        "/authors/hidden-writer/",
    ):
        assert client.get(url).status_code == 404, url
    for query in (
        "tag=unannounced-launch",
        "source=secret-desk",
        "author=hidden-writer",
        "not_tag=unannounced-launch",
    ):
        page = html(client.get(f"/articles/?{query}"))
        for name in ("Secret Desk", "unannounced launch", "Hidden Writer"):
            assert name not in page, (query, name)
        listing = client.get(f"/articles/?{query}&format=json").content.decode()
        assert "Secret Desk" not in listing and "Hidden Writer" not in listing
    # Published once, the tag is public.
    make_article(title="Announced", tags=[tag])
    assert client.get("/tags/unannounced-launch/").status_code == 200


def test_zotero_meta_tags_describe_the_article(client, archive):
    article = archive.intranet
    meta = MetaTags(html(client.get(article.get_absolute_url()))).meta
    assert meta["citation_title"] == ["Kwangmyong: the national intranet"]
    # Family name first, in byline order.
    assert meta["citation_author"] == ["Williams, Martyn", "Baek, Jieun"]
    assert meta["citation_publication_date"] == ["2015/03/01"]
    # A think tank's page is no journal article.
    assert "citation_journal_title" not in meta
    assert meta["citation_publisher"] == ["38 North"]
    assert meta["og:type"] == ["article"]
    assert meta["og:title"] == ["Kwangmyong: the national intranet"]
    assert meta["og:url"] == [f"http://testserver{article.get_absolute_url()}"]
    assert meta["article:published_time"] == ["2015-03-01"]


def test_meta_tags_escape_quotes_and_markup(client):
    article = make_article(title='Kim\'s "Red Star" & 2 < 3')
    page = html(client.get(article.get_absolute_url()))
    assert 'content="Kim&#x27;s &quot;Red Star&quot; &amp; 2 &lt; 3"' in page
    meta = MetaTags(page).meta
    assert meta["citation_title"] == ['Kim\'s "Red Star" & 2 < 3']


def test_cite_block_gives_a_reference_and_three_downloads(client, archive):
    article = archive.koryolink
    page = html(client.get(article.get_absolute_url()))
    assert (
        "Williams, Martyn. “Koryolink passes two million subscribers.” "
        "Daily NK, May 9, 2012. Accessed " in page
    )
    for ext in ("ris", "bib", "json"):
        assert f'href="/articles/{article.pk}/cite.{ext}"' in page


@pytest.mark.parametrize(
    ("ext", "content_type"),
    [
        ("ris", "application/x-research-info-systems"),
        ("bib", "application/x-bibtex"),
        ("json", "application/vnd.citationstyles.csl+json"),
    ],
)
def test_citation_downloads(client, archive, ext, content_type):
    response = client.get(f"/articles/{archive.koryolink.pk}/cite.{ext}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert "attachment" in response["Content-Disposition"]
    assert "Koryolink passes two million subscribers" in response.content.decode()


def test_previous_and_next_follow_the_browse_listing(client, archive):
    # tag=radio newest first: korean_2023, radio_2019, radio_2012.
    url = archive.radio_2019.get_absolute_url() + "?back=tag%3Dradio&from=browse"
    page = html(client.get(url))
    assert (
        f'href="{archive.korean_2023.get_absolute_url()}?back=tag%3Dradio&amp;from=browse&amp;at=1" rel="prev"'
        in page
    )
    assert (
        f'href="{archive.radio_2012.get_absolute_url()}?back=tag%3Dradio&amp;from=browse&amp;at=3" rel="next"'
        in page
    )
    assert "(2 of 3)" in page
    assert 'href="/articles/?tag=radio"' in page


def test_previous_and_next_follow_the_sort_order(client, archive):
    query = urlencode({"back": "tag=radio&sort=oldest", "from": "browse"})
    page = html(client.get(f"{archive.radio_2012.get_absolute_url()}?{query}"))
    assert 'rel="prev"' not in page
    assert (
        f"{archive.radio_2019.get_absolute_url()}?back=tag%3Dradio%26sort%3Doldest"
        in page
    )


def test_back_link_returns_to_the_page_holding_the_article(client):
    source = SourceFactory(name="Wire", slug="wire")
    stories = [
        make_article(
            title=f"Story {n}", source=source, published=datetime.date(2020, 1, n + 1)
        )
        for n in range(25)
    ]
    oldest = stories[0]  # last in newest-first order: position 25, page 2
    page = html(
        client.get(f"{oldest.get_absolute_url()}?back=source%3Dwire&from=browse")
    )
    assert 'href="/articles/?source=wire&amp;page=2">Back to the listing' in page
    assert "(25 of 25)" in page


def test_an_article_outside_the_listing_gets_no_neighbours(client, archive):
    page = html(
        client.get(
            archive.kcna_2023.get_absolute_url() + "?back=tag%3Dradio&from=browse"
        )
    )
    assert 'rel="prev"' not in page and 'rel="next"' not in page


# --- Registries -------------------------------------------------------------


def test_sources_list_counts_kinds_countries_and_years(client, archive):
    page = html(client.get("/sources/"))
    row = page[page.index("/sources/daily-nk/") :]
    row = row[: row.index("</tr>")]
    assert "News outlet" in row and "South Korea" in row
    assert '<td class="num">4</td>' in row  # the draft does not count
    assert "2012\N{EN DASH}2023" in row


def test_source_page_lists_its_articles_and_years(client, archive):
    page = html(client.get("/sources/38-north/"))
    assert "<strong>3</strong> published articles" in page
    assert archive.intranet.title in page and archive.koryolink.title not in page
    assert 'href="/articles/?source=38-north&amp;year=2015"' in page
    assert "?back=source%3D38-north&amp;from=browse" in page


def test_tag_and_author_pages(client, archive):
    tag_page = html(client.get("/tags/radio/"))
    assert "<strong>3</strong> published articles" in tag_page
    assert archive.draft.title not in tag_page
    author_page = html(client.get("/authors/jieun-baek/"))
    assert "<strong>2</strong> published articles" in author_page
    assert archive.app_2023.title in author_page


def test_tag_list_counts_published_articles(client, archive):
    page = html(client.get("/tags/"))
    assert re.search(
        r'href="/tags/radio/">radio</a> <span class="registry-list__count">3<', page
    )


def test_unknown_registry_entries_answer_404(client, archive):
    for url in ("/sources/nowhere/", "/tags/nowhere/", "/authors/nowhere/"):
        assert client.get(url).status_code == 404


# --- Caching and errors -----------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/articles/", "/sources/", "/tags/radio/"])
def test_public_pages_are_cacheable_and_revalidate_cheaply(client, archive, url):
    response = client.get(url)
    assert "max-age=300" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    etag = response["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_article_pages_are_cacheable(client, archive):
    response = client.get(archive.koryolink.get_absolute_url())
    assert "max-age=300" in response["Cache-Control"]
    assert response.has_header("ETag")


def test_404_page_is_styled_and_says_nothing_internal(client, archive):
    response = client.get("/articles/99999/nothing/")
    page = html(response)
    assert response.status_code == 404
    assert "Page not found" in page and "site.css" in page
    assert "Traceback" not in page and "Article matching query" not in page


def test_500_page_is_styled_and_says_nothing_internal():
    request = RequestFactory().get("/")
    response = views.server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page and "site.css" in page
    assert "Traceback" not in page


# --- Hostile input ----------------------------------------------------------

JUNK = [
    "",
    "\x00",
    "\x1b[31m",
    "'; DROP TABLE archive_article; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "../../etc/passwd",
    "9" * 40,
    "-1",
    "2012-02-30",
    "\N{FULLWIDTH DIGIT TWO}\N{FULLWIDTH DIGIT ZERO}\N{FULLWIDTH DIGIT ONE}\N{FULLWIDTH DIGIT TWO}",
    "a" * 5000,
    "김정은",
    "\u202eevil",
    "%",
    "🙂",
]
PARAMS = [
    "q", "source", "tag", "author", "year", "lang", "kind",
    "not_source", "not_tag", "not_author", "not_year", "not_lang", "not_kind",
    "from", "to", "sort", "page", "more", "exact", "format", "back",
]  # fmt: skip


def pages(archive) -> list[str]:
    article = archive.koryolink
    return [
        "/",
        "/articles/",
        article.get_absolute_url(),
        f"/articles/{article.pk}/cite.ris",
        f"/articles/{article.pk}/cite.bib",
        f"/articles/{article.pk}/cite.json",
        "/sources/",
        "/sources/daily-nk/",
        "/tags/",
        "/tags/radio/",
        "/authors/",
        "/authors/martyn-williams/",
    ]


@pytest.mark.parametrize("junk", JUNK, ids=range(len(JUNK)))
def test_no_page_fails_on_junk_in_every_parameter(client, archive, junk):
    for url in pages(archive):
        response = client.get(url, dict.fromkeys(PARAMS, junk))
        assert response.status_code < 500, url


# One of each kind of trouble, for the parameter-by-parameter sweep.
SHARP_JUNK = [JUNK[i] for i in (1, 4, 7, 8, 11, 12)]


@pytest.mark.parametrize("name", PARAMS)
def test_browse_survives_junk_in_each_parameter_next_to_a_good_value(
    client, archive, name
):
    for junk in SHARP_JUNK:
        response = client.get("/articles/", {name: [junk, "radio"]})
        expected = (400,) if name == "format" and clean_text(junk) else (200, 302)
        assert response.status_code in expected, junk


@pytest.mark.parametrize("junk", JUNK, ids=range(len(JUNK)))
def test_article_page_survives_junk_listings(client, archive, junk):
    url = archive.koryolink.get_absolute_url()
    listing = urlencode({name: junk for name in PARAMS if name != "back"})
    for origin in ("browse", "search", junk):
        response = client.get(url, {"back": listing, "from": origin})
        assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/articles/99999999999999999999999999/x/",
        "/articles/0/x/",
        "/articles/abc/",
        "/articles/1/cite.exe",
        "/sources/%00/",
        "/tags/..%2F..%2F/",
        "/authors/%E2%80%AE/",
        "/tags/" + "x" * 3000 + "/",
        "/articles/?%FF%FE=%FF",
        "/articles/?source=%FF%FE",
    ],
)
def test_odd_paths_answer_404_a_redirect_or_a_page(client, archive, url):
    assert client.get(url).status_code in (200, 301, 404)


# --- With the search index ----------------------------------------------------


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Articles saved with their after-commit indexing run, so search sees them."""
    with django_capture_on_commit_callbacks(execute=True):
        made = SimpleNamespace(
            network=make_article(
                title="Koryolink subscribers pass two million",
                published=datetime.date(2012, 1, 1),
                body="<p>Koryolink mobile network subscribers smartphone handsets "
                "Koryolink towers cover Pyongyang.</p>",
            ),
            handsets=make_article(
                title="Smartphone handsets on the Koryolink network",
                published=datetime.date(2014, 1, 1),
                body="<p>Smartphone handsets Koryolink mobile network subscribers "
                "buy Arirang phones.</p>",
            ),
            towers=make_article(
                title="Koryolink towers reach the provinces",
                published=datetime.date(2016, 1, 1),
                body="<p>Koryolink mobile towers and subscribers in the provinces.</p>",
            ),
            farming=make_article(
                title="Cabbage harvest",
                published=datetime.date(2018, 1, 1),
                body="<p>Farmers bring in the autumn cabbage harvest for kimchi.</p>",
            ),
        )
    return made


def test_article_page_shows_related_reading_from_the_search_engine(client, indexed):
    page = html(client.get(indexed.network.get_absolute_url()))
    related = page[page.index('id="related-heading"') :]
    assert indexed.handsets.title in related
    assert related.count(indexed.network.title) == 0


def test_previous_and_next_follow_the_search_listing(client, indexed):
    # "koryolink" sorted newest first: towers (2016), handsets (2014), network (2012).
    back = urlencode({"q": "koryolink", "sort": "newest"})
    query = urlencode({"back": back, "from": "search"})
    page = html(client.get(f"{indexed.handsets.get_absolute_url()}?{query}"))
    assert f'href="{indexed.towers.get_absolute_url()}?back=' in page
    assert f'href="{indexed.network.get_absolute_url()}?back=' in page
    assert "(2 of 3)" in page
    assert 'href="/search/?q=koryolink&amp;sort=newest">Back to search results' in page
    assert indexed.farming.title not in page


def test_a_request_with_too_many_parameters_gets_the_styled_400_page(client):
    query = "&".join(f"tag=t{n}" for n in range(1200))
    response = client.get(f"/articles/?{query}")
    assert response.status_code == 400
    assert b"could not read this request" in response.content


def test_placeholder_source_and_date_are_shown_as_unknown(client):
    article = make_article(
        title="Harvested page",
        source=SourceFactory(name="Unknown source (needs review)"),
        review_note="Imported, needs review: no date found (the import day stands in)",
        published=datetime.date(2026, 12, 4),
        published_is_inferred=True,
    )
    for url in (article.get_absolute_url(), "/articles/"):
        page = client.get(url).content.decode()
        assert "Date unknown" in page and "Source unknown" in page
        assert '<time datetime="2026-12-04">' not in page
        assert ">Unknown source (needs review)</a>" not in page
