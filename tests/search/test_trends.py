import csv
import datetime
import io

import pytest
from lxml import html

from search.trend_chart import nice_ceiling
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def coverage(publish):
    """2012: 4 articles (radio 2, tv 1); 2013: none; 2014: 2 (radio 1); 2016: 2 (tv 2)."""
    daily = SourceFactory(name="Daily NK", slug="daily-nk")
    publish(title="Radio one", body="<p>radio jamming</p>", published=D(2012, 3, 1))
    publish(
        title="Radio two",
        body="<p>a radio set</p>",
        published=D(2012, 5, 9),
        source=daily,
    )
    publish(title="TV one", body="<p>television news</p>", published=D(2012, 5, 20))
    publish(title="Other", body="<p>markets</p>", published=D(2012, 7, 1))
    publish(title="Radio three", body="<p>radio three</p>", published=D(2014, 1, 1))
    publish(title="Other 2", body="<p>markets two</p>", published=D(2014, 2, 1))
    publish(title="TV two", body="<p>television two</p>", published=D(2016, 1, 1))
    publish(title="TV three", body="<p>television three</p>", published=D(2016, 6, 1))


def by_class(element, name: str) -> list:
    return element.xpath(f".//*[@class='{name}']")


def get_json(client, query: str) -> dict:
    response = client.get(f"/trends/?{query}&format=json")
    assert response.status_code == 200
    return response.json()


@pytest.mark.usefixtures("coverage")
def test_two_queries_by_year_give_counts_and_shares_of_the_archive(client):
    data = get_json(client, "q=radio&q=television")
    assert data["periods"] == ["2012", "2013", "2014", "2015", "2016"]
    assert data["archive_totals"] == [4, 0, 2, 0, 2]
    radio, tv = data["series"]
    assert radio["query"] == "radio"
    assert radio["counts"] == [2, 0, 1, 0, 0]
    assert radio["shares"] == [50.0, 0.0, 50.0, 0.0, 0.0]
    assert tv["counts"] == [1, 0, 0, 0, 2]
    assert tv["shares"] == [25.0, 0.0, 0.0, 0.0, 100.0]


@pytest.mark.usefixtures("coverage")
def test_by_month_and_with_shared_filters(client):
    data = get_json(client, "q=radio&interval=month&source=daily-nk")
    assert data["periods"] == ["2012-05"]
    assert data["series"][0]["counts"] == [1]
    data = get_json(client, "q=radio&interval=month&from=2012&to=2012")
    assert data["periods"] == ["2012-03", "2012-04", "2012-05"]
    assert data["series"][0]["counts"] == [1, 0, 1]
    assert data["archive_totals"] == [1, 0, 2]


@pytest.mark.usefixtures("coverage")
def test_fielded_terms_narrow_one_query_only(client):
    data = get_json(client, "q=radio+source:daily-nk&q=radio")
    assert [s["total"] for s in data["series"]] == [1, 3]


@pytest.mark.usefixtures("coverage")
def test_at_most_five_queries_and_bad_values_get_notices(client):
    data = get_json(client, "q=a&q=b&q=c&q=d&q=e&q=radio&interval=week")
    assert [s["query"] for s in data["series"]] == ["a", "b", "c", "d", "e"]
    assert any("Up to 5 queries" in n for n in data["notices"])
    assert any("interval=week" in n for n in data["notices"])
    assert client.get("/trends/?q=radio&format=xml").status_code == 400


@pytest.mark.usefixtures("coverage")
def test_csv_has_one_row_per_period_and_query(client):
    response = client.get("/trends/?q=radio&q=television&format=csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 10
    assert rows[0] == {
        "period": "2012",
        "query": "radio",
        "count": "2",
        "archive_total": "4",
        "share_percent": "50.0",
    }
    assert "trends-radio-television-" in response["Content-Disposition"]


@pytest.mark.usefixtures("coverage")
def test_the_page_draws_a_labelled_chart_beside_a_table(client):
    page = html.fromstring(client.get("/trends/?q=radio&q=television").content)
    (svg,) = page.xpath("//*[local-name()='svg'][@class='trend-chart']")
    assert svg.get("role") == "img"
    assert (
        "radio, television" in svg.xpath(".//*[local-name()='title']")[0].text_content()
    )
    assert len(svg.xpath(".//*[local-name()='polyline']")) == 2
    # Every year is named on the axis, and the scale has numbered ticks.
    labels = [t.text_content() for t in by_class(svg, "trend-chart__label")]
    assert labels == ["2012", "2013", "2014", "2015", "2016"]
    ticks = [t.text_content() for t in by_class(svg, "trend-chart__tick")]
    assert ticks[0] == "0" and ticks[-1] == "2"
    rows = page.xpath("//div[@class='trends__table']//tbody/tr")
    assert [r.xpath("th")[0].text_content() for r in rows][:2] == ["2012", "2013"]
    assert "2 (50.0%)" in rows[0].text_content()
    share = html.fromstring(
        client.get("/trends/?q=radio&q=television&measure=share").content
    )
    ticks = [t.text_content() for t in by_class(share, "trend-chart__tick")]
    assert ticks[-1] == "100%"


@pytest.mark.usefixtures("coverage")
def test_the_results_page_offers_to_compare_over_time(client):
    page = html.fromstring(client.get("/search/?q=radio&source=daily-nk").content)
    (link,) = page.xpath("//a[normalize-space()='Compare over time']")
    assert link.get("href") == "/trends/?q=radio&source=daily-nk"


def test_an_empty_trends_page_offers_the_form(client):
    page = html.fromstring(client.get("/trends/").content)
    assert len(page.xpath("//form[@class='trends-form']//input[@name='q']")) == 5
    assert not page.xpath("//*[local-name()='svg'][@class='trend-chart']")


@pytest.mark.parametrize(
    ("peak", "top", "step"),
    [
        (0, 1.0, 0.25),
        (2, 2, 0.5),
        (7, 8, 2),
        (37, 40, 10),
        (100, 100, 25),
        (0.3, 0.3, 0.1),
    ],
)
def test_the_scale_ends_on_a_round_number(peak, top, step):
    assert nice_ceiling(peak) == pytest.approx((top, step))
