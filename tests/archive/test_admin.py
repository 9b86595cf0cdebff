import datetime
import html
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from archive.models import Article, Author, Source, Tag
from archive.signals import articles_changed
from tests.factories import AuthorFactory, SourceFactory, TagFactory, make_article

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:archive_article_changelist")
ADD = reverse("admin:archive_article_add")
# The admin's own scripts: static files and its translation catalogue.
ADMIN_SCRIPTS = ("/static/admin/", "/admin/jsi18n/")


def change_url(article: Article) -> str:
    return reverse("admin:archive_article_change", args=[article.pk])


def form_data(source: Source | None, **overrides) -> dict:
    data = {
        "title": "Radio listening in Pyongyang",
        "source": source.pk if source else "",
        "published": "2012-05-09",
        "url": "",
        "language": "en",
        "kind": "news",
        "summary": "",
        "body": "<p>Listeners tune in at night.</p>",
        "status": "draft",
        "slug": "",
    }
    data.update(overrides)
    return data


def listed_titles(response) -> set[str]:
    return {article.title for article in response.context["cl"].result_list}


class _ExecutableMarkup(HTMLParser):
    """Collect scripts that are not the admin's own, event handlers and js: URLs."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not (attrs.get("src") or "").startswith(ADMIN_SCRIPTS):
            self.found.append(f"<script {attrs}>")
        for name, value in attrs.items():
            squeezed = re.sub(r"\s", "", value or "").lower()
            if name.startswith("on") or squeezed.startswith(
                ("javascript:", "vbscript:", "data:text/html")
            ):
                self.found.append(f"<{tag} {name}={value!r}>")


def assert_nothing_executable(html: str) -> None:
    parser = _ExecutableMarkup()
    parser.feed(html)
    assert parser.found == []
    # Escaped text and quoted attribute values may show "onerror=" (a title
    # kept as typed, escaped); the markup itself may not.
    tags = " ".join(re.findall(r"<[^>]*>", re.sub(r'"[^"]*"', '""', html)))
    markup = tags.lower()
    assert "onerror=" not in markup
    assert "javascript:" not in markup


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def run_action(client, action: str, objects, url: str = CHANGELIST, **extra):
    data = {"action": action, "_selected_action": [o.pk for o in objects], **extra}
    return client.post(url, data, follow=True)


# -- changelist -----------------------------------------------------------------


@pytest.fixture
def shelf():
    bloomberg = SourceFactory(name="Bloomberg")
    eai = SourceFactory(name="East Asia Institute")
    radio, ai = TagFactory(name="radio"), TagFactory(name="ai")
    gaouette = AuthorFactory(name="Nicole Gaouette")
    return {
        "radio": make_article(
            title="Media control breached by technology",
            source=bloomberg,
            published=datetime.date(2012, 5, 9),
            body="<p>Smuggled DVDs and Chinese mobile phones.</p>",
            authors=[gaouette],
            tags=[radio],
        ),
        "ai": make_article(
            title="Use of AI in North Korea",
            source=eai,
            published=datetime.date(2024, 8, 31),
            body="<p>Generative models at Kim Il Sung University.</p>",
            tags=[ai],
            kind=Article.Kind.ANALYSIS,
        ),
        "draft": make_article(
            title="조선중앙텔레비죤 편성",
            source=eai,
            published=datetime.date(2024, 1, 2),
            body="<p>방송 편성표</p>",
            language="ko",
            status=Article.Status.DRAFT,
        ),
    }


def test_changelist_shows_title_source_date_status_and_tags(admin_client, shelf):
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    for column in ("column-title", "column-source", "column-published"):
        assert column in html
    assert "column-status" in html and "column-tag_list" in html
    assert "Media control breached by technology" in html
    assert ">radio<" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status__exact=draft", {"draft"}),
        ("language__exact=ko", {"draft"}),
        ("kind__exact=analysis", {"ai"}),
        ("published__year=2012", {"radio"}),
        ("q=breached", {"radio"}),
        ("q=Gaouette", {"radio"}),
        ("q=Kim+Il+Sung", {"ai"}),
        ("q=편성표", {"draft"}),
    ],
)
def test_changelist_filters_and_search_narrow_the_list(
    admin_client, shelf, query, expected
):
    response = admin_client.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 200
    assert listed_titles(response) == {shelf[key].title for key in expected}


def test_changelist_filters_by_source_and_tag(admin_client, shelf):
    eai = Source.objects.get(name="East Asia Institute")
    by_source = admin_client.get(f"{CHANGELIST}?source__id__exact={eai.pk}")
    assert listed_titles(by_source) == {shelf["ai"].title, shelf["draft"].title}
    radio = Tag.objects.get(name="radio")
    by_tag = admin_client.get(f"{CHANGELIST}?tags__id__exact={radio.pk}")
    assert listed_titles(by_tag) == {shelf["radio"].title}


def test_the_changelist_links_to_the_import_page(editor_client):
    html = editor_client.get(CHANGELIST).content.decode()
    url = reverse("admin:archive_article_import")
    assert f'href="{url}"' in html
    assert editor_client.get(url).status_code == 200


# -- bulk actions -------------------------------------------------------------


def test_publish_action_publishes_the_selection_and_says_how_many(admin_client, shelf):
    response = run_action(admin_client, "publish", [shelf["draft"], shelf["ai"]])
    assert Article.objects.get(pk=shelf["draft"].pk).is_published
    assert messages_of(response) == ["Published 1 article. 1 already published."]


def test_unpublish_action_turns_articles_into_drafts(admin_client, shelf):
    response = run_action(admin_client, "unpublish", [shelf["radio"], shelf["ai"]])
    assert Article.objects.drafts().count() == 3
    assert messages_of(response) == ["Unpublished 2 articles."]


def test_bulk_actions_reach_the_search_log_signal(admin_client, shelf):
    seen = []

    def receiver(sender, article_ids, **kwargs):
        seen.extend(article_ids)

    articles_changed.connect(receiver)
    try:
        run_action(admin_client, "publish", [shelf["draft"]])
    finally:
        articles_changed.disconnect(receiver)
    assert seen == [shelf["draft"].pk]


def test_add_tag_action_asks_which_tag_first(admin_client, shelf):
    response = run_action(admin_client, "add_tag", [shelf["radio"], shelf["ai"]])
    assert response.status_code == 200
    assert response.templates[0].name == "admin/archive/choose.html"
    html = response.content.decode()
    assert "2 articles selected" in html
    assert 'name="apply"' in html
    assert Tag.objects.get(name="radio").articles.count() == 1


def test_add_tag_action_tags_the_selection(admin_client, shelf):
    radio = Tag.objects.get(name="radio")
    response = run_action(
        admin_client, "add_tag", [shelf["radio"], shelf["ai"]], tag=radio.pk, apply="1"
    )
    assert set(radio.articles.all()) == {shelf["radio"], shelf["ai"]}
    assert messages_of(response) == ["Tagged 1 article “radio”."]


def test_add_tag_action_can_create_the_tag(admin_client, shelf):
    run_action(
        admin_client,
        "add_tag",
        [shelf["ai"], shelf["draft"]],
        new_tag="<b>Science policy</b>",
        apply="1",
    )
    tag = Tag.objects.get(name="Science policy")
    assert tag.slug == "science-policy"
    assert set(tag.articles.all()) == {shelf["ai"], shelf["draft"]}


def test_add_tag_action_without_a_choice_explains_and_changes_nothing(
    admin_client, shelf
):
    response = run_action(admin_client, "add_tag", [shelf["ai"]], apply="1")
    assert "Choose a tag or name a new one." in response.content.decode()
    assert shelf["ai"].tags.count() == 1


def test_select_all_across_pages_tags_every_filtered_article(admin_client, shelf):
    eai = Source.objects.get(name="East Asia Institute")
    url = f"{CHANGELIST}?source__id__exact={eai.pk}"
    asked = run_action(
        admin_client, "add_tag", [shelf["ai"]], url=url, select_across="1"
    )
    html = asked.content.decode()
    assert "2 articles selected" in html
    assert '<input type="hidden" name="select_across" value="1">' in html
    assert html.count('name="_selected_action"') == 1
    run_action(
        admin_client,
        "add_tag",
        [shelf["ai"]],
        url=url,
        select_across="1",
        new_tag="east asia",
        apply="1",
    )
    tagged = set(Tag.objects.get(name="east asia").articles.all())
    assert tagged == {shelf["ai"], shelf["draft"]}


def test_the_choice_page_lists_a_sample_of_a_long_selection(admin_client):
    articles = [make_article() for _ in range(23)]
    response = run_action(admin_client, "add_tag", articles)
    html = response.content.decode()
    assert "23 articles selected" in html
    assert html.count("<li>Article ") == 20
    assert "… and 3 more." in html
    assert html.count('name="_selected_action"') == 23


def test_remove_tag_action_offers_only_tags_the_selection_carries(admin_client, shelf):
    TagFactory(name="unused")
    response = run_action(admin_client, "remove_tag", [shelf["radio"]])
    choices = list(response.context["form"].fields["tag"].queryset)
    assert choices == [Tag.objects.get(name="radio")]


def test_remove_tag_action_untags_the_selection(admin_client, shelf):
    radio = Tag.objects.get(name="radio")
    response = run_action(
        admin_client,
        "remove_tag",
        [shelf["radio"], shelf["ai"]],
        tag=radio.pk,
        apply="1",
    )
    assert not radio.articles.exists()
    assert messages_of(response) == ["Removed “radio” from 1 article."]


def test_deleting_selected_articles_goes_through_the_services(admin_client, shelf):
    response = run_action(
        admin_client, "delete_selected", [shelf["radio"], shelf["ai"]], post="yes"
    )
    assert response.status_code == 200
    assert list(Article.objects.all()) == [shelf["draft"]]


# -- the add and change forms --------------------------------------------------

HOSTILE_TITLE = '<script>alert("t")</script>Kim <img src=x onerror=alert(1)>Jong Un'
HOSTILE_SUMMARY = (
    '<a href="javascript:alert(2)">Summary</a> <svg onload=alert(3)></svg>line'
)
HOSTILE_BODY = (
    "<p onclick=alert(4)>Kept paragraph.</p>"
    '<script>alert("b")</script>'
    '<img src=x onerror="alert(5)">'
    '<a href="java&#x0A;script:alert(6)">odd link</a>'
    '<a href="JaVaScRiPt:alert(7)">mixed case</a>'
    '<iframe src="javascript:alert(8)"></iframe>'
    '<p style="background:url(javascript:alert(9))">Styled.</p>'
    '<a href="https://example.org/x">fine link</a>'
)


def test_hostile_markup_is_saved_harmless_everywhere_the_admin_shows_it(
    admin_client,
):
    source = SourceFactory(name="Daily NK")
    response = admin_client.post(
        ADD,
        form_data(
            source,
            title=HOSTILE_TITLE,
            summary=HOSTILE_SUMMARY,
            body=HOSTILE_BODY,
            status="published",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    # Titles and summaries are plain text kept as typed, escaped wherever shown.
    assert article.title == HOSTILE_TITLE
    assert article.summary == HOSTILE_SUMMARY
    assert "Kept paragraph." in article.body and "Styled." in article.body
    assert "odd link" in article.body and "mixed case" in article.body
    assert '<a href="https://example.org/x" rel="nofollow noopener">' in article.body

    change_page = admin_client.get(change_url(article)).content.decode()
    # The preview: a script-less frame in the article page's own stylesheet.
    frame = re.search(
        r'<iframe class="article-preview" sandbox srcdoc="([^"]*)"', change_page
    )
    document = html.unescape(frame.group(1))
    assert '<div class="article__body prose"><p>Kept paragraph.</p>' in document
    assert "css/site.css" in document
    assert_nothing_executable(change_page)
    assert_nothing_executable(admin_client.get(CHANGELIST).content.decode())
    assert_nothing_executable(admin_client.get(f"{CHANGELIST}?q=Kim").content.decode())
    public_page = admin_client.get(article.get_absolute_url()).content.decode()
    assert_nothing_executable(public_page)
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;Kim" in public_page


def test_saving_says_which_markup_the_sanitizer_removed(admin_client):
    body = '<div><p>Text <img src="x.png"> and <span>more</span></p></div><script>x</script>'
    response = admin_client.post(
        ADD, form_data(SourceFactory(), body=body), follow=True
    )
    assert Article.objects.get().body == "<p>Text  and more</p>"
    assert (
        "Markup the archive does not publish was removed from the body: "
        "elements <div>, <img>, <script>, <span>. The preview shows what readers see."
    ) in messages_of(response)


def test_the_warning_names_removed_attributes_and_links(admin_client):
    body = (
        '<p style="color:red" onclick="x()">Text <a href="javascript:alert(1)">a</a> '
        '<a href="https://ok.example/">b</a> <img alt="Kim at the plant" src="k.png">'
        "</p>"
    )
    response = admin_client.post(
        ADD, form_data(SourceFactory(), body=body), follow=True
    )
    assert (
        "Markup the archive does not publish was removed from the body: "
        "elements <img>; attributes <p onclick>, <p style>; "
        "links to javascript:alert(1). The preview shows what readers see."
    ) in messages_of(response)
    # What readers would miss stays as text: the image's alt text.
    assert "[Kim at the plant]" in Article.objects.get().body


def test_clean_markup_saves_without_a_warning(admin_client):
    response = admin_client.post(
        ADD, form_data(SourceFactory(), body="<h1>Head</h1><p>Clean</p>"), follow=True
    )
    assert not any("removed" in m for m in messages_of(response))


def test_only_published_articles_link_to_the_public_site(admin_client):
    published = make_article(status=Article.Status.PUBLISHED)
    draft = make_article(status=Article.Status.DRAFT)
    assert "View on site" in admin_client.get(change_url(published)).content.decode()
    assert "View on site" not in admin_client.get(change_url(draft)).content.decode()


def test_change_form_shows_derived_fields_read_only_and_hides_keys(admin_client):
    article = make_article(url="https://www.example.org/story?utm_source=x")
    response = admin_client.get(change_url(article))
    form = response.context["adminform"].form
    assert "url_key" not in form.fields
    assert "content_hash" not in form.fields
    assert "body_text" not in form.fields
    html = response.content.decode()
    assert "field-created" in html and "field-updated" in html
    assert article.content_hash not in html
    assert "example.org/story?utm_source=x" in html  # the URL as the editor gave it


def test_the_add_form_leaves_out_what_only_a_saved_article_has(admin_client):
    html = admin_client.get(ADD).content.decode()
    assert "field-title" in html and "field-slug" in html
    assert "field-created" not in html and "field-body_preview" not in html


def test_editing_an_article_keeps_what_the_editor_typed(admin_client):
    article = make_article(title="Old title", tags=[TagFactory(name="radio")])
    author = AuthorFactory(name="Martyn Williams")
    data = form_data(
        article.source,
        title="  New   title  ",
        summary="First line\nSecond line",
        url="https://www.38north.org/2024/08/ai/",
        body="<h2>Heading</h2><p>Text with <em>emphasis</em> &amp; “quotes”.</p>",
        authors=[author.pk],
        tags=[t.pk for t in article.tags.all()],
        slug=article.slug,
        status="published",
        published_is_inferred="on",
    )
    response = admin_client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "New title"
    assert article.summary == "First line\nSecond line"
    assert article.url == "https://www.38north.org/2024/08/ai/"
    assert article.body == (
        "<h2>Heading</h2><p>Text with <em>emphasis</em> &amp; “quotes”.</p>"
    )
    assert article.published_is_inferred
    assert list(article.authors.all()) == [author]
    assert [t.name for t in article.tags.all()] == ["radio"]


@pytest.fixture
def existing():
    return make_article(
        title="North Korea's Control of Media Breached by Technology",
        url="http://www.bloomberg.com/news/articles/2012-05-09/north-korea",
        body="<p>A survey of defectors found that foreign radio reaches many.</p>",
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Give a title."),
        ({"title": " \u200b "}, "title", "Give a title."),
        ({"published": ""}, "published", "Give the publication date."),
        ({"published": "2012-13-40"}, "published", "Enter a valid date."),
        ({"url": "not a url"}, "url", "Enter a valid URL."),
        (
            {
                "url": "https://bloomberg.com/news/articles/2012-05-09/north-korea/?utm_source=tw"
            },
            "url",
            "Another article already has this URL: “North Korea's Control of Media "
            "Breached by Technology”",
        ),
        (
            {
                "body": "<div>A SURVEY of defectors found that  foreign radio reaches many.</div>"
            },
            "body",
            "Another article already has the same text: “North Korea's Control",
        ),
        ({"source": None}, "source", "Choose the source"),
    ],
)
def test_bad_input_is_reported_at_its_field_and_saves_nothing(
    admin_client, existing, overrides, field, message
):
    before = Article.objects.count()
    overrides = dict(overrides)
    data = form_data(overrides.pop("source", existing.source), **overrides)
    response = admin_client.post(ADD, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    assert len(errors[field]) == 1
    assert message in errors[field][0]
    assert Article.objects.count() == before
    html = response.content.decode()
    assert "Please correct the error below." in html
    if "Another article" in message:
        assert f"(#{existing.pk})" in errors[field][0]


def test_a_rejected_form_shows_back_everything_the_editor_typed(admin_client, existing):
    body = "<p>My long draft that must not be lost.</p>"
    response = admin_client.post(
        ADD, form_data(existing.source, url="not a url", body=body, summary="Keep me")
    )
    html = response.content.decode()
    assert "&lt;p&gt;My long draft that must not be lost.&lt;/p&gt;" in html
    assert "Keep me" in html and 'value="not a url"' in html


def test_deleting_an_article_from_its_page_removes_it(admin_client, existing):
    url = reverse("admin:archive_article_delete", args=[existing.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.exists()


# -- related "+" popups and autocomplete ------------------------------------------


def test_autocomplete_finds_tags_by_name(admin_client):
    TagFactory(name="mobile phones")
    TagFactory(name="radio")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "archive",
            "model_name": "article",
            "field_name": "tags",
            "term": "mob",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["mobile phones"]


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (Source, {"name": "Rodong Sinmun", "slug": "", "kind": "state-media"}),
        (Author, {"name": "Martyn Williams", "slug": ""}),
        (Tag, {"name": "k-pop", "slug": ""}),
    ],
)
def test_add_popup_creates_the_entry_and_hands_it_back(admin_client, model, data):
    url = reverse(f"admin:archive_{model._meta.model_name}_add")
    response = admin_client.post(f"{url}?_to_field=id&_popup=1", {**data, "_popup": 1})
    assert response.status_code == 200
    entry = model.objects.get()
    assert entry.slug
    html = response.content.decode()
    assert "popup_response.js" in html
    assert f"&quot;value&quot;: &quot;{entry.pk}&quot;" in html


# The source form's feeds (none), as the browser sends them.
NO_FEEDS = {"feeds-TOTAL_FORMS": "0", "feeds-INITIAL_FORMS": "0"}


def test_registry_names_lose_markup(admin_client):
    url = reverse("admin:archive_source_add")
    data = {"name": "<b>Daily</b> NK<script>x</script>", "kind": "ngo"}
    admin_client.post(url, {**data, **NO_FEEDS})
    assert Source.objects.get().name == "Daily NK"


def test_registry_name_of_only_markup_is_refused(admin_client):
    url = reverse("admin:archive_tag_add")
    response = admin_client.post(url, {"name": "<i></i>"})
    assert "markup alone is removed" in str(
        response.context["adminform"].form.errors["name"]
    )
    assert not Tag.objects.exists()


@pytest.mark.parametrize(
    ("model", "factory", "data"),
    [
        (Source, SourceFactory, {"name": "daily NK", "kind": "ngo"}),
        (Tag, TagFactory, {"name": "<b>Mobile PHONES</b>"}),
    ],
)
def test_a_name_that_differs_only_in_case_points_to_merging(
    admin_client, model, factory, data
):
    existing = factory(name="Daily NK" if model is Source else "mobile phones")
    url = reverse(f"admin:archive_{model._meta.model_name}_add")
    response = admin_client.post(url, data)
    [error] = response.context["adminform"].form.errors["name"]
    assert f"“{existing.name}” (#{existing.pk}) already has this name" in error
    assert "Merge selected into" in error
    assert model.objects.count() == 1


def test_authors_may_share_a_name(admin_client):
    AuthorFactory(name="Kim Min-ji")
    admin_client.post(reverse("admin:archive_author_add"), {"name": "Kim Min-ji"})
    assert [a.slug for a in Author.objects.order_by("pk")][1] == "kim-min-ji"


def test_renaming_an_entry_keeps_its_own_name_free(admin_client):
    tag = TagFactory(name="kpop", slug="kpop")
    url = reverse("admin:archive_tag_change", args=[tag.pk])
    response = admin_client.post(url, {"name": "KPOP", "slug": "kpop"})
    assert response.status_code == 302
    assert Tag.objects.get().name == "KPOP"


# -- registries -----------------------------------------------------------------


def test_registry_lists_show_article_counts(admin_client, shelf):
    response = admin_client.get(reverse("admin:archive_source_changelist"))
    counts = {s.name: s.article_count for s in response.context["cl"].result_list}
    assert counts == {"Bloomberg": 1, "East Asia Institute": 2}
    search = admin_client.get(reverse("admin:archive_tag_changelist"), {"q": "rad"})
    assert [t.name for t in search.context["cl"].result_list] == ["radio"]


def test_merging_sources_moves_their_articles(admin_client, shelf):
    bloomberg = Source.objects.get(name="Bloomberg")
    eai = Source.objects.get(name="East Asia Institute")
    url = reverse("admin:archive_source_changelist")
    asked = run_action(admin_client, "merge_into", [bloomberg, eai], url=url)
    assert "Merge into this source" in asked.content.decode()
    response = run_action(
        admin_client, "merge_into", [bloomberg, eai], url=url, into=eai.pk, apply="1"
    )
    assert not Source.objects.filter(pk=bloomberg.pk).exists()
    assert eai.articles.count() == 3
    assert messages_of(response) == [
        "Merged 1 source into “East Asia Institute” (1 article moved to it)."
    ]


@pytest.mark.parametrize("model", [Author, Tag])
def test_merging_authors_or_tags_moves_their_articles(admin_client, model):
    factory = AuthorFactory if model is Author else TagFactory
    relation = "authors" if model is Author else "tags"
    keep, spelling_a, spelling_b = (
        factory(name="Kim Jong Un"),
        factory(name="Kim Jong-un"),
        factory(name="Kim Jŏng-ŭn"),
    )
    both = make_article(**{relation: [keep, spelling_a]})
    only_a = make_article(**{relation: [spelling_a]})
    only_b = make_article(**{relation: [spelling_b]})
    url = reverse(f"admin:archive_{model._meta.model_name}_changelist")
    response = run_action(
        admin_client,
        "merge_into",
        [keep, spelling_a, spelling_b],
        url=url,
        into=keep.pk,
        apply="1",
    )
    assert list(model.objects.all()) == [keep]
    assert set(keep.articles.all()) == {both, only_a, only_b}
    assert messages_of(response) == [
        f"Merged 2 {model._meta.verbose_name_plural} into “Kim Jong Un” "
        "(2 articles moved to it)."
    ]


def test_merging_an_entry_into_itself_changes_nothing(admin_client):
    tag = TagFactory(name="radio")
    url = reverse("admin:archive_tag_changelist")
    response = run_action(
        admin_client, "merge_into", [tag], url=url, into=tag.pk, apply="1"
    )
    assert Tag.objects.get() == tag
    assert messages_of(response)[0].startswith("Nothing merged")


def test_deleting_a_tag_reindexes_its_articles(admin_client):
    tag = TagFactory(name="obsolete")
    article = make_article(tags=[tag])
    seen = []

    def receiver(sender, article_ids, **kwargs):
        seen.extend(article_ids)

    articles_changed.connect(receiver)
    try:
        url = reverse("admin:archive_tag_delete", args=[tag.pk])
        admin_client.post(url, {"post": "yes"})
    finally:
        articles_changed.disconnect(receiver)
    assert not Tag.objects.exists()
    assert seen == [article.pk]


def test_a_source_with_articles_cannot_be_deleted(admin_client, existing):
    url = reverse("admin:archive_source_delete", args=[existing.source.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert "protected" in response.content.decode()
    assert Source.objects.filter(pk=existing.source.pk).exists()


# -- the editors group ----------------------------------------------------------


def test_editors_group_has_exactly_the_curation_permissions():
    codenames = set(
        Group.objects.get(name="editors").permissions.values_list("codename", flat=True)
    )
    assert codenames >= {
        f"{action}_{model}"
        for model in ("article", "source", "author", "tag")
        for action in ("add", "change", "delete", "view")
    }
    assert not any(c.endswith(("_user", "_group", "_permission")) for c in codenames)


def test_an_editor_can_add_and_publish_an_article(editor_client):
    source = SourceFactory(name="NK News")
    response = editor_client.post(ADD, form_data(source, status="published"))
    assert response.status_code == 302
    article = Article.objects.get()
    run_action(editor_client, "unpublish", [article])
    assert not Article.objects.get().is_published


def test_an_editor_cannot_see_user_or_group_management(editor_client):
    index = editor_client.get(reverse("admin:index")).content.decode()
    assert "Articles" in index
    assert reverse("admin:auth_user_changelist") not in index
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_user_add")).status_code == 403


def test_a_staff_user_outside_the_group_cannot_curate(client):
    user = User.objects.create_user(username="visitor", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(ADD).status_code == 403


def test_the_byline_keeps_the_order_the_authors_were_picked_in(admin_client):
    source = SourceFactory(name="Daily NK")
    williams = AuthorFactory(name="Martyn Williams")
    baek = AuthorFactory(name="Jieun Baek")
    response = admin_client.post(
        ADD, form_data(source, authors=[str(williams.pk), str(baek.pk)])
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.byline == [williams, baek]

    # The change form lists them in that order, so saving it again keeps it.
    page = admin_client.get(change_url(article)).content.decode()
    assert page.index("Martyn Williams") < page.index("Jieun Baek")

    response = admin_client.post(
        change_url(article),
        form_data(source, authors=[str(baek.pk), str(williams.pk)]),
    )
    assert response.status_code == 302
    assert Article.objects.get().byline == [baek, williams]


# -- review notes before publishing ------------------------------------------------


@pytest.fixture
def unreviewed():
    return make_article(
        title="Imported page",
        status=Article.Status.DRAFT,
        review_note="Date guessed from the URL; check the source.",
    )


def test_the_form_will_not_publish_an_unresolved_review_note_unasked(
    admin_client, unreviewed
):
    data = form_data(
        unreviewed.source,
        title=unreviewed.title,
        status="published",
        review_note=unreviewed.review_note,
    )
    response = admin_client.post(change_url(unreviewed), data)
    assert response.status_code == 200
    assert "The review note is unresolved" in response.content.decode()
    unreviewed.refresh_from_db()
    assert unreviewed.status == Article.Status.DRAFT
    # Ticking the confirmation publishes it, note and all.
    data["publish_unreviewed"] = "on"
    response = admin_client.post(change_url(unreviewed), data)
    assert response.status_code == 302
    unreviewed.refresh_from_db()
    assert unreviewed.status == Article.Status.PUBLISHED
    # Clearing the note needs no confirmation.
    other = make_article(status=Article.Status.DRAFT, review_note="Check the title.")
    data = form_data(
        other.source, title=other.title, status="published", body="<p>Other.</p>"
    )
    assert admin_client.post(change_url(other), data).status_code == 302


def test_bulk_publish_asks_before_publishing_unresolved_review_notes(
    admin_client, shelf, unreviewed
):
    selection = [shelf["draft"], unreviewed]
    asked = run_action(admin_client, "publish", selection)
    page = asked.content.decode()
    assert "Publish articles with unresolved review notes?" in page
    assert "Date guessed from the URL" in page
    unreviewed.refresh_from_db()
    assert unreviewed.status == Article.Status.DRAFT
    # "Only the reviewed ones" leaves the noted draft alone.
    done = run_action(admin_client, "publish", selection, apply="1", choice="reviewed")
    assert "Published 1 article." in messages_of(done)
    unreviewed.refresh_from_db()
    assert unreviewed.status == Article.Status.DRAFT
    # "All of them" is the curator's confirmation.
    run_action(admin_client, "publish", [unreviewed], apply="1", choice="all")
    unreviewed.refresh_from_db()
    assert unreviewed.status == Article.Status.PUBLISHED
