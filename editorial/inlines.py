"""The article's rows in its change page: one inline per kind of row."""

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.html import format_html, format_html_join
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from articles.models import FAQ, FoodSource, KeyPoint, Reference, SupplementForm

from .forms import MAX_ORDER, FAQForm, OrderedRowsFormSet, ReferenceFormSet

MARKDOWN_WIDGETS = {MarkdownxField: {"widget": AdminMarkdownxWidget}}


class RowInline:
    """Shared settings of the inlines for an article's numbered rows."""

    formset = OrderedRowsFormSet
    extra = 0
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})},
        **MARKDOWN_WIDGETS,
    }

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "order":  # room above for renumbering (OrderedRowsFormSet), on every database
            kwargs.update(min_value=1, max_value=MAX_ORDER)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class KeyPointInline(RowInline, admin.TabularInline):
    model = KeyPoint
    fields = ["order", "title", "text"]


class SupplementFormInline(RowInline, admin.StackedInline):
    model = SupplementForm
    fields = [("order", "name", "bioavailability"), "common_use", "efficacy", "notes"]


class FoodSourceInline(RowInline, admin.TabularInline):
    model = FoodSource
    fields = ["order", "name", "category", "serving", "amount", "percent", "source"]
    readonly_fields = ["percent"]

    @admin.display(description="% daily value")
    def percent(self, obj):
        value = obj.percent_daily_value if obj.pk else None
        return "—" if value is None else f"{value}%"


class FAQInline(RowInline, admin.StackedInline):
    model = FAQ
    form = FAQForm
    fields = ["order", "question", "answer"]


class ReferenceInline(RowInline, admin.StackedInline):
    """The references, and below them a panel that adds rows from BibTeX, RIS or PubMed records
    (editorial.reference_files, read through ArticleAdmin's references-from-file endpoint)."""

    model = Reference
    formset = ReferenceFormSet
    fields = [
        ("key", "order"),
        "authors",
        "title",
        ("publisher", "year"),
        ("volume", "issue", "pages"),
        ("doi", "pmid"),
        "url",
        "as_readers_see_it",
    ]
    readonly_fields = ["as_readers_see_it"]
    template = "admin/articles/article/references_inline.html"

    class Media:
        css = {"all": ["css/admin-reference-import.css"]}
        js = ["js/admin-reference-import.js"]

    @admin.display(description="As readers see it")
    def as_readers_see_it(self, obj):
        """The saved reference in the page's style (AMA), with the number its first citation gives it."""
        if not obj.pk:
            return "Shown once the reference is saved."
        cited = obj.article.citations.get(obj.key)
        number = (
            f"[{cited['number']}]"
            if cited
            else "Never cited: readers see it after the cited references. Cite it with [^key]."
        )
        parts = (
            (format_html("<i>{}</i>", part.text) if part.italic else part.text, part.tail) for part in obj.ama_parts
        )
        return format_html("{} {}", number, format_html_join(" ", "{}{}", parts))


ROW_INLINES = [KeyPointInline, SupplementFormInline, FoodSourceInline, FAQInline, ReferenceInline]
