# Citation keys: each reference gets a key ([^castiglioni2013] cites it) and its volume, issue and
# pages in fields of their own; numeric markers ([^2]) in bodies and FAQ answers become keys, once,
# and the stored HTML is rendered again with the references numbered by first citation.

import re

import django.core.validators
from django.db import migrations, models

import articles.fields
from articles import citations, rendering


def keys_and_sources(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Reference = apps.get_model("articles", "Reference")
    FAQ = apps.get_model("articles", "FAQ")
    for article in Article.objects.all().only("pk", "body").iterator():
        keys_by_order, taken = {}, set()
        for reference in Reference.objects.filter(article_id=article.pk).order_by("order"):
            source = citations.split_source(reference.publisher)
            if source is not None:
                reference.publisher = source["journal"]
                reference.volume, reference.issue, reference.pages = source["volume"], source["issue"], source["pages"]
            reference.key = citations.suggest_key(
                reference.authors, reference.year, reference.title, taken, reference.publisher
            )
            taken.add(reference.key)
            keys_by_order[reference.order] = reference.key
            reference.save(update_fields=["key", "publisher", "volume", "issue", "pages"])
        body = citations.numbered_to_keys(article.body, keys_by_order)
        faqs = list(FAQ.objects.filter(article_id=article.pk).order_by("order"))
        for faq in faqs:
            faq.answer = citations.numbered_to_keys(faq.answer, keys_by_order)
        # The HTML cites by the new numbers (by first citation), as any save of the article would.
        rendered, answers_html, cited = rendering.render_cited(
            body, [faq.answer for faq in faqs], keys_by_order.values()
        )
        Article.objects.filter(pk=article.pk).update(body=body, body_html=rendered.html, citations=cited)
        for faq, answer_html in zip(faqs, answers_html, strict=True):
            FAQ.objects.filter(pk=faq.pk).update(answer=faq.answer, answer_html=answer_html)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_markdown_size_limit"),
    ]

    operations = [
        migrations.AddField(
            model_name="reference",
            name="key",
            field=models.CharField(
                blank=True,
                help_text="How the text cites this reference: [^key], e.g. [^castiglioni2013]. Lowercase letters, digits and hyphens, starting with a letter, at most 40 characters, unique in the article. Left blank, one is made from the first author and the year.",
                max_length=40,
                validators=[
                    django.core.validators.RegexValidator(
                        re.compile("^[a-z][a-z0-9-]*$"),
                        "A key is lowercase letters, digits and hyphens, starting with a letter, e.g. castiglioni2013.",
                    )
                ],
            ),
        ),
        migrations.AddField(
            model_name="reference",
            name="issue",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name="reference",
            name="pages",
            field=models.CharField(
                blank=True, help_text="e.g. 3022-3033, or an article number such as e1234.", max_length=30
            ),
        ),
        migrations.AddField(
            model_name="reference",
            name="volume",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AlterField(
            model_name="reference",
            name="authors",
            field=models.CharField(
                blank=True,
                help_text="Family name and initials, e.g. Castiglioni S, Cazzaniga A, Maier JAM.",
                max_length=300,
            ),
        ),
        migrations.AlterField(
            model_name="reference",
            name="publisher",
            field=models.CharField(
                blank=True,
                help_text="The journal as abbreviated, e.g. Nutrients or Am J Clin Nutr; for a web page, its publisher.",
                max_length=200,
                verbose_name="journal or publisher",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="body",
            field=articles.fields.MarkdownField(
                help_text="Markdown. Start each section with a ## heading (### for a subsection); the table of contents is built from the ## headings. Cite a reference by its key: [^castiglioni2013], or several at once: [^castiglioni2013,nih], placed after the sentence's full stop; references are numbered in the order they are first cited. Put [[food-sources]] or [[supplement-forms]] on a line of its own to place that table; without a marker it follows the body. At most 50,000 characters."
            ),
        ),
        migrations.AlterField(
            model_name="faq",
            name="answer",
            field=articles.fields.MarkdownField(
                help_text="Markdown. Cite a reference by its key, e.g. [^castiglioni2013]. At most 50,000 characters."
            ),
        ),
        migrations.RunPython(keys_and_sources, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="reference",
            constraint=models.UniqueConstraint(
                condition=models.Q(("key", ""), _negated=True),
                fields=("article", "key"),
                name="reference_unique_key",
                violation_error_message="Each reference of an article needs its own key.",
            ),
        ),
    ]
