"""Two revisions of an article compared, as editors read them: field by field and row by row,
with the words that changed marked as inserted or deleted."""

import difflib
import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from articles.models import ROWS, Article, Contributor

from .fields import written_fields
from .revisions import article_at

ARTICLE_FIELDS = written_fields(Article)
TOKEN_RE = re.compile(r"\w+\s*|[^\w\s]\s*|\s+")  # words carry their trailing space


@dataclass
class Change:
    label: str
    before: str
    after: str
    long: bool = False

    @property
    def diff(self):
        if self.before.split() == self.after.split():
            return "Only spacing or line breaks changed; the words are the same."
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


def display(instance, name, topics=()):
    """A field's value as the compare page shows it; `topics` are the article's, for "topics"."""
    model_field = instance._meta.get_field(name)
    if name == "topics":
        return ", ".join(topic.name for topic in topics)
    if model_field.is_relation:
        target = getattr(instance, model_field.attname)
        if target is None:
            return ""
        contributor = Contributor.objects.filter(pk=target).first()
        return contributor.display_name if contributor else f"(deleted contributor {target})"
    value = getattr(instance, name)
    if value is None:
        return ""
    if model_field.choices:
        return str(getattr(instance, f"get_{name}_display")())
    return str(value)


def field_changes(before, after, names, topics=((), ())):
    changes = []
    for name in names:
        old, new = display(before, name, topics[0]), display(after, name, topics[1])
        if old != new:
            model_field = after._meta.get_field(name)
            long = model_field.get_internal_type() == "TextField" or name == "body"
            changes.append(Change(capfirst(model_field.verbose_name), old, new, long))
    return changes


def row_changes(model, before, after, article):
    """Each row added, removed or changed between two lists of an article's rows: matched by id, then
    (rows saved anew, as an import saves them) by order number."""
    fields = written_fields(model, exclude=["article"])
    old_rows = {row.pk: row for row in before}
    new_rows = {row.pk: row for row in after}
    pairs = [(old_rows.pop(pk), new_rows.pop(pk)) for pk in list(new_rows) if pk in old_rows]
    old_by_order = {row.order: row for row in old_rows.values()}
    for pk, row in list(new_rows.items()):
        if row.order in old_by_order:
            old = old_by_order.pop(row.order)
            pairs.append((old_rows.pop(old.pk), new_rows.pop(pk)))
    found = [
        RowChange("changed", str(new), changes) for old, new in pairs if (changes := field_changes(old, new, fields))
    ]
    found += [
        RowChange("added", str(row), field_changes(model(article=article), row, fields)) for row in new_rows.values()
    ]
    found += [RowChange("removed", str(row)) for row in old_rows.values()]
    return found


def compare(old_version, new_version):
    """What changed from one revision of an article to another, as sections for the compare page."""
    before, after = article_at(old_version, derive=False), article_at(new_version, derive=False)
    changes = field_changes(before.article, after.article, ARTICLE_FIELDS, (before.topics, after.topics))
    sections = [Section("Article", changes=changes)]
    for name, model in ROWS:
        section = Section(capfirst(model._meta.verbose_name_plural))
        section.rows = row_changes(model, before.rows[name], after.rows[name], after.article)
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
