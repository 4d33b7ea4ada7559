from django.contrib.auth.management import create_permissions
from django.db import migrations


def editors_edit_topics(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles", codename__in=["add_topic", "change_topic", "view_topic"]
        )
    )


def fill_search_text(apps, schema_editor):
    from articles import markdown

    Article = apps.get_model("articles", "Article")
    for article in Article.objects.all():
        rows = {name: getattr(article, name).all() for name in markdown.TEXT_ROWS}
        fields = markdown.text_fields(article, article.body_html, rows)
        Article.objects.filter(pk=article.pk).update(body_text=fields["body_text"], search_text=fields["search_text"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_topics_redirects_search_text")]

    operations = [
        migrations.RunPython(editors_edit_topics, migrations.RunPython.noop),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
