"""The Editors group: staff who write and edit articles, and nothing else.

Its permissions come from this one list, granted after every migrate, so a new
content model is one line here. Editors may add, change and view; no deleting,
no users, no groups.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

EDITORS = "Editors"
EDITED_MODELS = [
    "articles.article",
    "articles.keypoint",
    "articles.supplementform",
    "articles.foodsource",
    "articles.faq",
    "articles.reference",
    "articles.topic",
    "articles.contributor",
]
ACTIONS = ["add", "change", "view"]


def grant_editors(sender, using, **kwargs):
    """Create the Editors group if missing and give it every permission listed here."""
    wanted = Q(pk__in=[])
    for label in EDITED_MODELS:
        app_label, model = label.split(".")
        codenames = [f"{action}_{model}" for action in ACTIONS]
        wanted |= Q(content_type__app_label=app_label, content_type__model=model, codename__in=codenames)
    editors, _ = Group.objects.using(using).get_or_create(name=EDITORS)
    editors.permissions.add(*Permission.objects.using(using).filter(wanted))
