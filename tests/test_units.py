"""Each article's nutrient has a unit (mg, mcg or g): amounts and the daily value are in it."""

import importlib
import json
from decimal import Decimal

import pytest
from django.apps import apps
from reversion.models import Version

from articles.models import Article, FoodSource

from .conftest import SEED_SLUG
from .helpers import (
    ADD_URL,
    NEW_ROWS,
    article_fields,
    change_url,
    draft_of,
    errors_of,
    field_errors,
    inline_data,
    page_at,
    save_change_page,
    soup,
)
from .test_import_export import export, import_file, join, split

pytestmark = pytest.mark.django_db

FOOD = {"category": "Fish", "source": "NIH ODS"}
VITAMIN_D_FOODS = [
    {"order": "1", "name": "Egg yolk", "serving": "1 large", "amount": "0.02", **FOOD},
    {"order": "2", "name": "Cod liver oil", "serving": "1 tbsp", "amount": "1234.567", **FOOD},
    {"order": "3", "name": "Trout", "serving": "3 oz", "amount": "5.1", **FOOD},
]


def add_vitamin_d(client, foods=VITAMIN_D_FOODS, **fields):
    fields = {
        "title": "Vitamin D in food",
        "slug": "vitamin-d-in-food",
        "nutrient_name": "Vitamin D",
        "nutrient_unit": "mcg",
        "daily_value": "20",
        **fields,
    }
    return client.post(ADD_URL, {**article_fields(**fields), **inline_data({**NEW_ROWS, "food_sources": foods})})


def test_a_microgram_article_keeps_hundredths_and_thousands(editor_client):
    response = add_vitamin_d(editor_client)
    assert response.status_code == 302, errors_of(response)
    article = Article.objects.get(slug="vitamin-d-in-food")
    assert (article.nutrient_unit, article.daily_value) == ("mcg", Decimal("20"))
    amounts = {food.name: food.amount for food in article.food_sources.all()}
    assert amounts == {"Egg yolk": Decimal("0.02"), "Cod liver oil": Decimal("1234.567"), "Trout": Decimal("5.1")}
    percents = {food.name: food.percent_daily_value for food in article.food_sources.all()}
    assert percents == {"Egg yolk": 0, "Cod liver oil": 6173, "Trout": 26}  # 25.5 rounds half up


def test_the_page_and_chart_say_mcg_without_needless_zeros(editor_client):
    add_vitamin_d(editor_client)
    page = page_at(editor_client, "/articles/vitamin-d-in-food/")  # staff see drafts
    table = page.select_one("#food-sources")
    assert "(20 mcg for adults)" in table.figcaption.get_text(" ", strip=True)
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    assert "Vitamin D (mcg)" in headers and "% Daily Value" in headers
    cells = [td.get_text(strip=True) for td in table.select("tbody td.num")]
    assert cells == ["0.02", "0%", "1,234.567", "6173%", "5.1", "26%"]
    chart = table.select_one("svg.chart")
    assert (
        chart.title.get_text()
        == "Vitamin D per serving in common foods, in micrograms, with percent of the Daily Value"
    )
    assert "Egg yolk, 1 large: 0.02 mcg (0% of the Daily Value)." in chart.desc.get_text()
    values = [text.get_text() for text in chart.select("text.chart__value")]
    assert values == ["1,234.567 mcg · 6173% DV", "5.1 mcg · 26% DV", "0.02 mcg · 0% DV"]
    inside = chart.select("text.chart__value--inside")  # a long bar has room for its value inside its end
    assert [text.get_text() for text in inside] == ["1,234.567 mcg · 6173% DV"] and inside[0]["text-anchor"] == "end"
    assert chart.select("text.chart__axis-title")[-1].get_text() == "Vitamin D per serving (mcg)"
    ticks = [text.get_text() for text in chart.select("text.chart__tick")]
    assert ticks == ["0", "250", "500", "750", "1,000", "1,250"]
    assert " mg" not in chart.get_text(" ")


