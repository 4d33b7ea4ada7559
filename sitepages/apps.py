from django.apps import AppConfig


class SitePagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sitepages"
    verbose_name = "site pages"

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers
