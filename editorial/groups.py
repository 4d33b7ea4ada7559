"""The Editors group: staff who write and edit articles, and nothing else.

Its permissions come from this one list, granted after every migrate, so a new
content model is one line here. Editors may add, change and view (the site pages:
change and view only); no deleting, no users, no groups.
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
    "sitepages.sitepage",
]
ACTIONS = ["add", "change", "view"]
# Models whose rows exist once each, made with the site: editors change them but never add one.
ACTIONS_FOR = {"sitepages.sitepage": ["change", "view"]}


def grant_editors(sender, using, **kwargs):
    """Create the Editors group if missing and give it every permission listed here."""
    wanted = Q(pk__in=[])
    for label in EDITED_MODELS:
        app_label, model = label.split(".")
        codenames = [f"{action}_{model}" for action in ACTIONS_FOR.get(label, ACTIONS)]
        wanted |= Q(content_type__app_label=app_label, content_type__model=model, codename__in=codenames)
    editors, _ = Group.objects.using(using).get_or_create(name=EDITORS)
    editors.permissions.add(*Permission.objects.using(using).filter(wanted))
