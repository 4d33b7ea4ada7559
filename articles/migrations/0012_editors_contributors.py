from django.contrib.auth.management import create_permissions
from django.db import migrations


def editors_edit_contributors(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=["add_contributor", "change_contributor", "view_contributor"],
        )
    )


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_bylines_as_contributors")]

    operations = [
        migrations.RunPython(editors_edit_contributors, migrations.RunPython.noop),
    ]
