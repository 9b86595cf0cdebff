"""A reader's walk through the archive in Chromium: home, a tag, an article, its source,
browse with a facet, and every download."""

import csv
import io
import json
import re

import bibtexparser
import feedparser
import pytest
import rispy
from django.core.management import call_command
from django.db.models import Count, Q
from playwright.sync_api import expect

from archive.models import Article, Tag
from search.indexing import rebuild_index

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seeded():
    call_command("loaddata", "sources", "authors", "tags", "seed_articles", verbosity=0)
    rebuild_index()  # related reading comes from the search index
    return Article.objects.published()


def download_text(page, link) -> tuple[str, str]:
    with page.expect_download() as info:
        link.click()
    download = info.value
    return download.suggested_filename, open(download.path(), encoding="utf-8").read()


def test_a_reader_walks_from_home_to_a_tag_an_article_its_source_and_browse(
    page, screenshot, seeded
):
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("Reporting on North Korea")
    expect(page.locator(".intro")).to_contain_text(f"{seeded.count()} articles")
    expect(page.locator(".timeline svg a.histogram__bar").first).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    screenshot(page, "browse-home-desktop")
    screenshot(page, "browse-home-phone", width=375, height=812)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Home → a tag page (a tag with at least two articles, to walk between them).
    tag = (
        Tag.objects.annotate(n=Count("articles", filter=Q(articles__in=seeded)))
        .filter(n__gte=2)
        .order_by("-n", "name")
        .first()
    )
    tagged = tag.n
    page.locator(".latest .tag-list a", has_text=tag.name).first.click()
    expect(page).to_have_url(re.compile(rf"/tags/{tag.slug}/$"))
    expect(page.locator("h1")).to_have_text(tag.name)
    expect(page.locator(".listing-head__count")).to_contain_text(f"{tagged} published")
    expect(page.locator("ol.results > li")).to_have_count(tagged)
    screenshot(page, "browse-tag")

    # Tag → an article, reached within the tag's listing.
    page.locator("ol.results .result__title a").nth(1).click()
    expect(page).to_have_url(
        re.compile(rf"/articles/\d+/[^/]+/\?back=tag%3D{tag.slug}")
    )
    expect(page.locator(".listing-nav__back")).to_contain_text(f"2 of {tagged}")
    expect(page.locator(".listing-nav a[rel=prev]")).to_be_visible()
    title = page.locator("article h1").inner_text()
    article = seeded.get(title=title)
    assert page.locator('meta[name="citation_title"]').get_attribute("content") == title
    source_meta = 'meta[name="citation_journal_title"], meta[name="citation_publisher"]'
    assert page.locator(source_meta).get_attribute("content") == article.source.name
    assert page.locator('meta[property="og:title"]').get_attribute("content") == title
    expect(page.locator(".cite__reference")).to_contain_text(title)
    expect(page.locator(".related__list li").first).to_be_visible()
    screenshot(page, "browse-article-desktop")
    screenshot(page, "browse-article-phone", width=375, height=812)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Each citation downloads and parses.
    cite = page.locator(".cite__downloads")
    name, ris = download_text(page, cite.get_by_role("link", name=re.compile("^RIS")))
    assert name.endswith(".ris")
    (record,) = rispy.loads(ris)
    assert record["title"] == title
    # The source is named once: as the periodical or site, or as the publisher.
    assert article.source.name in (
        record.get("secondary_title"),
        record.get("publisher"),
    )
    assert record["year"] == str(article.published.year)
    name, bib = download_text(page, cite.get_by_role("link", name="BibTeX"))
    (entry,) = bibtexparser.parse_string(bib).entries
    named = ("journaltitle", "organization", "institution")
    assert article.source.name in [
        entry.fields_dict[f].value for f in named if f in entry.fields_dict
    ]
    assert entry.fields_dict["year"].value == str(article.published.year)
    name, csl = download_text(page, cite.get_by_role("link", name="CSL-JSON"))
    assert json.loads(csl)[0]["title"] == title

    # Article → its source.
    page.locator(".article__source a").click()
    expect(page).to_have_url(re.compile(rf"/sources/{article.source.slug}/$"))
    expect(page.locator("h1")).to_have_text(article.source.name)
    expect(page.locator(".histogram svg")).to_be_visible()
    screenshot(page, "browse-source")

    # Source → browse, then narrow with a facet.
    page.get_by_role("link", name="Browse and filter them").click()
    expect(page).to_have_url(re.compile(rf"/articles/\?source={article.source.slug}$"))
    page.locator("nav.site-nav").get_by_role("link", name="Browse").click()
    expect(page.locator("h1")).to_have_text("All articles")
    total = seeded.count()
    expect(page.locator(".listing-head__count")).to_contain_text(f"{total} articles")
    news = page.locator(
        "section[aria-labelledby='facet-kind'] a.facet__toggle", has_text="News"
    )
    news_count = int(news.locator(".facet__count").inner_text().split()[0])
    news.click()
    expect(page).to_have_url(re.compile(r"/articles/\?kind=news$"))
    expect(page.locator(".listing-head__count")).to_contain_text(
        f"{news_count} article"
    )
    expect(page.locator(".active-filters a.chip", has_text="News")).to_be_visible()
    expect(page.locator("ol.results > li")).to_have_count(news_count)
    screenshot(page, "browse-list-desktop")
    screenshot(page, "browse-list-phone", width=375, height=812)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Every export of this result set.
    exports = page.locator(".exports")
    name, text = download_text(
        page, exports.get_by_role("link", name=re.compile("^CSV"))
    )
    assert text.startswith("\ufeff")  # so Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert re.fullmatch(r"articles-kind-news-\d{4}-\d\d-\d\d\.csv", name)
    assert {int(r["id"]) for r in rows} == set(
        seeded.filter(kind="news").values_list("pk", flat=True)
    )
    name, ris = download_text(
        page, exports.get_by_role("link", name=re.compile("^RIS"))
    )
    assert name.endswith(".ris")
    assert len(rispy.loads(ris)) == len(rows)
    atom_url = exports.get_by_role("link", name=re.compile("^Atom")).get_attribute(
        "href"
    )
    assert (
        page.locator("link[rel=alternate][type='application/atom+xml']").get_attribute(
            "href"
        )
        == atom_url
    )
    feed = feedparser.parse(page.request.get(atom_url).body())
    assert feed.bozo == 0
    assert len(feed.entries) == news_count
    json_url = exports.get_by_role("link", name=re.compile("^JSON")).get_attribute(
        "href"
    )
    data = page.request.get(json_url).json()
    assert data["total"] == news_count
    assert [r["title"] for r in data["results"]] == page.locator(
        "ol.results .result__title a"
    ).all_inner_texts()

    # The chip takes the facet off again.
    page.locator(".active-filters a.chip", has_text="News").click()
    expect(page.locator(".listing-head__count")).to_contain_text(f"{total} articles")


