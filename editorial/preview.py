"""The preview of an article's unsaved change (or add) form: the body beside the text, and the whole page.

Both take the form as the browser would submit it, validate it with the admin's own
form and inline formsets (so they report what Save would refuse, by the same checks),
and build the article and its rows in memory from what is valid: nothing is saved.
A stored article's form is read inside a transaction that is always rolled back
(`held`): a published article's form is bound to its draft, which `drafts.workspace()`
brings into the tables first, as the change page does. What is shown is rendered
after it, from what was read.

- `live`: POST of the whole form; JSON with the body's HTML (the chart and tables
  placed at their markers, by the public templates) and the errors of the article's
  Markdown fields, of the form as a whole and of the rows (which the tables show).
- `page`: POST stores the form in the session and redirects to a GET of the same
  address, which shows the article page as readers would see it, under a banner
  (or the problems, when the form would not save). The tab can be reloaded.

Both need the permission to change the article (to add one, for a new one), are
counted against RATE_LIMITS["preview"], and refuse a value over the Markdown size limit with a 400.
"""

import html
import re
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db import transaction
from django.forms.formsets import DELETION_FIELD_NAME, all_valid
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django_ratelimit.exceptions import Ratelimited
from markdownx.widgets import MarkdownxWidget

from articles import rendering
from articles.models import ROWS, HistoryEntry
from articles.views import article_context, body_context

from . import drafts
from .views import PREVIEW_LIMIT, bad_request

ROW_NAMES = {model: name for name, model in ROWS}
ROW_NOUNS = {name: str(model._meta.verbose_name) for name, model in ROWS}


@dataclass
class Unsaved:
    """The admin's bound form and formsets, and whether Save would accept them."""

    form: object
    formsets: list
    valid: bool


def article_or_none(model_admin, request, object_id):
    """The stored article the form is for (None on the add page), once the user may change (or add) it."""
    if object_id is None:
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        return None
    article = model_admin.get_object(request, unquote(object_id))
    if article is None:
        raise Http404("No such article.")
    if not model_admin.has_change_permission(request, article):
        raise PermissionDenied
    return article


@contextmanager
def held(stored):
    """Where a stored article's form is read: a transaction always rolled back at the end (the edit count
    is read under a row lock, as Save does), in which a published article's tables hold its draft
    (drafts.workspace). A new article's form reads nothing it could lock: no transaction."""
    if stored is None:
        yield
        return
    with transaction.atomic():
        if drafts.is_drafted(stored):
            with drafts.workspace(stored.pk):
                yield
        else:
            yield
        transaction.set_rollback(True)


def bound(model_admin, request, stored, data):
    """The admin's form for the `stored` article (None: a new one) and its inline formsets, bound to `data`."""
    # Read again: in a workspace, a published article's form is its draft's.
    article = model_admin.get_object(request, str(stored.pk)) if stored else None
    form = model_admin.get_form(request, article, change=stored is not None)(data, instance=article)
    if "change_note" in form.fields:  # for readers once published: not needed to see the page first
        form.fields["change_note"].required = False
    valid = form.is_valid()
    formsets = [
        FormSet(
            data=data,
            instance=form.instance,
            prefix=FormSet.get_default_prefix(),
            queryset=inline.get_queryset(request),
        )
        for FormSet, inline in model_admin.get_formsets_with_inlines(request, article)
    ]
    valid = all_valid(formsets) and valid
    return Unsaved(form, formsets, valid)


def kept_rows(formset, article):
    """The rows a save would keep: the valid forms of stored rows not deleted, and of new rows filled in."""
    rows = []
    for form in formset.forms:
        if not form.is_valid() or form.cleaned_data.get(DELETION_FIELD_NAME):
            continue
        if form.instance.pk is None and not form.has_changed():
            continue
        row = form.instance
        row.article = article
        row.refresh_derived()
        rows.append(row)
    return sorted(rows, key=lambda row: row.order or 0)


def built(unsaved_form, body=None):
    """The article (with its derived fields), its rows by relation and its topics, as the form would save
    them; `body`: the Markdown typed in the body, to render even where Save would refuse it."""
    form = unsaved_form.form
    article = form.instance
    if body is not None:
        article.body = body
    rows = {name: [] for name, _ in ROWS}
    for formset in unsaved_form.formsets:
        rows[ROW_NAMES[formset.model]] = kept_rows(formset, article)
    article.refresh_derived(rows)
    now = timezone.now()
    article.created_at = article.created_at or now
    article.updated_at = now
    topics = sorted(form.cleaned_data.get("topics") or [], key=lambda topic: topic.name)
    return article, rows, topics


def is_markdown(form, name):
    return name in form.fields and isinstance(form.fields[name].widget, MarkdownxWidget)


def form_problems(form, markdown_only=False, where=""):
    """Each error of a form as "Where, field: message"; `markdown_only`: only its Markdown fields' and its own
    (the live preview's: an article's other fields may be left empty while its body is written)."""
    problems = []
    for name, messages in form.errors.items():
        if name == NON_FIELD_ERRORS:
            label = where
        elif markdown_only and not is_markdown(form, name):
            continue
        else:
            label = str(form.fields[name].label) if name in form.fields else name
            label = f"{where}, {label.lower()}" if where else label
        problems.extend(f"{label}: {message}" if label else str(message) for message in messages)
    return problems


