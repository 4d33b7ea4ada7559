"""An article's revisions (django-reversion) as editors read them: whole, and compared.

A revision of an article holds the article and every row it had (models.py
registers them). `article_at` rebuilds that article in memory, rows attached,
for the revision preview; `compare` lists what changed between two revisions,
field by field and row by row, with words marked as inserted or deleted.
"""

import difflib
import re
from dataclasses import dataclass, field

import reversion
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from reversion.models import Version

from . import markdown
from .models import CHILDREN, Article, Contributor, Topic, set_prefetched

ROW_MODELS = {model: name for name, model in CHILDREN}
ARTICLE_FIELDS = [
    "title",
    "subtitle",
    "slug",
    "status",
    "published_at",
    "author",
    "medical_reviewer",
    "last_reviewed_on",
    "topics",
    "lead",
    "summary",
    "body",
    "nutrient_name",
    "daily_value_mg",
    "disclaimer",
    "meta_description",
]
TOKEN_RE = re.compile(r"\w+\s*|[^\w\s]\s*|\s+")  # words carry their trailing space


def versions_of(article_pk):
    """The article's revisions, newest first, with who saved them."""
    return (
        Version.objects.get_for_object_reference(Article, article_pk)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def ensure_baseline(article_pk, comment="As it stood before revisions were recorded."):
    """Record the article as it stands if it has no revision yet (loaded by a fixture or a
    migration), so its first edit can be compared with, and undone to, what came before."""
    if versions_of(article_pk).exists():
        return
    article = Article.objects.filter(pk=article_pk).first()
    if article is not None:
        with reversion.create_revision(manage_manually=True):
            reversion.set_comment(comment)
            reversion.add_to_revision(article)


def saved_by(version):
    user = version.revision.user
    if user is None:
        return "someone outside the admin"
    return user.get_full_name() or user.get_username()


def article_at(version):
    """The article as this revision saved it, unsaved, with its rows and topics attached."""
    loaded = version._object_version
    article = loaded.object
    rows = {name: [] for name, _ in CHILDREN}
    for other in version.revision.version_set.all():
        name = ROW_MODELS.get(other._model)
        if name is None:
            continue
        row = other._object_version.object
        if row.article_id == article.pk:
            row._state.fields_cache["article"] = article
            rows[name].append(row)
    for name, items in rows.items():
        set_prefetched(article, name, sorted(items, key=lambda row: row.order))
    topic_ids = loaded.m2m_data.get("topics", [])
    set_prefetched(article, "topics", list(Topic.objects.filter(pk__in=topic_ids).order_by("name")))
    rederive(article)
    return article


def rederive(article):
    """Work out again, in memory, what a revision does not keep: the FAQ answers' HTML and the
    article's derived fields (reading time and the rest)."""
    rows = {name: list(getattr(article, name).all()) for name in markdown.TEXT_ROWS}
    for row in rows["faqs"]:
        row.answer_html = markdown.render(row.answer, anchors=False).html
    for name, value in markdown.derive_article(article, rows).items():
        setattr(article, name, value)


@dataclass
class Change:
    label: str
    before: str
    after: str
    long: bool = False

    @property
    def diff(self):
        return text_diff(self.before, self.after) if self.long else word_diff(self.before, self.after)


@dataclass
class RowChange:
    kind: str  # "added", "removed" or "changed"
    label: str
    changes: list = field(default_factory=list)


@dataclass
class Section:
    title: str
    changes: list = field(default_factory=list)
    rows: list = field(default_factory=list)


def display(instance, name):
    model_field = instance._meta.get_field(name)
    if name == "topics":
        return ", ".join(topic.name for topic in instance.topics.all())
    if model_field.is_relation:
        target = getattr(instance, model_field.attname)
        if target is None:
            return ""
        contributor = Contributor.objects.filter(pk=target).first()
        return contributor.display_name if contributor else f"(deleted contributor {target})"
    if model_field.choices:
        return str(getattr(instance, f"get_{name}_display")())
    value = getattr(instance, name)
    return "" if value is None else str(value)


def field_changes(before, after, names):
    changes = []
    for name in names:
        old, new = display(before, name), display(after, name)
        if old != new:
            model_field = after._meta.get_field(name)
            long = model_field.get_internal_type() == "TextField" or name == "body"
            changes.append(Change(capfirst(model_field.verbose_name), old, new, long))
    return changes


def row_fields(model):
    return [f.name for f in model._meta.concrete_fields if f.editable and f.name not in ("id", "article")]


def compare(old_version, new_version):
    """What changed from one revision of an article to another, as sections for the compare page."""
    before, after = article_at(old_version), article_at(new_version)
    sections = [Section("Article", changes=field_changes(before, after, ARTICLE_FIELDS))]
    for name, model in CHILDREN:
        section = Section(capfirst(model._meta.verbose_name_plural))
        old_rows = {row.pk: row for row in getattr(before, name).all()}
        new_rows = {row.pk: row for row in getattr(after, name).all()}
        for pk, row in new_rows.items():
            if pk not in old_rows:
                empty = model(article=after)
                section.rows.append(RowChange("added", str(row), field_changes(empty, row, row_fields(model))))
            else:
                changes = field_changes(old_rows[pk], row, row_fields(model))
                if changes:
                    section.rows.append(RowChange("changed", str(row), changes))
        for pk, row in old_rows.items():
            if pk not in new_rows:
                section.rows.append(RowChange("removed", str(row)))
        sections.append(section)
    return [section for section in sections if section.changes or section.rows]


def text_diff(before, after, context=1):
    """HTML of the changed paragraphs of a long text, with a paragraph of context around each change."""
    old, new = before.splitlines(), after.splitlines()
    hunks = []
    for group in difflib.SequenceMatcher(None, old, new, autojunk=False).get_grouped_opcodes(context):
        lines = []
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                lines.extend(escape(line) for line in old[i1:i2])
            else:
                lines.append(word_diff("\n".join(old[i1:i2]), "\n".join(new[j1:j2])))
        hunks.append("\n".join(lines))
    return mark_safe('\n<span class="diff-gap">…</span>\n'.join(hunks))  # noqa: S308 - built from escaped text


def word_diff(before, after):
    """HTML of the text with deleted words in <del> and inserted words in <ins>."""
    old, new = TOKEN_RE.findall(before), TOKEN_RE.findall(after)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(old[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(new[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above
