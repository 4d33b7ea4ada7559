# Each article's nutrient has a unit (mg, mcg or g): the daily value and the food amounts are in it,
# with three decimals, and must be above 0. The supplement table's efficacy column is named per article;
# the articles there were keep the heading they had.

from django.db import migrations, models

import articles.models

FORMER_EFFICACY_LABEL = "Bone Health Efficacy"


def refuse_amounts_not_positive(apps, schema_editor):
    """A food amount of 0 or less cannot be kept (amounts must now be above 0): say which, change nothing."""
    FoodSource = apps.get_model("articles", "FoodSource")
    found = FoodSource.objects.filter(amount_mg__lte=0).select_related("article")
    if found.exists():
        rows = "; ".join(f"{food.article.slug}: {food.name} (row {food.order})" for food in found[:20])
        raise RuntimeError(
            f"Food amounts must be above 0; give these an amount or delete them, then migrate again: {rows}."
        )


def keep_efficacy_heading(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Article.objects.update(efficacy_label=FORMER_EFFICACY_LABEL)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_hero_image"),
    ]

    operations = [
        migrations.RunPython(refuse_amounts_not_positive, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="article", name="article_daily_value_positive"),
        migrations.RemoveConstraint(model_name="foodsource", name="foodsource_amount_not_negative"),
        migrations.RenameField(model_name="article", old_name="daily_value_mg", new_name="daily_value"),
        migrations.RenameField(model_name="foodsource", old_name="amount_mg", new_name="amount"),
        migrations.AddField(
            model_name="article",
            name="nutrient_unit",
            field=models.CharField(
                choices=[("mg", "mg (milligrams)"), ("mcg", "mcg (micrograms)"), ("g", "g (grams)")],
                default="mg",
                help_text="The unit of the daily value and of every food's amount (vitamin D, B12, folate: mcg).",
                max_length=3,
                verbose_name="unit",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="daily_value",
            field=models.DecimalField(
                blank=True,
                decimal_places=3,
                help_text="The adult Daily Value, in the unit above; each food's percentage is computed from it.",
                max_digits=10,
                null=True,
                validators=[articles.models.validate_positive],
            ),
        ),
        migrations.AlterField(
            model_name="foodsource",
            name="amount",
            field=models.DecimalField(
                decimal_places=3,
                help_text="Per serving, in the unit chosen under Food amounts (mg, mcg or g), e.g. 156 or 0.02.",
                max_digits=10,
                validators=[articles.models.validate_positive],
                verbose_name="amount (in the article's unit)",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="efficacy_label",
            field=models.CharField(
                blank=True,
                help_text="The heading of the supplement forms table's efficacy column, e.g. “Efficacy for bone health”. Blank shows “Efficacy”.",
                max_length=60,
            ),
        ),
        migrations.AlterField(
            model_name="supplementform",
            name="efficacy",
            field=models.CharField(help_text="Shown under the article's efficacy heading.", max_length=250),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(("daily_value__isnull", True), ("daily_value__gt", 0), _connector="OR"),
                name="article_daily_value_positive",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(("nutrient_unit__in", ["mg", "mcg", "g"])), name="article_unit_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="foodsource",
            constraint=models.CheckConstraint(condition=models.Q(("amount__gt", 0)), name="foodsource_amount_positive"),
        ),
        # Last: on PostgreSQL no table is altered after its rows are updated in the same transaction.
        migrations.RunPython(keep_efficacy_heading, migrations.RunPython.noop),
    ]