def problems(unsaved_form, markdown_only=False):
    """What Save would refuse, in the page's order: the article's fields (`markdown_only`: only its
    Markdown fields' and its own errors), then each kind of row's, all of them (a row in error is left out)."""
    found = form_problems(unsaved_form.form, markdown_only)
    for formset in unsaved_form.formsets:
        noun = capfirst(formset.model._meta.verbose_name)
        plural = capfirst(formset.model._meta.verbose_name_plural)
        found.extend(f"{plural}: {message}" for message in formset.non_form_errors())
        for index, form in enumerate(formset.forms, start=1):
            found.extend(form_problems(form, where=f"{noun} {index}"))
    return found


ROW_FIELD_RE = re.compile(r"^([a-z_]+)-(\d+)-([a-z_]+)$")


def field_name(name):
    """A submitted field's name as the page says it: "body" is "Body", "faqs-0-answer" is "FAQ 1, answer"."""
    row = ROW_FIELD_RE.match(name)
    if row:
        kind, index, field = row.groups()
        return f"{capfirst(ROW_NOUNS.get(kind, kind))} {int(index) + 1}, {field.replace('_', ' ')}"
    return name.replace("_", " ").capitalize()


def oversized(data):
    """Why the submitted form is refused whole: a value over the Markdown size limit (else "")."""
    for name, values in data.lists():
        for value in values:
            problem = rendering.length_problem(value)
            if problem:
                return f"{field_name(name)}: {problem}"
    return ""


def counted(request):
    """Count the request against RATE_LIMITS["preview"]; past it, the 429 page."""
    if PREVIEW_LIMIT.exceeded(request):
        raise Ratelimited()


def live(model_admin, request, object_id=None):
    """POST of the change (or add) form: JSON {"html": the body as readers will see it, "errors": [...]}."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    stored = article_or_none(model_admin, request, object_id)
    counted(request)
    too_long = oversized(request.POST)
    if too_long:
        return bad_request(too_long)
    with held(stored):
        form = bound(model_admin, request, stored, request.POST)
        article, rows, _ = built(form, body=request.POST.get("body", ""))
        errors = [html.unescape(strip_tags(problem)) for problem in problems(form, markdown_only=True)]
    # Rendered from what was read, once the transaction (a write lock on SQLite) is over.
    body_html = render_to_string("articles/_body.html", body_context(article, rows), request, using="jinja2")
    response = JsonResponse({"html": body_html, "errors": errors})
    add_never_cache_headers(response)
    return response


def session_key(object_id):
    return f"article-preview:{object_id or 'new'}"


def page(model_admin, request, object_id=None):
    """The article page built from the unsaved form: POST keeps the form (in the session) and
    redirects here; GET shows it, or the problems that would stop a save."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    stored = article_or_none(model_admin, request, object_id)
    counted(request)
    if request.method == "POST":
        too_long = oversized(request.POST)
        if too_long:
            return bad_request(too_long)
        request.session[session_key(object_id)] = {
            name: values for name, values in request.POST.lists() if name != "csrfmiddlewaretoken"
        }
        return HttpResponseRedirect(request.path, status=303)
    kept = request.session.get(session_key(object_id))
    if kept is None:
        raise Http404("Nothing to preview: press Preview on the article's page.")
    data = QueryDict(mutable=True)
    for name, values in kept.items():
        data.setlist(name, values)
    with held(stored):
        form = bound(model_admin, request, stored, data)
        found = built(form) if form.valid else problems(form)
    response = preview_response(model_admin, request, object_id, form.valid, found)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


def preview_response(model_admin, request, object_id, valid, found):
    """The article page under a preview banner (`found`: the article, its rows and topics), or the page
    listing what Save would refuse (`found`: the problems)."""
    back = (
        reverse("admin:articles_article_change", args=[object_id])
        if object_id
        else reverse("admin:articles_article_add")
    )
    if not valid:
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": "This article cannot be previewed yet",
            "problems": found,
            "back": back,
        }
        response = TemplateResponse(request, "admin/articles/article/preview_problems.html", context)
        return response.render()
    article, rows, topics = found
    history = (
        list(HistoryEntry.objects.filter(article_id=article.pk).select_related("reviewed_by")) if article.pk else []
    )
    context = article_context(article, {**rows, "history": history}, topics)
    context["preview"] = {"back": back, "at": article.updated_at}
    return render(request, "articles/article_detail.html", context, using="jinja2")


def urls(view):
    """The article admin's preview routes, each view wrapped by `view` (the admin's own checks)."""
    return [
        path("preview/", view(page), name="articles_article_preview_add"),
        path("live-preview/", view(live), name="articles_article_live_preview_add"),
        path("<path:object_id>/preview/", view(page), name="articles_article_preview"),
        path("<path:object_id>/live-preview/", view(live), name="articles_article_live_preview"),
    ]
