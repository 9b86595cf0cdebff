import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from archive.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    html_to_text,
    mark_sanitized,
    plain_text,
    sanitize_html,
)

SEEDS = Path(__file__).resolve().parent / "importers" / "data" / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
SAFE_SCHEMES = ("http:", "https:", "mailto:")


class _PolicyCheck(HTMLParser):
    """Record every element, attribute or URL that the archive's policy does not allow."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.violations: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.violations.append(f"<{tag}>")
        allowed = {*ALLOWED_ATTRIBUTES.get(tag, ()), "rel"}
        for name, value in attrs:
            if name not in allowed:
                self.violations.append(f"<{tag} {name}>")
            if name == "href":
                squeezed = re.sub(r"\s", "", value or "").lower()
                scheme = re.match(r"^[a-z][a-z0-9+.-]*:", squeezed)
                if scheme and not squeezed.startswith(SAFE_SCHEMES):
                    self.violations.append(f"<{tag} href={value!r}>")

    def handle_comment(self, data):
        self.violations.append(f"<!--{data}-->")


def assert_within_policy(cleaned: str) -> None:
    check = _PolicyCheck()
    check.feed(cleaned)
    check.close()
    assert check.violations == []


# Each vector: the hostile input, what must be gone, and harmless text that must stay.
XSS_VECTORS = [
    ("<script>alert(1)</script>Hello", ["alert", "<script"], ["Hello"]),
    ("<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>Hello", ["xss.rocks"], ["Hello"]),
    ("<scr<script>ipt>alert(1)</script>Hello", ["<script", "<scr"], ["Hello"]),
    ('<<SCRIPT>alert("XSS");//<</SCRIPT>Hello', ["alert", "<script"], ["Hello"]),
    ("<img src=x onerror=alert(1)>Hello", ["<img", "onerror"], ["Hello"]),
    ("<IMG SRC=\"javascript:alert('XSS');\">Hello", ["<img", "javascript"], ["Hello"]),
    ('<p onmouseover="alert(1)">Hello</p>', ["onmouseover", "alert"], ["<p>Hello</p>"]),
    ("<body onload=alert(1)>Hello", ["onload", "<body"], ["Hello"]),
    ("<details open ontoggle=alert(1)>Hello", ["ontoggle", "<details"], ["Hello"]),
    (
        '<p style="background:url(javascript:alert(1))">Hello</p>',
        ["style", "javascript"],
        ["<p>Hello</p>"],
    ),
    (
        '<div style="width: expression(alert(1))">Hello</div>',
        ["style", "expression"],
        ["Hello"],
    ),
    ("<style>p{color:red}</style>Hello", ["<style", "color:red"], ["Hello"]),
    (
        '<link rel=stylesheet href="https://evil.example/x.css">Hello',
        ["<link", "evil"],
        ["Hello"],
    ),
    (
        '<iframe src="https://evil.example"></iframe>Hello',
        ["<iframe", "evil"],
        ["Hello"],
    ),
    (
        '<object data="x.swf"><param name=a value=b>fallback</object>Hello',
        ["<object", "<param", "fallback", "swf"],
        ["Hello"],
    ),
    ('<embed src="x.swf">Hello', ["<embed", "swf"], ["Hello"]),
    (
        "<svg onload=alert(1)><script>alert(2)</script></svg>Hello",
        ["<svg", "alert"],
        ["Hello"],
    ),
    (
        "<svg><style><img src=x onerror=alert(1)></style></svg>Hello",
        ["<svg", "<img", "onerror"],
        ["Hello"],
    ),
    (
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>Hello',
        ["<math", "javascript"],
        ["Hello"],
    ),
    (
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        ["<img", "onerror", "<math", "<style"],
        [],
    ),
    (
        '<p>Hello</p><noscript><p title="</noscript><img src=x onerror=alert(1)>">',
        ["<img", "onerror", "<noscript"],
        ["<p>Hello</p>"],
    ),
    (
        "<textarea><script>alert(1)</script></textarea>Hello",
        ["<script", "alert"],
        ["Hello"],
    ),
    ("<template><script>alert(1)</script></template>Hello", ["alert"], ["Hello"]),
    ('<a href="javascript:alert(1)">Hello</a>', ["javascript", "alert"], ["Hello</a>"]),
    ('<a href="JaVaScRiPt:alert(1)">Hello</a>', ["javascript", "alert"], ["Hello</a>"]),
    (
        '<a href=" javascript:alert(1)">Hello</a>',
        ["javascript", "alert"],
        ["Hello</a>"],
    ),
    ('<a href="java&#x0A;script:alert(1)">Hello</a>', ["script:", "alert"], ["Hello"]),
    ('<a href="jav&#x09;ascript:alert(1)">Hello</a>', ["ascript:", "alert"], ["Hello"]),
    ('<a href="jav\tascript:alert(1)">Hello</a>', ["ascript:", "alert"], ["Hello"]),
    ('<a href="jav\nascript:alert(1)">Hello</a>', ["ascript:", "alert"], ["Hello"]),
    (
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;'
        'alert(1)">Hello</a>',
        ["&#106;", "javascript", "alert"],
        ["Hello"],
    ),
    (
        '<a href="&#x6A;avascript:alert(1)">Hello</a>',
        ["avascript", "alert"],
        ["Hello"],
    ),
    (
        '<a href="&#0000106avascript:alert(1)">Hello</a>',
        ["avascript", "alert"],
        ["Hello"],
    ),
    (
        '<a href="javascript&colon;alert(1)">Hello</a>',
        ["javascript", "alert"],
        ["Hello"],
    ),
    ('<a href="java\u200bscript:alert(1)">Hello</a>', ["script:", "alert"], ["Hello"]),
    ('<a href="java\ufeffscript:alert(1)">Hello</a>', ["script:", "alert"], ["Hello"]),
    (
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">Hello</a>',
        ["data:", "base64"],
        ["Hello"],
    ),
    ('<img src="data:image/png;base64,AAAA">Hello', ["<img", "data:"], ["Hello"]),
    ('<a href="vbscript:msgbox(1)">Hello</a>', ["vbscript", "msgbox"], ["Hello"]),
    ('<a href="VBScript:msgbox(1)">Hello</a>', ["vbscript", "msgbox"], ["Hello"]),
    ("<!-- <script>alert(1)</script> -->Hello", ["<!--", "alert"], ["Hello"]),
    (
        "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->Hello",
        ["<!--", "alert", "endif"],
        ["Hello"],
    ),
    (
        '<form action="https://evil.example"><button formaction="javascript:alert(1)">'
        "Go</button></form>Hello",
        ["<form", "<button", "formaction", "evil"],
        ["Go", "Hello"],
    ),
    (
        "<input type=image formaction=javascript:alert(1)>Hello",
        ["<input", "formaction"],
        ["Hello"],
    ),
    ('<base href="https://evil.example/">Hello', ["<base", "evil"], ["Hello"]),
    (
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">Hello',
        ["<meta", "refresh", "javascript"],
        ["Hello"],
    ),
    (
        '<a href="https://ok.example" onclick="alert(1)" target="_blank">Hello</a>',
        ["onclick", "target"],
        ['<a href="https://ok.example" rel="nofollow noopener">Hello</a>'],
    ),
    (
        '<table background="javascript:alert(1)"><tr><td>Hello</td></tr></table>',
        ["background", "javascript"],
        ["<td>Hello</td>"],
    ),
    ('"><script>alert(1)</script>Hello', ["<script", "alert"], ["Hello"]),
    ("<div><p>Hello<b>bold</div></p>", ["<div"], ["Hello", "<b>bold</b>"]),
    ("<p>Unclosed <em>emphasis", [], ["<p>Unclosed <em>emphasis</em></p>"]),
    (
        '<a href="https://x.example" rel="opener">Hello</a>',
        ['rel="opener"'],
        ['rel="nofollow noopener"'],
    ),
]


@pytest.mark.parametrize(("vector", "gone", "kept"), XSS_VECTORS)
def test_hostile_markup_is_removed_and_harmless_text_kept(vector, gone, kept):
    cleaned = sanitize_html(vector)
    assert_within_policy(cleaned)
    for fragment in gone:
        assert fragment.lower() not in cleaned.lower()
    for fragment in kept:
        assert fragment in cleaned


@pytest.mark.parametrize(("vector", "gone", "kept"), XSS_VECTORS)
def test_plain_text_of_hostile_markup_holds_no_tags(vector, gone, kept):
    text = plain_text(vector)
    assert "<script" not in text.lower()
    assert "<img" not in text.lower()
    assert "onerror=" not in text.lower()


@pytest.mark.parametrize("vector", [v for v, _, _ in XSS_VECTORS])
def test_sanitizing_twice_changes_nothing(vector):
    once = sanitize_html(vector)
    assert sanitize_html(once) == once


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>Paragraph</p>", "<p>Paragraph</p>"),
        ("<h2>Two</h2><h3>Three</h3>", "<h2>Two</h2><h3>Three</h3>"),
        ("<h4>4</h4><h5>5</h5><h6>6</h6>", "<h4>4</h4><h5>5</h5><h6>6</h6>"),
        ("<h1>Page title</h1>", "<h2>Page title</h2>"),
        ("<ul><li>one</li><li>two</li></ul>", "<ul><li>one</li><li>two</li></ul>"),
        ("<ol><li>first</li></ol>", "<ol><li>first</li></ol>"),
        (
            "<blockquote><p>Quoted</p></blockquote>",
            "<blockquote><p>Quoted</p></blockquote>",
        ),
        (
            "<p><em>em</em> <strong>strong</strong> <i>i</i> <b>b</b></p>",
            "<p><em>em</em> <strong>strong</strong> <i>i</i> <b>b</b></p>",
        ),
        (
            '<a href="http://example.org/a?b=1&amp;c=2">http</a>',
            '<a href="http://example.org/a?b=1&amp;c=2" rel="nofollow noopener">http</a>',
        ),
        (
            '<a href="https://example.org" title="Where">https</a>',
            '<a href="https://example.org" title="Where" rel="nofollow noopener">https</a>',
        ),
        (
            '<a href="mailto:desk@example.org">mail</a>',
            '<a href="mailto:desk@example.org" rel="nofollow noopener">mail</a>',
        ),
        (
            '<table><thead><tr><th scope="col">Year</th><th colspan="2">Phones</th></tr>'
            "</thead><tbody><tr><td>2012</td><td>1m</td><td>2m</td></tr></tbody></table>",
            '<table><thead><tr><th scope="col">Year</th><th colspan="2">Phones</th></tr>'
            "</thead><tbody><tr><td>2012</td><td>1m</td><td>2m</td></tr></tbody></table>",
        ),
        (
            '<abbr title="Korean Central News Agency">KCNA</abbr>',
            '<abbr title="Korean Central News Agency">KCNA</abbr>',
        ),
        ("<p>Line<br>break</p>", "<p>Line<br>break</p>"),
    ],
)
def test_the_allowed_markup_survives(markup, expected):
    assert sanitize_html(markup) == expected


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<div><span>Wrapped</span> text</div>", "Wrapped text"),
        ('<font color="red">Old</font> markup', "Old markup"),
        ("<section><p>Kept</p></section>", "<p>Kept</p>"),
    ],
)
def test_unknown_tags_are_stripped_not_escaped_into_visible_junk(markup, expected):
    cleaned = sanitize_html(markup)
    assert cleaned == expected
    assert "&lt;" not in cleaned


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<b>Kim</b> Jong Un", "Kim Jong Un"),
        ("Rodong &amp; Minju Joson", "Rodong & Minju Joson"),
        ("North Korea’s “Control”", "North Korea’s “Control”"),  # noqa: RUF001
        ("  spaced \t out\u00a0title ", "spaced out title"),
        ("<script>alert(1)</script>", ""),
        ("김정은\u200b 위원장", "김정은 위원장"),
        ("1 < 2 and 3 > 2", "1 < 2 and 3 > 2"),
        ("Cafe\u0301", "Café"),
    ],
)
def test_plain_text_keeps_the_words_and_drops_markup(value, expected):
    assert plain_text(value) == expected


def test_plain_text_can_keep_line_breaks():
    assert plain_text("First <i>line</i>\n\n Second", keep_lines=True) == (
        "First line\nSecond"
    )


def test_html_to_text_puts_each_block_on_its_own_line():
    assert html_to_text("<h2>Head</h2><p>One <em>two</em></p><ul><li>a</li></ul>") == (
        "Head\nOne two\na"
    )


def test_mark_sanitized_renders_the_policy_output_unescaped_in_templates():
    marked = mark_sanitized('<p onclick="x()">Body &amp; <script>y()</script>soul</p>')
    assert isinstance(marked, SafeString)
    rendered = Template("{{ body }}").render(Context({"body": marked}))
    assert rendered == "<p>Body &amp; soul</p>"


def test_mark_sanitized_cleans_markup_stored_before_the_policy_existed():
    assert mark_sanitized('<img src=x onerror="alert(1)">Old') == "Old"


# -- the seed articles ----------------------------------------------------------


def seed_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def non_space(text: str) -> str:
    return "".join(text.split())


def test_the_seed_folder_is_where_the_tests_expect_it():
    assert len(SEED_FILES) == 5


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_seed_text_survives_as_paragraphs(path):
    lines = [line for line in seed_lines(path) if line.strip()]
    markup = "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines)
    cleaned = sanitize_html(markup)
    text = html_to_text(cleaned)
    assert text.count("\n") == len(lines) - 1
    assert non_space(text) == non_space("\n".join(lines))


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_seed_lines_survive_as_titles(path):
    for line in seed_lines(path):
        if "<" in line:
            continue  # markup-like text ("<https://…>") is not a title
        assert non_space(plain_text(line)) == non_space(line)


def test_korean_text_curly_quotes_and_ampersands_from_the_seeds_survive():
    joongang = (SEEDS / "003_e25ffa3b0f67af64.txt").read_text(encoding="utf-8")
    assert "기자 사진" in joongang
    bloomberg = (SEEDS / "002_a082c5e72fd41a21.txt").read_text(encoding="utf-8")
    quoted = next(line for line in bloomberg.split("\n") if "“" in line)
    link = (SEEDS / "004_027c9e1a57c1b1c6.txt").read_text(encoding="utf-8")
    ampersand = next(line for line in link.split("\n") if "&" in line)

    cleaned = sanitize_html(
        f"<p>기자 사진</p><p>{html.escape(quoted, quote=False)}</p>"
        f"<p>{html.escape(ampersand, quote=False)}</p>"
    )
    assert "<p>기자 사진</p>" in cleaned
    assert "“" in cleaned and "”" in cleaned
    assert "&amp;" in cleaned
    text = html_to_text(cleaned)
    assert ampersand.strip() in text
    assert plain_text(ampersand) == " ".join(ampersand.split())
