"""Bodies already in the policy's form are recognised without parsing, and kept exactly.

The shortcut must never accept a body that bleach would change: every body it
accepts is checked here against the full parse, over the seed bodies, a
synthetic corpus and thousands of random mixtures of markup and text.
"""

# ruff: noqa: RUF001 - typographic characters are part of what is tested
import json
import random
from pathlib import Path

import pytest

from archive import sanitize
from archive.sanitize import html_to_text, sanitize_html
from archive.synthetic.corpus import CorpusGenerator

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "seed_articles.json"

PIECES = [
    "<p>", "</p>", "<h1>", "</h1>", "<h2>", "</h2>", "<h3>", "</h3>", "<ul>", "</ul>",
    "<ol>", "</ol>", "<li>", "</li>", "<blockquote>", "</blockquote>", "<em>", "</em>",
    "<strong>", "</strong>", "<b>", "</b>", "<i>", "</i>", "<code>", "</code>",
    "<q>", "</q>", "<br>", "<hr>", "</br>", "<pre>", "</pre>", "<table>", "<tr>",
    "<td>", "</td>", "</tr>", "</table>", "<div>", "</div>", "<span>", "<script>",
    "</script>", "<!-- c -->", '<a href="https://example.org/a?b=1&amp;c=2" '
    'rel="nofollow noopener">', "</a>", '<a href="javascript:alert(1)" '
    'rel="nofollow noopener">', '<a href="https://x.example/">', "<p class=x>",
    "&amp;", "&lt;", "&gt;", "&nbsp;", "&eacute;", "&", "<", ">", "\n", "\n\n", " ",
    "\t", "\r\n", "\u00a0", "\u200b", "\ufeff", "\x00", "\x85", "e\u0301", "é",
    "Kim Jong Un", "김정은", "P'yŏngyang", '"quoted"', "a\u202eb", "\ud800",
    "radio listening",
]  # fmt: skip


def random_bodies(count: int, seed: int = 7):
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 14)))


WORDS = ["radio", "&amp;", "&lt;", "김정은", "P’yŏngyang", " ", "\u00a0", "“q”"]
INLINE = ["em", "strong", "b", "i", "u", "s", "sub", "sup", "cite", "q", "code"]
LINK = '<a href="https://example.org/p?x=1&amp;y=2" rel="nofollow noopener">'


def _phrasing(rng: random.Random, depth: int) -> str:
    parts = []
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        if roll < 0.5 or depth > 3:
            parts.append(rng.choice(WORDS))
        elif roll < 0.6:
            parts.append("<br>")
        elif roll < 0.7:
            parts.append(LINK + _phrasing(rng, depth + 1) + "</a>")
        else:
            tag = rng.choice(INLINE)
            parts.append(f"<{tag}>{_phrasing(rng, depth + 1)}</{tag}>")
    return "".join(parts)


def _block(rng: random.Random, depth: int) -> str:
    roll = rng.random()
    if roll < 0.4 or depth > 2:
        return f"<p>{_phrasing(rng, depth)}</p>"
    if roll < 0.55:
        level = rng.choice("23456")
        return f"<h{level}>{_phrasing(rng, depth)}</h{level}>"
    if roll < 0.75:
        tag = rng.choice(["ul", "ol"])
        items = "\n".join(
            f"<li>{rng.choice([_phrasing(rng, depth), _block(rng, depth + 1)])}</li>"
            for _ in range(rng.randint(1, 3))
        )
        return f"<{tag}>\n{items}\n</{tag}>"
    if roll < 0.85:
        return "<hr>"
    return f"<blockquote>{_block(rng, depth + 1)}</blockquote>"


def well_formed_bodies(count: int, seed: int = 11):
    """Random bodies nested as the policy writes them (so many are accepted)."""
    rng = random.Random(seed)
    for _ in range(count):
        yield "\n".join(_block(rng, 0) for _ in range(rng.randint(1, 5))).strip()


def assert_same_as_parsed(body: str) -> bool:
    """Check ``body`` against the full parse when the shortcut accepts it."""
    if sanitize._canonical_tokens(body) is None:
        return False
    assert sanitize._bleach_clean(body) == body
    assert html_to_text(body) == sanitize._parsed_text(body)
    return True


def test_the_seed_bodies_are_recognised_and_kept_exactly():
    bodies = [row["fields"]["body"] for row in json.loads(FIXTURES.read_text())]
    assert all(assert_same_as_parsed(body) for body in bodies)


def test_synthetic_bodies_are_recognised_and_kept_exactly():
    generator = CorpusGenerator(seed=3)
    bodies = [spec.body for spec in generator.articles(200)]
    assert all(assert_same_as_parsed(body) for body in bodies)


@pytest.mark.parametrize(
    ("bodies", "at_least"), [(random_bodies, 20), (well_formed_bodies, 1500)]
)
def test_no_body_the_parser_would_change_is_taken_as_is(bodies, at_least):
    accepted = sum(assert_same_as_parsed(body) for body in bodies(3000))
    assert accepted >= at_least  # the shortcut is reached, not only the fallback


def test_what_the_shortcut_refuses_is_still_sanitized():
    assert sanitize._canonical_tokens("<p>a<hr>b</p>") is None
    assert sanitize_html("<p>a<hr>b</p>") == "<p>a</p><hr>b<p></p>"
    assert sanitize_html('<p><a href="javascript:x()">l</a></p>') == (
        '<p><a rel="nofollow noopener">l</a></p>'
    )


def test_text_without_markup_characters_reads_as_the_parser_reads_it():
    rng = random.Random(5)
    plain = [piece for piece in PIECES if not set(piece) & set("<>&")]
    for _ in range(3000):
        value = "".join(rng.choice(plain) for _ in range(rng.randint(1, 10)))
        assert sanitize._tidy_text(value) == sanitize._parsed_plain_text(value)