def test_registries_and_error_pages_render_without_console_errors(
    page, screenshot, seeded
):
    page.goto("/sources/")
    sources = seeded.values("source").distinct().count()
    expect(page.locator("table.registry-table tbody tr")).to_have_count(sources)
    screenshot(page, "browse-sources")
    page.goto("/tags/")
    expect(page.locator(".registry-list li").first).to_be_visible()
    screenshot(page, "browse-tags", width=375, height=812)
    response = page.goto("/articles/?tag=nowhere&year=20x&page=9")
    assert response.status == 200
    expect(page.locator(".notices")).to_contain_text("There is no tag “nowhere”")
    assert page.request.get("/no/such/page/").status == 404


def test_the_404_page_is_styled(browser, live_server, screenshot, seeded):
    # Chromium logs every 404 document as a console error, so this page is
    # opened outside the error-checking ``page`` fixture.
    context = browser.new_context(base_url=live_server.url)
    try:
        tab = context.new_page()
        response = tab.goto("/no/such/page/")
        assert response.status == 404
        expect(tab.locator("h1")).to_have_text("Page not found")
        background = tab.locator(".site-header").evaluate(
            "element => getComputedStyle(element).backgroundColor"
        )
        assert background == "rgb(29, 53, 87)"  # the stylesheet loaded
        screenshot(tab, "browse-404")
    finally:
        context.close()
