"""The site pages' first text, from the fixture, for whichever pages the database lacks."""

from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.utils import timezone

from .models import SitePage

FIXTURE = "site_pages"


def fixture_path():
    return Path(apps.get_app_config("sitepages").path) / "fixtures" / f"{FIXTURE}.json"


def load_missing():
    """Save the fixture's pages whose slug the database lacks, dated now; returns the pages saved.

    A page that exists is left as it is, so running this again never overwrites an
    editor's text (loaddata would: the fixture's natural keys find the stored page).
    """
    existing = set(SitePage.objects.values_list("slug", flat=True))
    loaded = []
    with fixture_path().open(encoding="utf-8") as stream:
        for item in serializers.deserialize("json", stream):
            page = item.object
            if page.slug in existing:
                continue
            page.updated_at = timezone.now()  # saved raw, past auto_now
            item.save()
            loaded.append(page)
    return loaded
