import datetime

import pytest

from archive.importers.dates import parse_date_line, parse_record_date, printed_date

D = datetime.date


@pytest.mark.parametrize(
    ("line", "expected", "kind"),
    [
        ("April 22, 2022", D(2022, 4, 22), "plain"),
        ("September 12, 2024", D(2024, 9, 12), "plain"),
        ("31 August 2024", D(2024, 8, 31), "plain"),
        ("2024-08-22", D(2024, 8, 22), "plain"),
        ("Thursday, August 22, 2024", D(2024, 8, 22), "plain"),
        ("Aug. 22, 2024 10:31 a.m. KST", D(2024, 8, 22), "plain"),
        ("2024-08-22T10:31:00+09:00", D(2024, 8, 22), "plain"),
        ("2024년 8월 22일", D(2024, 8, 22), "plain"),
        ("2024.08.22", D(2024, 8, 22), "plain"),
        ("22.08.2024", D(2024, 8, 22), "plain"),
        ("31/08/2024", D(2024, 8, 31), "plain"),
        ("08/22/2024", D(2024, 8, 22), "plain"),
        (
            "Date of Issue: 31 August 2024 979-11-6617-786-6-95340",
            D(2024, 8, 31),
            "labelled",
        ),
        ("Published: 2024-08-22 10:31", D(2024, 8, 22), "labelled"),
        ("Posted on March 3rd, 2021", D(2021, 3, 3), "labelled"),
        ("Updated: Aug 23, 2024", D(2024, 8, 23), "updated"),
    ],
)
def test_printed_date_lines_are_read(line, expected, kind):
    found, found_kind = parse_date_line(line)
    assert found.value == expected
    assert found.precise
    assert found_kind == kind


def test_a_month_without_a_day_is_read_as_imprecise():
    found, _ = parse_date_line("September 2024")
    assert found.value == D(2024, 9, 1)
    assert not found.precise


@pytest.mark.parametrize(
    "line",
    [
        "The report was released on April 22, 2022 in Seoul.",
        "By 2030 the network may reach every county.",
        "April is the cruellest month",
        "Published by the East Asia Institute",
        "February 30, 2024",
        "",
    ],
)
def test_prose_and_impossible_dates_are_not_date_lines(line):
    assert parse_date_line(line) is None


@pytest.mark.parametrize(
    ("value", "expected", "precise"),
    [
        ("2012-05-09", D(2012, 5, 9), True),
        ("2012-05", D(2012, 5, 1), False),
        ("2012", D(2012, 1, 1), False),
        ("2012-05-09T22:56:31Z", D(2012, 5, 9), True),
        (D(2012, 5, 9), D(2012, 5, 9), True),
    ],
)
def test_record_dates_take_iso_forms(value, expected, precise):
    found = parse_record_date(value)
    assert (found.value, found.precise) == (expected, precise)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2012-13-01", "not a real date"),
        ("9 May 2012", "use YYYY-MM-DD"),
        ("yesterday", "use YYYY-MM-DD"),
        ("1066", "outside the years"),
    ],
)
def test_bad_record_dates_say_why(value, reason):
    with pytest.raises(ValueError, match=reason):
        parse_record_date(value)


TODAY = datetime.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("text", "expected", "year_inferred"),
    [
        (
            "SEOUL, March 3 (Yonhap) -- North Korea fired",
            datetime.date(2026, 3, 3),
            True,
        ),
        (
            "PYONGYANG, Aug. 8, 2023 (KCNA) -- The leader",
            datetime.date(2023, 8, 8),
            False,
        ),
        # A day still to come this year is last year's.
        ("SEOUL, Dec. 25 (Yonhap) -- Christmas", datetime.date(2025, 12, 25), True),
        # The year the text talks about names the dateline's year.
        (
            "SEOUL, May 9 (Yonhap) -- A survey released in 2012 found radios",
            datetime.date(2012, 5, 9),
            True,
        ),
        ("WASHINGTON, May 9 -- The State Department", datetime.date(2026, 5, 9), True),
        ("March 3, 2021 — Listeners say", datetime.date(2021, 3, 3), False),
    ],
)
def test_a_date_printed_at_the_start_of_the_text_dates_it(
    text, expected, year_inferred
):
    found = printed_date(text, TODAY)
    assert found.found.value == expected
    assert found.year_inferred is year_inferred


@pytest.mark.parametrize(
    "text",
    [
        "The meeting on March 3 was postponed.",
        "Kim said, May 5 was a holiday.",
        "Listeners say jamming has eased. Published March 3, 2021.",
    ],
)
def test_dates_inside_prose_do_not_date_the_article(text):
    assert printed_date(text, TODAY) is None
