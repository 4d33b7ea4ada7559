# The revisions (and so the drafts) saved before the nutrient had a unit say what they said then: their
# amounts, in milligrams, under the fields' new names, and the efficacy heading every article had.

import json

from django.db import migrations

RENAMED = {"article": {"daily_value_mg": "daily_value"}, "foodsource": {"amount_mg": "amount"}}
ADDED = {"article": {"nutrient_unit": "mg", "efficacy_label": "Bone Health Efficacy"}, "foodsource": {}}
BATCH = 500


def _rewrite(apps, change):
    Version = apps.get_model("reversion", "Version")
    versions = Version.objects.filter(
        content_type__app_label="articles", content_type__model__in=list(RENAMED), format="json"
    ).select_related("content_type")
    changed = []
    for version in versions.iterator(chunk_size=BATCH):
        objects = json.loads(version.serialized_data)
        for item in objects:
            change(version.content_type.model, item["fields"])
        version.serialized_data = json.dumps(objects)
        changed.append(version)
        if len(changed) == BATCH:
            Version.objects.bulk_update(changed, ["serialized_data"])
            changed = []
    Version.objects.bulk_update(changed, ["serialized_data"])


def forwards(apps, schema_editor):
    def change(model, fields):
        for old, new in RENAMED[model].items():
            if old in fields:
                fields[new] = fields.pop(old)
        for name, value in ADDED[model].items():
            fields.setdefault(name, value)

    _rewrite(apps, change)


def backwards(apps, schema_editor):
    def change(model, fields):
        for old, new in RENAMED[model].items():
            if new in fields:
                fields[old] = fields.pop(new)
        for name in ADDED[model]:
            fields.pop(name, None)

    _rewrite(apps, change)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        ("articles", "0007_nutrient_units"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
