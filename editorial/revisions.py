"""An article's revisions (django-reversion): recorded, listed, and rebuilt as they were saved.

A revision of an article holds the article and every row it had. `recorded()`
wraps a change in a revision with who made it and why; `article_at()` rebuilds a
revision in memory, rows and topics included, for its preview and for compare.
"""

from contextlib import contextmanager
from dataclasses import dataclass

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import transaction
from reversion.models import Version

from articles import citations
from articles.models import DERIVED_FIELDS, FAQ, ROWS, Article, Contributor, Topic
from articles.rendering import CITING_ROWS, TEXT_ROWS

ROW_NAMES = {model: name for name, model in ROWS}

# An article's revision follows its rows, so restoring one brings back the key points, forms,
# foods, FAQs and references it had. What is derived from the Markdown is worked out again.
reversion.register(Contributor)
reversion.register(Topic)
for _, row_model in ROWS:
    reversion.register(row_model, exclude=["answer_html"] if row_model is FAQ else ())
reversion.register(Article, follow=list(ROW_NAMES.values()), exclude=[*DERIVED_FIELDS, "edit_count"])


def versions_of(article_pk):
    """The article's revisions, newest first, with who saved them."""
    return (
        Version.objects.get_for_object_reference(Article, article_pk)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def ensure_baseline(article_pk, comment="As it stood before revisions were recorded."):
    """Record the article as it stands if it has no revision yet (loaded by a fixture, or saved
    outside the admin), so its first edit can be compared with, and undone to, what came before."""
    if versions_of(article_pk).exists():
        return
    article = Article.objects.filter(pk=article_pk).first()
    if article is not None:
        with reversion.create_revision(manage_manually=True):
            reversion.set_comment(comment)
            reversion.add_to_revision(article)


@contextmanager
def recorded(article, user, comment):
    """Save what the block changes as one revision of the article, by `user`, with `comment`."""
    with transaction.atomic():
        ensure_baseline(article.pk)
        with reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(comment)
            yield


def add(article):
    """Add the article, with its rows, to the revision being recorded."""
    reversion.add_to_revision(article)


def version_in(revision, article_pk):
    """The article's own version within a revision."""
    return revision.version_set.get(content_type=ContentType.objects.get_for_model(Article), object_id=str(article_pk))


def article_in(revision, article_pk, derive=True):
    """The article as a revision saved it (article_at() of its own version there)."""
    return article_at(version_in(revision, article_pk), derive)


def saved_by(version):
    user = version.revision.user
    if user is None:
        return "someone outside the admin"
    return user.get_full_name() or user.get_username()


@dataclass
class Snapshot:
    """An article as one revision saved it: the article (unsaved), its rows by relation, its topics."""

    article: Article
    rows: dict
    topics: list


def stored(version):
    """The object a version holds, deserialized (unsaved), with its many-to-many ids in m2m_data."""
    return next(serializers.deserialize(version.format, version.serialized_data, ignorenonexistent=True))


def article_at(version, derive=True):
    """The article as this revision saved it, with its rows and topics, and its derived fields
    (which revisions do not keep) worked out again; with `derive` False they are left empty, for
    code that reads or stores only what editors wrote (digests, compare, drafts put back)."""
    loaded = stored(version)
    article = loaded.object
    rows = {name: [] for name, _ in ROWS}
    for other in version.revision.version_set.select_related("content_type"):
        name = ROW_NAMES.get(other.content_type.model_class())
        row = stored(other).object if name else None
        if row is not None and row.article_id == article.pk:
            row.article = article
            rows[name].append(row)
    for items in rows.values():
        items.sort(key=lambda row: row.order)
    citations.bring_to_keys(article, rows["references"], rows["faqs"])
    if derive:
        article.refresh_derived({name: rows[name] for name in (*TEXT_ROWS, *CITING_ROWS)})
    topics = list(Topic.objects.filter(pk__in=loaded.m2m_data.get("topics", [])).order_by("name"))
    return Snapshot(article, rows, topics)
