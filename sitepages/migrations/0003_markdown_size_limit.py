# The size limit of Markdown fields, named in their help text (the validator comes with the field).

from django.db import migrations

import articles.fields


class Migration(migrations.Migration):
    dependencies = [
        ("sitepages", "0002_line_breaks"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sitepage",
            name="body",
            field=articles.fields.MarkdownField(
                help_text="Markdown. Start each section with a ## heading (### for a subsection); link to sources with [text](https://…). The page's title is its only top-level heading. At most 50,000 characters."
            ),
        ),
    ]