def test_a_chart_of_hundredths_has_ticks_in_hundredths(editor_client):
    foods = [
        {"order": "1", "name": "Egg yolk", "serving": "1 large", "amount": "0.02", **FOOD},
        {"order": "2", "name": "Milk", "serving": "1 cup", "amount": "0.013", **FOOD},
    ]
    add_vitamin_d(editor_client, foods, daily_value="")
    chart = page_at(editor_client, "/articles/vitamin-d-in-food/").select_one("svg.chart")
    assert [text.get_text() for text in chart.select("text.chart__tick")] == ["0", "0.005", "0.01", "0.015", "0.02"]
    assert [text.get_text() for text in chart.select("text.chart__value")] == ["0.02 mcg", "0.013 mcg"]
    widths = [float(rect["width"].rstrip("%")) for rect in chart.select("rect.chart__bar")]
    assert widths[0] == pytest.approx(72) and widths[1] == pytest.approx(72 * 0.65)


def test_grams_are_written_g(editor_client):
    foods = [{"order": "1", "name": "Oats", "serving": "1 cup", "amount": "1.5", **FOOD}]
    add_vitamin_d(editor_client, foods, nutrient_name="Fiber", nutrient_unit="g", daily_value="28")
    table = page_at(editor_client, "/articles/vitamin-d-in-food/").select_one("#food-sources")
    assert "(28 g for adults)" in table.get_text(" ", strip=True)
    assert [td.get_text(strip=True) for td in table.select("tbody td.num")] == ["1.5", "5%"]
    assert table.select_one("text.chart__value").get_text() == "1.5 g · 5% DV"


@pytest.mark.parametrize("amount", ["0", "-1", "-0.001"])
def test_an_amount_of_zero_or_less_is_refused(editor_client, amount):
    foods = [{**VITAMIN_D_FOODS[0], "amount": amount}]
    response = add_vitamin_d(editor_client, foods)
    assert response.status_code == 200
    assert "Enter an amount greater than 0." in errors_of(response)
    assert not Article.objects.exists() and not FoodSource.objects.exists()


@pytest.mark.parametrize("value", ["0", "-20"])
def test_a_daily_value_of_zero_or_less_is_refused(editor_client, value):
    response = add_vitamin_d(editor_client, daily_value=value)
    assert field_errors(response, "daily_value") == ["Enter an amount greater than 0."]
    assert not Article.objects.exists()


def test_a_fourth_decimal_is_refused(editor_client):
    response = add_vitamin_d(editor_client, foods=[{**VITAMIN_D_FOODS[0], "amount": "0.0005"}])
    assert "Ensure that there are no more than 3 decimal places." in errors_of(response)
    assert not Article.objects.exists()


def test_the_seed_article_is_still_in_milligrams(seed_article, client):
    assert seed_article.nutrient_unit == "mg"
    table = page_at(client, f"/articles/{SEED_SLUG}/").select_one("#food-sources")
    assert "(420 mg for adults)" in table.figcaption.get_text(" ", strip=True)
    assert "Magnesium (mg)" in [th.get_text(strip=True) for th in table.select("thead th")]
    assert table.select("tbody td.num")[0].get_text(strip=True) == "156"
    assert table.select_one("text.chart__value").get_text() == "156 mg · 37% DV"
    assert table.select("svg text.chart__axis-title")[-1].get_text() == "Magnesium per serving (mg)"


def test_the_change_page_names_the_unit(editor_client, seed_article):
    page = soup(editor_client.get(change_url(seed_article)))
    unit = page.select_one("select#id_nutrient_unit")
    assert [option.get_text() for option in unit.select("option")] == [
        "mg (milligrams)",
        "mcg (micrograms)",
        "g (grams)",
    ]
    assert unit.select_one("option[selected]")["value"] == "mg"
    headers = [th.get_text(" ", strip=True) for th in page.select("#food_sources-group thead th")]
    assert "Amount (in the article's unit)" in headers
    assert page.select_one("#id_food_sources-0-amount")["value"] == "156.000"


def test_changing_the_unit_keeps_the_numbers(editor_client, seed_article):
    response = save_change_page(editor_client, seed_article, nutrient_unit="g")
    assert response.status_code == 302, errors_of(response)
    draft = draft_of(seed_article).article  # a published article: the save is its draft
    assert draft.nutrient_unit == "g" and draft.daily_value == Decimal("420")


