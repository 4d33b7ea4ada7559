from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EditorialConfig(AppConfig):
    default = True
    default_auto_field = "django.db.models.BigAutoField"
    name = "editorial"

    def ready(self):
        from . import groups

        # After each edited app's migrations, once auth has made that app's permissions.
        for label in sorted({model.split(".")[0] for model in groups.EDITED_MODELS}):
            post_migrate.connect(
                groups.grant_editors, sender=self.apps.get_app_config(label), dispatch_uid=f"editorial_editors_{label}"
            )
