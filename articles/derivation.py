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


def stored_rows(article):
    """The saved article's rows that its derived fields are worked out from, by relation."""
    from .rendering import CITING_ROWS, TEXT_ROWS

    return {name: list(getattr(article, name).all()) for name in dict.fromkeys((*TEXT_ROWS, *CITING_ROWS))}


def store(article, rows=None):
    """Derive a saved article whole and store the fields, without counting an edit; FAQ answers
    whose HTML changes with it (their citations' numbers) are stored too.

    `rows` are its rows by relation when the caller has them (default: read the stored ones).
    """
    from .models import DERIVED_FIELDS, FAQ

    waiting = _pending.get()
    if waiting is not None:
        waiting.pop(article.pk, None)
    rows = stored_rows(article) if rows is None else rows
    before = {faq.pk: faq.answer_html for faq in rows.get("faqs", ())}
    article.refresh_derived(rows)
    fields = {name: getattr(article, name) for name in DERIVED_FIELDS}
    type(article).objects.filter(pk=article.pk).update(**fields)
    for faq in rows.get("faqs", ()):
        if faq.pk is not None and before[faq.pk] != faq.answer_html:
            FAQ.objects.filter(pk=faq.pk).update(answer_html=faq.answer_html)
    return fields


def stored_again(article_pk, restored=False):
    """Derive the stored article whole, with its stored rows; returns the fields, or None if it is gone.

    A row `restored` from a revision may lack what it derives itself (FAQ answers'
    HTML: revisions do not keep it, and a restore form is shown with signals muted),
    so those rows are worked out again first.
    """
    from .models import Article

    article = Article.objects.filter(pk=article_pk).first()
    if article is None:
        return None
    rows = stored_rows(article)
    if restored:
        for row in rows["faqs"]:
            row.answer_html = None  # stored again, whatever it held
        keys_for_numbers(article, rows)
    return store(article, rows)


def keys_for_numbers(article, rows):
    """A revision from before citation keys cites by number ([^2]) and its references have none
    (reversion restores them without signals): the references get keys and the body and FAQ answers
    cite by them, as the migration that introduced them did."""
    from .citations import bring_to_keys
    from .models import FAQ, Article, Reference

    blank = [reference for reference in rows["references"] if not reference.key]
    body_changed, answers = bring_to_keys(article, rows["references"], rows["faqs"])
    for reference in blank:
        Reference.objects.filter(pk=reference.pk).update(key=reference.key)
    if body_changed:
        Article.objects.filter(pk=article.pk).update(body=article.body)
    for faq in answers:
        FAQ.objects.filter(pk=faq.pk).update(answer=faq.answer)


def rows_changed(article_pk, touch=False, citing=True):
    """Bring an article's derived fields up to date with its stored rows: all of them when a row that
    `citing` changed (an FAQ answer or a reference: the citations' numbers may change), else only its
    text and reading time (key points, supplement forms and foods carry no citation).

    `touch` also marks it updated now (an edit of a row is an edit of the article).
    """
    from . import rendering
    from .models import Article

    article = Article.objects.filter(pk=article_pk).first()
    if article is None:
        return
    if citing:
        store(article)
    else:
        Article.objects.filter(pk=article_pk).update(**rendering.text_fields(article, article.body_html))
    if touch:
        Article.objects.filter(pk=article_pk).update(updated_at=timezone.now())
