"""RSS and Atom feeds: one draft per entry, dated as the feed prints it."""

import datetime

import pytest

from archive.importers import Action
from archive.models import Article, Tag
from tests.archive.importers.conftest import DATA, text_input

pytestmark = pytest.mark.django_db


def test_rss_entries_become_drafts_with_their_metadata(import_files):
    Tag.objects.create(name="mobile-phones", slug="mobile-phones")
    report = import_files(DATA / "feed_rss.xml")
    assert [(o.action, o.location) for o in report.outcomes] == [
        (Action.CREATED, "entry 1"),
        (Action.CREATED, "entry 2"),
        (Action.FAILED, "entry 3"),
    ]
    assert report.outcomes[2].message == "no title"
    radio = Article.objects.get(title__startswith="Shortwave listeners")
    assert radio.status == "draft"
    # 23:30 in Seoul on the 13th is the 13th, whatever the server's time zone.
    assert radio.published == datetime.date(2024, 2, 13)
    assert radio.source.name == "Border Signals"
    assert radio.source.homepage == "https://bordersignals.example/"
    assert [a.name for a in radio.authors.all()] == ["Min-ji Kang"]
    assert [t.name for t in radio.tags.all()] == ["Radio"]
    assert (
        radio.summary
        == "Listeners near the Chinese border say foreign stations come in more clearly this winter."
    )
    assert "<h2>Jamming down</h2>" in radio.body
    assert (
        "script" not in radio.body
        and "onerror" not in radio.body
        and "alert" not in radio.body
    )
    etiquette = Article.objects.get(title__startswith="State TV airs")
    assert list(etiquette.authors.all()) == []  # "Border Signals staff" names no one
    assert [t.slug for t in etiquette.tags.all()] == ["mobile-phones"]


def test_atom_entries_keep_every_author_category_and_their_own_date(import_files):
    report = import_files(DATA / "feed_atom.xml")
    assert report.summary() == "2 created, 0 updated, 0 skipped as duplicates, 0 failed"
    leak = Article.objects.get(title__startswith="Inside Red Star OS 4")
    assert leak.published == datetime.date(2023, 11, 2)
    assert sorted(a.name for a in leak.authors.all()) == ["Eun-ha Seo", "Jonas Weber"]
    assert sorted(t.name for t in leak.tags.all()) == [
        "Operating systems",
        "surveillance",
    ]
    assert leak.url == "https://peninsulatech.example/2023/11/red-star-os-4-leak"
    assert leak.summary.startswith("A leaked build of North Korea's operating system")
    app_store = Article.objects.get(title__startswith="Pyongyang's new app store")
    assert app_store.published == datetime.date(2023, 10, 12)
    assert "Samheung app store" in app_store.body_text


def test_a_feed_imported_twice_is_not_doubled(import_files):
    import_files(DATA / "feed_atom.xml")
    report = import_files(DATA / "feed_atom.xml")
    assert [o.action for o in report.outcomes] == [Action.DUPLICATE, Action.DUPLICATE]


def test_a_feed_reaching_for_local_files_gets_nothing_from_them(import_files):
    feed = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>Trap</title>
<item><title>Entity</title><link>https://trap.example/1</link>
<pubDate>Mon, 01 Jan 2024 00:00:00 +0000</pubDate>
<description>before &secret; after</description></item></channel></rss>"""
    import_files(text_input(feed, "trap.xml"))
    body = Article.objects.get(title="Entity").body_text
    assert body.startswith("before")
    assert "root:" not in body


@pytest.mark.parametrize(
    ("feed", "message"),
    [
        (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Empty</title></channel></rss>',
            "no entries",
        ),
        (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Cut',
            "not a readable feed",
        ),
    ],
)
def test_a_feed_without_entries_fails_with_the_reason(import_files, feed, message):
    [outcome] = import_files(text_input(feed, "feed.xml")).outcomes
    assert outcome.action is Action.FAILED
    assert message in outcome.message


CHANNEL_WITH_TEASERS = """<?xml version="1.0" encoding="utf-8"?>
<rss xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel>
<title>The Daily Record</title><link>https://record.example/world</link><language>en-gb</language>
<item><title>Phones seized in border town raid</title>
<link>https://record.example/2024/jan/31/phones-seized-raid</link>
<description>&lt;p&gt;Inspectors took dozens of smuggled handsets&lt;/p&gt;&lt;p&gt;Security officials
seized more than forty Chinese phones in a raid on a market in Hyesan on Wednesday.&lt;/p&gt;
&lt;p&gt; &lt;span&gt;Related: &lt;/span&gt;&lt;a href="https://record.example/2024/jan/30/phones-explainer"&gt;How
the phones get in&lt;/a&gt; &lt;/p&gt; &lt;a href="https://record.example/2024/jan/31/phones-seized-raid"&gt;Continue
reading...&lt;/a&gt;</description>
<pubDate>Wed, 31 Jan 2024 17:18:52 GMT</pubDate>
<dc:creator>Jonas Weber in Dandong, Liaoning</dc:creator></item>
</channel></rss>"""


def test_feed_entries_lose_the_sites_links_and_reporters_their_datelines(
    import_files,
):
    import_files(text_input(CHANNEL_WITH_TEASERS, "record.rss"))
    article = Article.objects.get()
    assert article.body_text.endswith("in a raid on a market in Hyesan on Wednesday.")
    assert "Related" not in article.body_text
    assert "Continue reading" not in article.body_text
    assert [a.name for a in article.authors.all()] == ["Jonas Weber"]


GERMAN_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title type="text">Grenzfunk Meldungen</title><id>https://grenzfunk.example/</id>
<updated>2024-02-01T17:54:50+01:00</updated>
<entry><title>Neue Störsender an der Grenze</title><id>https://grenzfunk.example/-3088</id>
<updated>2024-02-01T17:54:50+01:00</updated><published>2024-02-01T17:22:00+01:00</published>
<link rel="alternate" type="text/html" href="https://grenzfunk.example/meldung/stoersender-3088.html"/>
<content type="html"><![CDATA[
  <a href="https://grenzfunk.example/meldung/stoersender-3088.html" title="Störsender">
    <img src="https://grenzfunk.example/stoersender.jpeg" alt="Störsender" />
  </a>
  <p>Die Behörden haben an der Grenze neue Störsender aufgebaut, die den Empfang der
  ausländischen Sender in der Nacht erschweren, und das ist nicht der erste Versuch.</p>
]]></content></entry>
</feed>"""


def test_an_atom_feed_declaring_no_language_is_filed_under_its_texts(import_files):
    import_files(text_input(GERMAN_ATOM, "grenzfunk.atom"))
    article = Article.objects.get()
    assert article.language == "de"
    assert "></a>" not in article.body  # the image link went with its image
