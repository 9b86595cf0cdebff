"""Article pages for the re-check tests, and helpers to file and re-check them."""

import datetime

from archive.collect.capture import capture_url
from archive.models import Article

T0 = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)

OPENING = (
    "PYONGYANG, March 1 (KCNA) -- A meeting of the Political Bureau was held in "
    "Pyongyang to review the work of the telecommunications sector this year."
)
NAMED = (
    "Attending the meeting were Kim Jong Un, Jang Song Thaek, Choe Ryong Hae and "
    "other senior officials of the party and the state, who heard reports from the "
    "ministries."
)
# The same paragraph after the source removed one name from it.
UNNAMED = NAMED.replace("Jang Song Thaek, ", "")
CLOSING = (
    "The meeting stressed that the mobile network should reach every province and "
    "that the people's access to the national intranet should be widened next year. "
    "Officials were told to report on the progress of the work at the next session."
)


def article_page(*paragraphs: str, title: str = "Political Bureau meeting held") -> str:
    """An article page as a news site serves it: navigation, the story, a footer."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs or (OPENING, NAMED, CLOSING))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title><meta name='date' content='2026-03-01'></head>"
        "<body><nav><a href='/'>Home</a> <a href='/politics'>Politics</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer>Copyright KCNA</footer></body></html>"
    )


NOT_FOUND_PAGE = (
    "<!DOCTYPE html><html><head><title>Page not found</title></head><body>"
    "<h1>Page not found</h1><p>The page you asked for is not here.</p>"
    "<p><a href='/'>Home</a></p></body></html>"
)

FRONT_PAGE = article_page(
    "Welcome to the news agency. Read the latest news from the capital and the "
    "provinces, the editorials of the day and the photographs of the week.",
    title="Front page",
)


def filed_article(web, path: str = "/story", page: str | None = None) -> Article:
    """Serve ``page`` at ``path``, capture it (filed as an article) and return it."""
    web.page(path, page or article_page())
    outcome = capture_url(web.url(path))
    assert outcome.ok, outcome.message
    return Article.objects.get(pk=outcome.article_id)
