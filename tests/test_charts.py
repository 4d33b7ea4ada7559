"""The food sources bar chart: inline SVG drawn on the server, readable without sight or script."""

from decimal import Decimal

import pytest

from articles.charts import PLOT_WIDTH, nice_step

from .conftest import SEED_SLUG
from .factories import ArticleFactory, FoodSourceFactory
from .helpers import soup

pytestmark = pytest.mark.django_db


def chart_of(client, url):
    page = soup(client.get(url))
    return page.select_one("#food-sources svg.chart")


@pytest.mark.parametrize("largest, step", [(156, 50), (9, 2), (1, Decimal("0.2")), (420, 100), (1000, 200), (0, 1)])
def test_ticks_fall_on_round_numbers(largest, step):
    assert nice_step(largest) == step


def test_the_seed_articles_chart_is_sorted_labelled_and_described(client, seed_article):
    svg = chart_of(client, f"/articles/{SEED_SLUG}/")
    assert svg["role"] == "img"
    assert svg["aria-labelledby"] == "food-chart-title food-chart-desc"
    assert (
        svg.title.get_text() == "Magnesium per serving in common foods, in milligrams, with percent of the Daily Value"
    )
    desc = svg.desc.get_text()
    assert desc.startswith("Bar chart, largest first. Pumpkin seeds, roasted, 1 oz: 156 mg (37% of the Daily Value).")
    names = [t.get_text() for t in svg.select(".chart__name")]
    assert names[0] == "Pumpkin seeds, roasted" and len(names) == seed_article.food_sources.count()
    widths = [float(rect["width"].rstrip("%")) for rect in svg.select("rect.chart__bar")]
    assert widths == sorted(widths, reverse=True)
    ticks = [t.get_text() for t in svg.select(".chart__tick")]
    assert ticks == ["0", "50", "100", "150", "200"]
    assert widths[0] == pytest.approx(156 / 200 * PLOT_WIDTH, abs=0.01)
    assert [t.get_text() for t in svg.select(".chart__axis-title")] == [
        "Food and serving",
        "Magnesium per serving (mg)",
    ]
    assert svg.select(".chart__value")[0].get_text() == "156 mg · 37% DV"
    # The data stays available as a table under the chart.
    assert svg.find_next_sibling("div", class_="table-scroll").table


def test_without_a_daily_value_the_chart_shows_milligrams_only(client):
    article = ArticleFactory(daily_value=None, nutrient_name="Zinc")
    FoodSourceFactory(article=article, order=1, name="Oysters", amount=Decimal("32"))
    FoodSourceFactory(article=article, order=2, name="Beef", amount=Decimal("5.3"))
    svg = chart_of(client, article.get_absolute_url())
    assert [t.get_text() for t in svg.select(".chart__value")] == ["32 mg", "5.3 mg"]
    assert "Daily Value" not in svg.title.get_text() + svg.desc.get_text()


def test_no_foods_no_chart(client):
    article = ArticleFactory()
    page = soup(client.get(article.get_absolute_url()))
    assert page.select_one("svg.chart") is None
