"""The article admin's history: revisions listed, restored and recovered without losing an edit.

Each restore or recover form is opened at the edit count it will be judged by,
read under a row lock, so a form opened before someone else's save is refused
(editorial.forms.ArticleAdminForm); restored rows are derived once.

Restoring a revision deletes the rows added since. Someone who may not delete a kind
of row (editors may not) is refused a restore that would delete one, the rows named,
as Django's admin refuses a deletion that would take along objects the user may not
delete: a restore brings back the revision its preview shows, or nothing.
"""

from django.contrib import messages
from django.contrib.auth import get_permission_codename
from django.db import transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from reversion.admin import VersionAdmin
from reversion.models import Version

from articles.derivation import defer, deriving_once
from articles.models import ROWS, Article, Reference

from . import drafts, revisions, signoffs
from .forms import MAX_ORDER, locked_edit_count
from .models import Draft


def current_rows(article):
    """The article's rows as its change page shows them: its draft's if it has one, else the stored ones."""
    draft = Draft.objects.filter(article=article).select_related("revision").first()
    if draft is not None:
        return revisions.article_in(draft.revision, article.pk, derive=False).rows
    return {name: list(getattr(article, name).all()) for name, _ in ROWS}


def undeletable_rows(user, article, version):
    """The rows the article has now that restoring `version` would delete and `user` may not delete."""
    restored = revisions.article_at(version, derive=False).rows
    now = current_rows(article)
    found = []
    for name, model in ROWS:
        if not user.has_perm(f"{model._meta.app_label}.{get_permission_codename('delete', model._meta)}"):
            kept = {row.pk for row in restored[name]}
            found += [row for row in now[name] if row.pk not in kept]
    return found


def refusal(rows):
    """Why a restore was refused, naming the rows it would have deleted."""
    what, them = ("a row", "it") if len(rows) == 1 else (f"{len(rows)} rows", "them")
    named = "; ".join(f"{row._meta.verbose_name} “{row}”" for row in rows)
    return (
        f"This revision was not restored, and nothing was changed: restoring it would delete {what} added "
        f"since it was saved, which your account may not delete: {named}. Someone who may delete {them} can "
        "restore it, or you can edit the article to bring back what you need."
    )


def rows_aside(article_pk):
    """Move the article's rows to numbers above any a form accepts (references to keys no form
    accepts), in one statement per kind, so
    that a revision brings back its own order numbers without tripping their unique constraint,
    in whatever order reversion saves them. Every row then takes the revision's number or is
    deleted (a revision shown but not restored is rolled back)."""
    for _, model in ROWS:
        model._default_manager.filter(article_id=article_pk).update(order=F("order") + MAX_ORDER)
    # Keys too: "-<id>" is no key a form accepts; a revision's rows take back their own keys.
    Reference.objects.filter(article_id=article_pk).update(key=Concat(Value("-"), Cast("pk", CharField())))


class HistoryAdmin(VersionAdmin):
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.edit_count_at_open = getattr(request, "edit_count_at_open", None)
        return form

    def revision_view(self, request, object_id, version_id, extra_context=None):
        refused = self.refuse_deleting(request, object_id, version_id)
        if refused is not None:
            return refused
        preview = reverse("admin:articles_article_revision_preview", args=[object_id, version_id])
        article_pk = int(object_id) if str(object_id).isdigit() else None
        # A published article's restored revision becomes its draft, like any edit to it.
        with drafts.workspace(article_pk, start_from_draft=False) as space, transaction.atomic(), deriving_once():
            request.edit_count_at_open = locked_edit_count(object_id)
            # Revisions keep no derived fields, and reversion saves the revision unheard (no signals)
            # when only showing its form: the form's article is derived once the revision is back.
            if str(object_id).isdigit():
                defer(int(object_id), whole=True)
                rows_aside(int(object_id))
            response = super().revision_view(
                request, object_id, version_id, {**(extra_context or {}), "preview_url": preview}
            )
        self.after_save(request, article_pk, space)
        return response

    def refuse_deleting(self, request, object_id, version_id):
        """Back to the history, saying why, if restoring the revision would delete rows the user may not delete."""
        article = Article.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if article is None or not self.has_change_permission(request, article):
            return None  # the admin's own answer: a 403, a 404 or "does not exist"
        version = revisions.versions_of(article.pk).filter(pk=version_id).first()
        rows = undeletable_rows(request.user, article, version) if version else []
        if not rows:
            return None
        self.message_user(request, refusal(rows), messages.ERROR)
        return redirect("admin:articles_article_history", article.pk)

    def after_save(self, request, article_pk, space):
        """After a POST to a change or restore page: withdraw a review request made of a reviewer the
        article no longer names, and say where the save went."""
        article = Article.objects.filter(pk=article_pk).first() if request.method == "POST" else None
        withdrawn = signoffs.withdraw_if_reviewer_changed(article) if article is not None else None
        if withdrawn is not None:
            self.message_user(
                request,
                f"The review request to {withdrawn.reviewer.display_name} is withdrawn: the article names another "
                "medical reviewer now. Request their review when the article is ready.",
                messages.WARNING,
            )
        self.report_draft(request, space)

    def report_draft(self, request, space):
        """Tell the editor where a save to a published article went: into its draft, or nowhere
        because it says what readers already see (the draft, if any, is dropped)."""
        if space is None or not (space.saved or space.discarded):
            return
        if space.saved:
            article = Article.objects.get(pk=space.article_pk)
            signed = signoffs.covering(article.pk, signoffs.under_review(article))
            message = "Your changes are saved as a draft: readers still see the published version. " + (
                f"{signed.reviewer.display_name} has signed off exactly this version: publish it when ready."
                if signed
                else "Request the medical review, then publish once it is signed off (a sign-off covers one exact "
                "version, so any change needs a new one)."
            )
        else:
            message = "This version says what the published one says, so there are no unpublished changes."
        self.message_user(request, message, messages.INFO)

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id)
        with transaction.atomic(), deriving_once():
            # 0 while the article is deleted; once someone has recovered it, a page
            # opened before that is stale like any other.
            request.edit_count_at_open = locked_edit_count(version.object_id) or 0
            defer(int(version.object_id), whole=True)
            return super().recover_view(request, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        versions = list(revisions.versions_of(object_id)) if str(object_id).isdigit() else []
        context = {"versions": versions, "has_change_permission": self.has_change_permission(request)}
        return super().history_view(request, object_id, {**(extra_context or {}), **context})
