"""Saved pages: what the site prints around and inside the article stays out of its body."""

import pytest

from archive.importers.page_body import clean_body
from archive.models import Article
from tests.archive.importers.conftest import text_input

pytestmark = pytest.mark.django_db

STORY = [
    "A defector who ran a smuggling route told our reporter how memory cards with South "
    "Korean dramas cross the river, hidden in packs of cigarettes and rice sacks.",
    "Listen to the whole interview, which ran in three parts over the last week.",
]
TEASERS = [
    "Radio listeners near the border say the foreign stations come in more clearly this "
    "winter, and that jamming has weakened along the northern stretch of the river [&hellip;]",
    "A new phone from the state factory ships with an app store of its own, and analysts "
    "who took one apart found a watermark on every file it opens [&hellip;]",
    "The latest episode of our podcast asks who profits from the trade in memory cards, "
    "and how the traders keep ahead of the inspection teams.",
    "Want to learn Korean? Our partners offer an online course at a discount for readers, "
    "with lessons for beginners and for those who already read the script [...]",
]


def imported(import_files, head: str, body: str) -> Article:
    html = f'<html lang="en"><head>{head}<title>Memory cards across the river</title></head><body>{body}</body></html>'
    import_files(text_input(html, "page.html"))
    return Article.objects.get()


def test_the_next_stories_teasers_under_a_short_post_are_cut(import_files):
    story = "".join(f"<p>{text}</p>" for text in STORY)
    teasers = "".join(
        f'<div class="nextstory"><h2><a href="/next-{n}?utm_source=more">Story {n}</a></h2>'
        f'<a href="/next-{n}?utm_source=more"><img src="/{n}.jpg"></a><p>{text}</p>'
        f'<h3><a href="/next-{n}">READ THE REST</a></h3></div>'
        for n, text in enumerate(TEASERS)
    )
    article = imported(
        import_files,
        '<meta property="article:published_time" content="2013-07-19T17:08:44+00:00">',
        f'<div id="headline"><h1>Memory cards across the river</h1></div><div id="story">{story}'
        f'<div class="share"><h3><a href="/share">SHARE</a></h3></div>'
        f'<div id="next-post-thumbnails">{teasers}</div></div>',
    )
    assert article.body_text.startswith("A defector who ran a smuggling route")
    assert article.body_text.endswith("over the last week.")
    for teaser in (
        "Radio listeners",
        "app store",
        "podcast",
        "Korean?",
        "READ THE REST",
    ):
        assert teaser not in article.body_text
    assert "></a>" not in article.body  # no image links left without their image


PARAGRAPHS = "".join(
    f"<p>Paragraph {n} reports what listeners in the border towns said about the "
    "foreign stations they hear at night, and how the jamming has changed.</p>"
    for n in range(1, 5)
)


def test_a_dateline_opening_the_body_is_dropped(import_files):
    article = imported(
        import_files,
        '<meta property="article:published_time" content="2019-10-22T09:30:34-04:00">',
        "<article><div class='info'><p class='date'>October 22, 2019 "
        "<a href='/editorials/'><span class='badge'>report</span></a></p></div>"
        f"<h1>Memory cards across the river</h1><p class='byline'>by Jane Roe, Border Signals</p>"
        f"<div class='main'>{PARAGRAPHS}</div></article>",
    )
    assert article.body_text.startswith("Paragraph 1 reports")
    assert "October 22, 2019" not in article.body_text


def test_pull_quotes_and_headings_closing_the_text_are_dropped():
    # The shape trafilatura gives a magazine page whose pull quotes follow the text.
    quote = "The route is dangerous. One could say that it is perfectly dangerous."
    extracted = (
        f"<html><body><div>{PARAGRAPHS}<p>{quote}</p>{PARAGRAPHS}"
        f"<h4>{quote}</h4><h4>He set up a fake profile. It supported his version.</h4>"
        "</div></body></html>"
    )
    body = clean_body(extracted, "Memory cards across the river")
    assert body.count("perfectly dangerous") == 1
    assert "<h4>" not in body
    assert "fake shop" not in body


def test_a_description_repeating_the_opening_paragraph_is_not_kept_twice(
    import_files,
):
    dek = "Traders say the cards now cross weekly. Inspections have not slowed them."
    article = imported(
        import_files,
        f'<meta name="description" content="{dek}">'
        '<meta property="article:published_time" content="2026-06-11T07:49:38Z">',
        f"<main><header><h1>Memory cards across the river</h1><p class='subhead'><em>{dek}</em></p>"
        f"</header><div class='wysiwyg'>{PARAGRAPHS}</div></main>",
    )
    assert article.summary == ""
    assert article.body_text.count("Traders say the cards") == 1


def test_citation_helpers_standards_badges_and_image_credits_are_dropped(
    import_files,
):
    article = imported(
        import_files,
        '<meta property="article:published_time" content="2019-10-22T09:30:34-04:00">',
        f"<article><h1>Memory cards across the river</h1>{PARAGRAPHS}"
        "<p><img src='/chart.png'><br><em>(Credit: Jane Roe / Border Signals)</em></p>"
        "<p>More paragraphs follow here about what the listeners told the reporters.</p>"
        "<div class='print-only'><strong>Citation</strong>: Memory cards across the river (2019, "
        "October 22) retrieved 20 January 2020 from https://news.example/2019-10-cards.html</div>"
        "<p>Our Standards: <a href='/trust'>The Border Signals Trust Principles.</a></p>"
        "</article>",
    )
    for furniture in ("Credit:", "retrieved 20 January", "Our Standards"):
        assert furniture not in article.body_text
    assert article.body_text.endswith("told the reporters.")
