# The size limit of Markdown fields, named in their help text (the validator comes with the field).

from django.db import migrations

import articles.fields


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_photo_names_and_line_breaks"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="body",
            field=articles.fields.MarkdownField(
                help_text="Markdown. Start each section with a ## heading (### for a subsection); the table of contents is built from the ## headings. Cite a reference by its order number: [^2], or several at once: [^2,4], placed after the sentence's full stop. Put [[food-sources]] or [[supplement-forms]] on a line of its own to place that table; without a marker it follows the body. At most 50,000 characters."
            ),
        ),
        migrations.AlterField(
            model_name="faq",
            name="answer",
            field=articles.fields.MarkdownField(
                help_text="Markdown. Cite a reference by its order number, e.g. [^2]. At most 50,000 characters."
            ),
        ),
    ]
