import itertools

from django.http import QueryDict
from django.template import Context, Template

from archive.listing.types import YearCount
from archive.templatetags.archive_tags import build_chart

YEARS = [YearCount(2010 + i, n) for i, n in enumerate([4, 0, 1, 8, 2])]


def test_bars_are_scaled_to_the_busiest_year():
    chart = build_chart(YEARS)
    heights = {bar.year: bar.height for bar in chart.bars}
    assert heights[2013] == 100
    assert heights[2010] == 50
    assert heights[2011] == 0
    assert all(bar.y + bar.height == 100 for bar in chart.bars)
    assert chart.total == 15 and chart.first_year == 2010 and chart.last_year == 2014


def test_a_tiny_year_still_shows():
    chart = build_chart([YearCount(2000, 1), YearCount(2001, 5000)])
    assert chart.bars[0].height == 1


def test_bars_toggle_their_year_and_show_the_chosen_one():
    chart = build_chart(YEARS, QueryDict("tag=radio&year=2012&page=2"), "/a/")
    bar_2012 = next(bar for bar in chart.bars if bar.year == 2012)
    bar_2013 = next(bar for bar in chart.bars if bar.year == 2013)
    assert bar_2012.selected and bar_2012.url == "/a/?tag=radio"
    assert not bar_2013.selected
    assert bar_2013.url == "/a/?tag=radio&year=2012&year=2013"


def test_labels_never_crowd_and_always_name_the_newest_year():
    many = [YearCount(1980 + i, 1) for i in range(45)]
    chart = build_chart(many, width=300)
    xs = [label.x for label in chart.labels]
    assert chart.labels[-1].year == 2024
    assert chart.upright
    assert min(b - a for a, b in itertools.pairwise(xs)) >= 12
    assert all(bar.x + bar.width <= chart.width for bar in chart.bars)


def test_a_sidebar_chart_names_every_year_and_has_a_scale():
    years = [YearCount(2010 + i, n) for i, n in enumerate([3, 9, 0, 12, 1] * 3)]
    chart = build_chart(years, width=300)
    assert [label.year for label in chart.labels] == list(range(2010, 2025))
    assert [(tick.value, tick.y) for tick in chart.ticks] == [(12, 0), (6, 50)]
    assert all(bar.x >= chart.gutter for bar in chart.bars)


def test_no_years_draws_nothing():
    assert build_chart([]) is None
    html = Template("{% load archive_tags %}{% year_histogram h %}").render(
        Context({"h": ()})
    )
    assert html.strip() == ""


def test_the_chart_renders_as_svg_without_inline_styles():
    html = Template(
        "{% load archive_tags %}{% year_histogram h q '/a/' 'Per year' %}"
    ).render(Context({"h": YEARS, "q": QueryDict("")}))
    assert "<svg" in html and "style=" not in html
    assert 'aria-label="2013: 8 articles"' in html
    assert 'href="/a/?year=2013"' in html
    assert "2011: no articles" in html  # empty years are drawn, not linked
