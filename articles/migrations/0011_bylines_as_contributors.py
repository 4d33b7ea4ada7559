import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_contributors_from_bylines"),
    ]

    operations = [
        migrations.RemoveField(model_name="article", name="author"),
        migrations.RemoveField(model_name="article", name="medical_reviewer"),
        migrations.RenameField(model_name="article", old_name="writer", new_name="author"),
        migrations.RenameField(model_name="article", old_name="reviewer", new_name="medical_reviewer"),
        migrations.AlterField(
            model_name="article",
            name="author",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="articles_written",
                to="articles.contributor",
                verbose_name="written by",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="medical_reviewer",
            field=models.ForeignKey(
                blank=True,
                help_text="Required to publish.",
                limit_choices_to={"role": "medical_reviewer"},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="articles_reviewed",
                to="articles.contributor",
            ),
        ),
    ]
