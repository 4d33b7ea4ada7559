from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate, pre_migrate


class PageCacheConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pagecache"
    verbose_name = "page cache"

    def ready(self):
        from . import content_version
        from .checks import check_middleware_order

        checks.register(check_middleware_order, checks.Tags.caches)
        pre_migrate.connect(content_version.before_migrate, sender=self, dispatch_uid="pagecache_before_migrate")
        post_migrate.connect(content_version.after_migrate, sender=self, dispatch_uid="pagecache_after_migrate")
