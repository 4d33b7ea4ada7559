"""Drafts of published articles: edits readers do not see until a signed-off version is published.

A published article's tables are what readers see, so an edit to one is made in
a workspace (`workspace()`): a savepoint in which the tables are first brought to
the article's draft, the admin (or an import) edits the article and records a
revision as it always does, and then everything is rolled back. The revision
recorded inside is copied out and kept as the article's Draft. The editor works
on the draft through the usual change page, rows included; readers and the page
cache see nothing of it (the content version's triggers are rolled back too).

This is Wagtail's live/draft model (the page holds the live version, the latest
revision the draft) for an article whose rows Django's admin edits in the tables.
`publish()` in editorial.workflow writes a signed-off draft to the tables with `put()`.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.contrib.admin.models import LogEntry
from django.db import transaction
from django.db.models import F, Max
from reversion.models import Revision, Version

from articles.derivation import defer, deriving_once
from articles.models import ROWS, Article, Contributor, Topic

from . import revisions, signoffs
from .models import Draft

_active = ContextVar("editorial_draft_workspace", default=None)
# What a draft never changes: the article's place in the workflow is the published version's.
KEPT_FROM_LIVE = ("status", "published_at", "last_reviewed_on", "created_at")


@dataclass
class Workspace:
    article_pk: int
    note: str = ""  # the change note for readers, set by whoever saves
    saved: Draft | None = None  # after the block: the draft kept, if a revision was recorded
    discarded: bool = False  # after the block: the revision recorded matched the published version
    marks: dict = field(default_factory=dict)


def active():
    """The workspace this code runs in, or None."""
    return _active.get()


def is_drafted(article):
    """Whether edits to this article become a draft: it is published (live, or scheduled)."""
    return article.status == Article.Status.PUBLISHED


@contextmanager
def workspace(article_pk, start_from_draft=True):
    """Edit a published article as a draft inside the block (yields the Workspace); for any other
    article, or when already in a workspace, the block edits the tables as usual (yields that, or None).

    `start_from_draft`: bring the tables to the draft first (False when the block puts a
    revision or a file of its own in place).
    """
    if _active.get() is not None or article_pk is None:
        yield _active.get()
        return
    with transaction.atomic():
        revisions.ensure_baseline(article_pk)
        live = Article.objects.select_for_update().filter(pk=article_pk).first()
        if live is None or not is_drafted(live):
            yield None
            return
        space = Workspace(article_pk, marks=_marks())
        token = _active.set(space)
        try:
            with transaction.atomic():
                if start_from_draft:
                    bring_to_draft(live)
                yield space
                copied = _copy_out(space)
                transaction.set_rollback(True)
        finally:
            _active.reset(token)
        if copied is not None:
            _keep(space, live, copied)


def bring_to_draft(live):
    draft = Draft.objects.filter(article=live).select_related("revision").first()
    if draft is not None:
        put(revisions.article_in(draft.revision, live.pk, derive=False), live)
        # Opened on its draft, the form carries the stored edit count, as for any other article.
        Article.objects.filter(pk=live.pk).update(edit_count=live.edit_count)
        if not _active.get().note:
            _active.get().note = draft.change_note


def put(snapshot, live):
    """Write a revision's article, rows and topics over the stored ones, keeping the stored article's
    place in the workflow (status, publish time, review date). Rows keep their ids where those are
    theirs or free, so the change page's forms and the history's compare still match them. What is
    derived is worked out once, from what is stored, so the snapshot need not carry it."""
    article = snapshot.article
    for name in KEPT_FROM_LIVE:
        setattr(article, name, getattr(live, name))
    with deriving_once():
        article.save()
        for name, model in ROWS:
            model.objects.filter(article_id=article.pk).delete()  # first, so no order number is ever taken twice
            rows = snapshot.rows[name]
            taken = set(model.objects.filter(pk__in=[row.pk for row in rows]).values_list("pk", flat=True))
            for row in rows:
                row.article = article
                if row.pk in taken:  # another article's row has had that id since
                    row.pk = None
            model.objects.bulk_create(rows)
        article.topics.set([topic.pk for topic in snapshot.topics])
        defer(article.pk, whole=True)
    return article


def _restore_made(versions):
    """Contributors and topics the block made (an import names new ones) exist once it is rolled back too."""
    for model in (Contributor, Topic):
        named = {version.object_id: version for version in versions if version.content_type.model_class() is model}
        present = {str(pk) for pk in model.objects.filter(pk__in=named).values_list("pk", flat=True)}
        for object_id, version in named.items():
            if object_id not in present:
                revisions.stored(version).save()


def _marks():
    """The newest revision and log entry before the block: what the block records comes after."""
    return {
        "revision": Revision.objects.aggregate(top=Max("pk"))["top"] or 0,
        "log": LogEntry.objects.aggregate(top=Max("pk"))["top"] or 0,
    }


def _copy_out(space):
    """The revision of the article recorded in the block (with its versions) and the admin's log
    entries, as values to write again once the block is rolled back; None if none was recorded."""
    version = (
        revisions.versions_of(space.article_pk).filter(revision_id__gt=space.marks["revision"]).order_by("-pk").first()
    )
    if version is None:
        return None
    revision = version.revision
    versions = list(
        revision.version_set.values("object_id", "content_type_id", "db", "format", "serialized_data", "object_repr")
    )
    logs = list(LogEntry.objects.filter(pk__gt=space.marks["log"]).values())
    return {
        "revision": {"date_created": revision.date_created, "user_id": revision.user_id, "comment": revision.comment},
        "versions": versions,
        "logs": logs,
        "digest": signoffs.snapshot_digest(revisions.article_at(version, derive=False)),
    }


def _keep(space, live, copied):
    """Record the copied revision again and keep it as the article's draft (or drop the draft when
    it says what the published version says); the edit count moves on, so a page opened before is stale."""
    revision = Revision.objects.create(**copied["revision"])
    versions = Version.objects.bulk_create(Version(revision=revision, **values) for values in copied["versions"])
    _restore_made(versions)
    for values in copied["logs"]:
        values.pop("id")
        LogEntry.objects.create(**values)
    Article.objects.filter(pk=live.pk).update(edit_count=F("edit_count") + 1)
    if copied["digest"] == signoffs.stored_digest(live):
        Draft.objects.filter(article=live).delete()
        space.discarded = True
        return
    space.saved, _ = Draft.objects.update_or_create(
        article=live, defaults={"revision": revision, "change_note": space.note}
    )
