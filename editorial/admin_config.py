"""Django's admin app, serving editorial.sites.CitewellAdminSite as `admin.site`.

In a module of its own: Django imports it while loading the apps, before any model exists.
"""

from django.contrib.admin.apps import AdminConfig


class CitewellAdminConfig(AdminConfig):
    default_site = "editorial.sites.CitewellAdminSite"
