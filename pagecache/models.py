from django.db import models
from django.db.models import Q


class ContentVersion(models.Model):
    """The single row the database moves on whenever watched content changes.

    Triggers on every table of the watched apps (PAGE_CACHE_WATCHED_APPS) bump
    `value`, set `changed_at` and work out `next_change_at` in the same
    transaction as the change; stored pages and ETags are keyed on `value`
    (see pagecache.content_version).
    """

    value = models.BigIntegerField()
    changed_at = models.DateTimeField()
    # When content next goes public by the clock alone (PAGE_CACHE_SCHEDULE), if ever.
    next_change_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="contentversion_single_row")]

    def __str__(self):
        return f"content version {self.value}"


class DependencyVersion(models.Model):
    """The version of one dependency key: what a public page depends on ("all", "list",
    "article-12"...). Triggers set `version` to the content version's new value whenever a
    change touches the key, so stored pages know whether what they were made from has changed
    (see pagecache.triggers and pagecache.versions)."""

    key = models.CharField(max_length=100, primary_key=True)
    version = models.BigIntegerField(db_index=True)
    changed_at = models.DateTimeField()

    def __str__(self):
        return f"{self.key} at {self.version}"
