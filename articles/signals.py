"""Derived fields kept current whatever saves an article or a row (fixtures save raw, past save()),
and the search index set up after every migrate."""

from django.db.models.signals import post_delete, post_migrate, post_save, pre_migrate, pre_save
from django.dispatch import receiver

from . import citations, derivation, fields, search
from .models import FAQ, ROWS, Article, Contributor, Reference, Topic


def text_without_controls(sender, instance, **kwargs):
    fields.strip_controls(instance)


# Connected first, so what is derived on save (HTML, search text) is derived from the cleaned text.
for model in (Article, Topic, Contributor, *(model for _, model in ROWS)):
    pre_save.connect(text_without_controls, sender=model, dispatch_uid=f"text_without_controls_{model.__name__}")


@receiver(pre_save, sender=Article)
def article_loaded(sender, instance, raw=False, **kwargs):
    """A fixture or a restored revision: derive, count the edit, keep an old address working."""
    if not raw:
        return
    stored = instance.stored_state()
    # It carries an old edit count; counting on from the stored one keeps every form opened before it stale.
    instance.edit_count = (stored["edit_count"] if stored else 0) + 1
    # Deferred, it is derived from what is stored once its rows are in (a revision's save may yet be
    # rolled back); a new fixture article has no id to defer under yet.
    if instance.pk is None or not derivation.defer(instance.pk, whole=True):
        instance.refresh_derived()
    if stored is not None:  # restoring a revision may take the article back to an older slug
        instance.keep_old_address(stored)


@receiver(pre_save, sender=FAQ)
def render_answer(sender, instance, **kwargs):
    instance.refresh_derived()


@receiver(pre_save, sender=Reference)
def key_for_reference(sender, instance, **kwargs):
    """A reference saved without a key (a new row left blank, a revision from before keys) gets one."""
    if instance.key:
        return
    taken = set(
        Reference.objects.filter(article_id=instance.article_id).exclude(pk=instance.pk).values_list("key", flat=True)
    )
    instance.key = citations.suggest_key(instance.authors, instance.year, instance.title, taken, instance.publisher)


def row_changed(sender, instance, raw=False, origin=None, **kwargs):
    if isinstance(origin, Article):  # deleted with its article
        return
    if not derivation.defer(instance.article_id):
        derivation.rows_changed(instance.article_id, touch=not raw, citing=sender in (FAQ, Reference))


for _, model in ROWS:
    post_save.connect(row_changed, sender=model, dispatch_uid=f"row_saved_{model.__name__}")
    post_delete.connect(row_changed, sender=model, dispatch_uid=f"row_deleted_{model.__name__}")


def before_migrate(sender, using, **kwargs):
    search.drop_search_objects(using)


def after_migrate(sender, using, **kwargs):
    search.install_search_objects(using)


def connect_migrate_signals(app_config):
    pre_migrate.connect(before_migrate, sender=app_config, dispatch_uid="articles_before_migrate")
    post_migrate.connect(after_migrate, sender=app_config, dispatch_uid="articles_after_migrate")
