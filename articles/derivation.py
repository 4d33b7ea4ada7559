"""When an article's derived fields (HTML, contents, citations, text, reading time) are worked out.

Article.save() derives them from its Markdown and its stored rows, and saving or
deleting a row brings its article's text and reading time up to date, so the
stored fields never disagree with the rows, whatever made the change.

Code that saves an article together with many rows (the admin, an import, a
restored revision, a fixture) wraps the work in `deriving_once()`: inside it
nothing is derived as it is saved; each article touched is derived once, from
what is stored, when derive_now() is called or on the way out.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_pending = ContextVar("articles_pending_derivation", default=None)
WHOLE = object()  # derive the stored article whole (its Markdown or its revision changed)


@contextmanager
def deriving_once():
    """Defer derivation to derive_now() or the end of the block (an inner block joins the outer one)."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set({})
    try:
        yield
        derive_now()
    finally:
        _pending.reset(token)


def pending():
    """Whether derivation is being deferred here."""
    return _pending.get() is not None


def defer(article_pk, article=None, whole=False):
    """Note that this article needs deriving, once: whole when `whole` is set or `article` is given
    (a saved instance, which then gets the derived values too), else only its text and reading time.

    False when nothing is deferred here: derive now.
    """
    waiting = _pending.get()
    if waiting is None:
        return False
    if article is not None:
        waiting[article_pk] = article
    elif whole and waiting.get(article_pk) is None:
        waiting[article_pk] = WHOLE
    else:
        waiting.setdefault(article_pk, None)
    return True


def derive_now():
    """Derive every article deferred so far, once each, from what is stored."""
    waiting = _pending.get() or {}
    while waiting:
        article_pk, entry = waiting.popitem()
        if entry is None:
            rows_changed(article_pk)
            continue
        fields = stored_again(article_pk, restored=entry is WHOLE)
        if fields and entry is not WHOLE:
            for name, value in fields.items():
                setattr(entry, name, value)


def store(article, rows=None):
    """Derive a saved article whole and store the fields, without counting an edit.

    `rows` are its rows by relation when the caller has them (default: read the stored ones).
    """
    from .models import DERIVED_FIELDS

    waiting = _pending.get()
    if waiting is not None:
        waiting.pop(article.pk, None)
    article.refresh_derived(rows)
    fields = {name: getattr(article, name) for name in DERIVED_FIELDS}
    type(article).objects.filter(pk=article.pk).update(**fields)
    return fields


def stored_again(article_pk, restored=False):
    """Derive the stored article whole, with its stored rows; returns the fields, or None if it is gone.

    A row `restored` from a revision may lack what it derives itself (FAQ answers'
    HTML: revisions do not keep it, and a restore form is shown with signals muted),
    so those rows are worked out again first.
    """
    from .models import Article
    from .rendering import TEXT_ROWS

    article = Article.objects.filter(pk=article_pk).first()
    if article is None:
        return None
    rows = {name: list(getattr(article, name).all()) for name in TEXT_ROWS}
    if restored:
        for row in rows["faqs"]:
            row.refresh_derived()
    return store(article, rows)


def rows_changed(article_pk, touch=False):
    """Bring an article's text and reading time up to date with its stored rows.

    `touch` also marks it updated now (an edit of a row is an edit of the article).
    """
    from . import rendering
    from .models import Article

    article = Article.objects.filter(pk=article_pk).first()
    if article is None:
        return
    fields = rendering.text_fields(article, article.body_html)
    if touch:
        fields["updated_at"] = timezone.now()
    Article.objects.filter(pk=article_pk).update(**fields)