def test_an_unknown_unit_is_refused(editor_client):
    response = add_vitamin_d(editor_client, nutrient_unit="µg")
    assert field_errors(response, "nutrient_unit") == ["Select a valid choice. µg is not one of the available choices."]


def test_export_and_import_carry_the_unit(editor_client, tmp_path):
    add_vitamin_d(editor_client)
    data, body = split(export("vitamin-d-in-food"))
    assert (data["nutrient_unit"], data["daily_value"]) == ("mcg", 20.0)
    assert [food["amount"] for food in data["food_sources"]] == [0.02, 1234.567, 5.1]
    Article.objects.all().delete()
    path = tmp_path / "vitamin-d.md"
    path.write_text(join(data, body))
    import_file(path)
    article = Article.objects.get(slug="vitamin-d-in-food")
    assert (article.nutrient_unit, article.daily_value) == ("mcg", Decimal("20"))
    assert [food.amount for food in article.food_sources.all()] == [
        Decimal("0.02"),
        Decimal("1234.567"),
        Decimal("5.1"),
    ]


def former_file(seed_article):
    """The seed article as files were written before units: daily_value_mg and amount_mg, no unit."""
    data, body = split(export())
    del data["nutrient_unit"]
    data = {("daily_value_mg" if key == "daily_value" else key): value for key, value in data.items()}
    data["food_sources"] = [
        {("amount_mg" if key == "amount" else key): value for key, value in food.items()}
        for food in data["food_sources"]
    ]
    return data, body


def test_a_file_from_before_units_is_read_in_milligrams(seed_article, editor_client, tmp_path):
    data, body = former_file(seed_article)
    seed_article.nutrient_unit = "mcg"
    seed_article.save()
    path = tmp_path / "old.md"
    path.write_text(join(data, body))
    import_file(path)
    article = Article.objects.get(pk=seed_article.pk)  # a published article: its draft holds the import
    page = page_at(editor_client, change_url(article))
    assert page.select_one("select#id_nutrient_unit option[selected]")["value"] == "mg"
    assert page.select_one("#id_daily_value")["value"] == "420.000"
    assert page.select_one("#id_food_sources-0-amount")["value"] == "156.000"


def test_a_file_from_before_units_with_another_unit_is_refused(seed_article, tmp_path):
    data, body = former_file(seed_article)
    data["nutrient_unit"] = "mcg"
    path = tmp_path / "old.md"
    path.write_text(join(data, body))
    with pytest.raises(Exception, match="daily_value_mg: gives milligrams, but nutrient_unit is 'mcg'"):
        import_file(path)


def test_a_file_giving_both_names_is_refused(seed_article, tmp_path):
    data, body = split(export())
    data["daily_value_mg"] = 420
    path = tmp_path / "both.md"
    path.write_text(join(data, body))
    with pytest.raises(Exception, match="daily_value_mg: is the former name of daily_value: give only daily_value"):
        import_file(path)


def test_revisions_saved_before_units_are_read_in_milligrams(editor_client, seed_article):
    """The editorial migration rewrites stored revisions (and so drafts) to the new names."""
    save_change_page(editor_client, seed_article, title="Magnesium and bones")  # a draft: one revision
    versions = Version.objects.filter(
        content_type__app_label="articles", content_type__model__in=["article", "foodsource"]
    )
    for version in versions:
        objects = json.loads(version.serialized_data)
        fields = objects[0]["fields"]
        for old, new in (("daily_value_mg", "daily_value"), ("amount_mg", "amount")):
            if new in fields:
                fields[old] = fields.pop(new)
        for name in ("nutrient_unit", "efficacy_label"):
            fields.pop(name, None)
        version.serialized_data = json.dumps(objects)
        version.save()
    migration = importlib.import_module("editorial.migrations.0002_nutrient_units")
    migration.forwards(apps, None)
    snapshot = draft_of(seed_article)
    assert snapshot.article.title == "Magnesium and bones"
    assert (snapshot.article.nutrient_unit, snapshot.article.daily_value) == ("mg", Decimal("420"))
    assert snapshot.article.efficacy_label == "Bone Health Efficacy"
    assert [food.amount for food in snapshot.rows["food_sources"]][:2] == [Decimal("156"), Decimal("111")]
