"""The staff groups: Editors, who write and edit articles, and Medical reviewers, who sign them off.

Their permissions come from this one list, granted after every migrate, so a new
content model is one line here. Editors may add, change and view (the site pages,
which exist once each: change and view only); no deleting, no users, no groups.
Medical reviewers may view everything editors edit: they sign off or send back
from the review page (editorial.signoffs decides who may). Only an administrator
puts an account in a group or links it to a contributor.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

EDITORS = "Editors"
MEDICAL_REVIEWERS = "Medical reviewers"
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
ACTIONS = {EDITORS: ["add", "change", "view"], MEDICAL_REVIEWERS: ["view"]}
# Models whose rows exist once each, made with the site: nobody adds one.
NEVER_ADDED = {"sitepages.sitepage"}


def grant_editors(sender, using, **kwargs):
    """Create the groups if missing and give each every permission listed here."""
    for name, actions in ACTIONS.items():
        wanted = Q(pk__in=[])
        for label in EDITED_MODELS:
            app_label, model = label.split(".")
            allowed = [action for action in actions if not (action == "add" and label in NEVER_ADDED)]
            codenames = [f"{action}_{model}" for action in allowed]
            wanted |= Q(content_type__app_label=app_label, content_type__model=model, codename__in=codenames)
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(*Permission.objects.using(using).filter(wanted))
