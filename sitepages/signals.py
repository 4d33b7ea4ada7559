"""A site page's HTML derived whatever saves it: the admin, a fixture (saved raw, past save()), a restored revision."""

from django.db.models.signals import pre_save
from django.dispatch import receiver

from articles.fields import strip_controls

from .models import SitePage


@receiver(pre_save, sender=SitePage)
def render_body(sender, instance, **kwargs):
    strip_controls(instance)
    instance.refresh_derived()
