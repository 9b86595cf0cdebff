# ruff: noqa: RUF001 - captured texts use typographic quotes and dashes
import datetime
import textwrap

from archive.importers.captures import PROVISIONAL_TITLE, parse_capture
from archive.importers.records import BrokenRecord
from tests.archive.importers.conftest import decoded_text

PARAGRAPH = (
    "Listeners in the border provinces say foreign broadcasts have become easier "
    "to hear since the jamming stations lost power, according to interviews."
)


def capture(text: str):
    return parse_capture(decoded_text(textwrap.dedent(text).strip("\n")))


def only(text: str):
    [record] = capture(text)
    return record.data, record


def test_title_byline_and_date_lines_are_read_and_kept_out_of_the_body():
    data, record = only(
        f"""
        Home > World > Asia

        Radio Jamming Falters Along the Border

        By Jane Doe and KIM MIN-SU

        Published: March 3, 2021

        {PARAGRAPH}

        A second paragraph follows, with more detail about the frequencies used.
        """
    )
    assert data["title"] == "Radio Jamming Falters Along the Border"
    assert data["authors"] == ["Jane Doe", "Kim Min-su"]
    assert data["published"] == "2021-03-03"
    assert data["body"].startswith("<p>Listeners in the border provinces")
    assert "Jane Doe" not in data["body"] and "Home &gt;" not in data["body"]
    assert record.review == []


def test_markdown_heading_affiliated_byline_colophon_date_and_references():
    data, _ = only(
        f"""
        ## Drones and Cameras: A Primer

        Jae-won PARK (Seoul National University)

        *\\* Based on a talk given at a 2023 workshop.*

        {PARAGRAPH}

        Another paragraph of the analysis ends here, with a *Rodong Sinmun* citation.

        ## References

        - Park, Jae-won. 2020. "Cameras." *Journal* 3: 1-20.

        Date of Issue: 5 June 2023
        """
    )
    assert data["title"] == "Drones and Cameras: A Primer"
    assert data["authors"] == ["Jae-won Park"]
    assert data["published"] == "2023-06-05"
    assert "<em>Rodong Sinmun</em>" in data["body"]
    assert "Based on a talk" not in data["body"]
    assert "References" not in data["body"] and "Journal" not in data["body"]


def test_a_sign_off_byline_after_the_text_is_the_author_and_widgets_are_dropped():
    data, _ = only(
        f"""
        Despite Sanctions, Exchanges Continue

        {PARAGRAPH}

        BY LEE JUN-HYUK [lee@example.com]
        Log in to Twitter or Facebook account to connect
        with the Example Daily
        To write comments, please log in to one of the accounts.
        Standards Board Policy (0/250자)
        """
    )
    assert data["authors"] == ["Lee Jun-hyuk"]
    assert data["published"] == ""
    assert "Log in" not in data["body"] and "comments" not in data["body"]


def test_a_file_with_several_posts_is_split_at_each_title_and_date():
    records = capture(
        f"""
        blog

        First Post About Radios

        April 22, 2022

        {PARAGRAPH}

        Second Post About Phones

        2024-09-12

        Phones are now common in the cities, and a second paragraph says so clearly.

        Give Today
        Donate Now
        """
    )
    assert [r.data["title"] for r in records] == [
        "First Post About Radios",
        "Second Post About Phones",
    ]
    assert [r.data["published"] for r in records] == ["2022-04-22", "2024-09-12"]
    assert [r.location for r in records] == ["post 1 (line 1)", "post 2 (line 9)"]
    assert "Donate" not in records[1].data["body"]
    assert "Phones" not in records[0].data["body"]


def test_without_a_title_line_the_first_sentence_stands_in_and_is_flagged():
    data, record = only(
        """
        The U.S. State Department funded the survey. It covered 250 people who left North Korea.
        A second paragraph describes the method used by the researchers in detail.
        """
    )
    assert data["title"] == ("The U.S. State Department funded the survey")
    assert record.review == [PROVISIONAL_TITLE]
    assert data["body"].startswith("<p>The U.S. State Department funded the survey.")


def test_subheads_lists_quotes_and_speaker_labels_are_kept_captions_dropped():
    data, _ = only(
        f"""
        Inside the Smuggling Trade

        April 1, 2023

        {PARAGRAPH}

        A smuggler counts USB sticks in a market in Dandong

        The Price of a Drama

        Traders listed what sells best:

        • South Korean dramas
        • Chinese films with subtitles

        Popular drama poster. Photo credit: Example Films.

        Kim Il Sung Square at night. [JOHN SMITH]

        “You can hide a card anywhere,” one trader said.

        – Min, a trader in Dandong

        Cydney & Stella

        Who buys the cards?

        Stella -
        Mostly young people in the cities, she said of her customers.
        """
    )
    body = data["body"]
    assert "<h2>The Price of a Drama</h2>" in body
    assert (
        "<ul><li>South Korean dramas</li><li>Chinese films with subtitles</li></ul>"
        in body
    )
    assert "<p>– Min, a trader in Dandong</p>" in body
    assert "<h2>Who buys the cards?</h2>" in body
    assert "<p>Stella - Mostly young people in the cities" in body
    for dropped in ("counts USB sticks", "Photo credit", "JOHN SMITH", "Cydney"):
        assert dropped not in body


def test_a_paragraph_split_by_a_page_break_is_joined():
    data, _ = only(
        f"""
        A Report on Networks

        May 5, 2020

        {PARAGRAPH}

        The institutes work on pattern recognition, natural language processing,

        recommendation systems, and robots, the report found in its survey.
        """
    )
    assert "processing, recommendation systems" in data["body"]


def test_hard_wrapped_text_becomes_whole_paragraphs():
    wrapped = textwrap.fill(PARAGRAPH + " " + PARAGRAPH, width=72)
    data, _ = only(
        "Wrapped Text From an Old Mailing List\n\n"
        "By John Roe\n\n"
        f"{wrapped}\n\n{wrapped}\n\n{wrapped}\n"
    )
    assert data["body"].count("<p>") == 3
    assert "jamming stations lost power" in data["body"]


def test_source_and_address_lines_are_read():
    data, _ = only(
        f"""
        Source: Example Daily
        URL: https://example.org/news/2020/radio

        Radio Report From the Border

        {PARAGRAPH}
        """
    )
    assert data["source"] == "Example Daily"
    assert data["url"] == "https://example.org/news/2020/radio"


def test_a_capture_of_only_menus_and_captions_is_reported_broken():
    [record] = capture(
        """
        Home
        Menu
        Follow Us
        Photo credit: Example
        """
    )
    assert isinstance(record, BrokenRecord)
    assert "no article text" in record.reason


def test_a_nav_menu_above_the_headline_is_not_the_title():
    data, _ = only(
        f"""
        Industry Products

        Media Services

        Follow Us

        Markets Close Higher on Export Data

        Exporters Cheer the Numbers as Shipments Rise

        A worker loads containers in Busan. Photographer: Jane Roe via Getty Images

        {PARAGRAPH}
        """
    )
    assert data["title"] == "Markets Close Higher on Export Data"
    assert "Exporters Cheer" not in data["body"]


def test_dates_in_the_future_beyond_next_year_are_not_dates():
    year = datetime.date.today().year + 5
    data, _ = only(
        f"""
        A Plan for the Network

        January 1, {year}

        {PARAGRAPH}
        """
    )
    assert data["published"] == ""
