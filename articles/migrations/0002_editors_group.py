from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["article", "keypoint", "supplementform", "foodsource", "faq", "reference"]
ACTIONS = ["add", "change", "view"]


def create_editors(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    codenames = [f"{action}_{model}" for model in MODELS for action in ACTIONS]
    editors.permissions.set(Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
