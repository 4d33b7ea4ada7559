"""Keep an article's stored derived fields current whenever it or a row changes.

Article.save() derives its own fields; fixtures save raw, past save(), so the
receivers below cover them too, and any change to a row updates its article.
"""

from django.db.models.signals import post_delete, post_migrate, post_save, pre_migrate, pre_save
from django.dispatch import receiver
from django.utils import timezone

from . import content_version, markdown, search
from .models import CHILDREN, FAQ, Article


@receiver(pre_save, sender=Article)
def render_loaded_article(sender, instance, raw=False, **kwargs):
    if raw:
        instance.refresh_derived()
        # A fixture or a restored revision carries an old save count; counting on
        # from the stored one keeps every form opened before this save stale.
        stored = instance.stored_state()
        instance.lock_version = (stored["lock_version"] if stored else 0) + 1
        if stored is not None:  # restoring a revision may take the article back to an older slug
            instance.keep_old_address(stored)


@receiver(pre_save, sender=FAQ)
def render_answer(sender, instance, **kwargs):
    instance.answer_html = markdown.render(instance.answer, anchors=False).html


def child_changed(sender, instance, raw=False, origin=None, **kwargs):
    if isinstance(origin, Article):
        return
    article = Article.objects.filter(pk=instance.article_id).first()
    if article is None:
        return
    fields = markdown.text_fields(article, article.body_html)
    if not raw:
        fields["updated_at"] = timezone.now()
    Article.objects.filter(pk=article.pk).update(**fields)


for _, model in CHILDREN:
    post_save.connect(child_changed, sender=model, dispatch_uid=f"child_saved_{model.__name__}")
    post_delete.connect(child_changed, sender=model, dispatch_uid=f"child_deleted_{model.__name__}")


def drop_database_objects(sender, using, **kwargs):
    """Before migrations: triggers out of the way, so tables can be rebuilt."""
    if sender.name == "articles":
        content_version.drop_triggers(using)
        search.drop_search_objects(using)


def install_database_objects(sender, using, **kwargs):
    """After migrations (and test flushes): the content-version triggers and the search index."""
    if sender.name == "articles":
        content_version.install_triggers(using)
        content_version.ensure_row(using)
        search.install_search_objects(using)


pre_migrate.connect(drop_database_objects, dispatch_uid="articles_drop_database_objects")
post_migrate.connect(install_database_objects, dispatch_uid="articles_install_database_objects")
