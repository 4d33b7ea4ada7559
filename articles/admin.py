from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.db.models import Count
from django.utils import timezone
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from . import markdown
from .models import FAQ, HEAVY_FIELDS, Article, FoodSource, KeyPoint, Reference, SupplementForm, Topic, published_q

MARKDOWN_WIDGETS = {MarkdownxField: {"widget": AdminMarkdownxWidget}}
REFERENCES_PREFIX = "references"


def submitted_reference_numbers(data, article):
    """Reference numbers the article will have once the submitted admin page is saved.

    Citations are checked against the reference rows on the same page, which are
    validated separately, so they are read here from the submitted data.
    """
    if data is None or f"{REFERENCES_PREFIX}-TOTAL_FORMS" not in data:
        return set(article.references.values_list("order", flat=True)) if article.pk else set()
    try:
        total = min(int(data[f"{REFERENCES_PREFIX}-TOTAL_FORMS"]), 1000)
    except ValueError:
        return set()
    numbers = set()
    for index in range(total):
        prefix = f"{REFERENCES_PREFIX}-{index}-"
        order = (data.get(prefix + "order") or "").strip()
        if data.get(prefix + "DELETE") or not order.isdigit():
            continue
        if data.get(prefix + "id") or (data.get(prefix + "title") or "").strip():
            numbers.add(int(order))
    return numbers


def checked_markdown(form, text, article, blocks_allowed=True):
    """The text if its citations and markers hold against the submitted references."""
    numbers = submitted_reference_numbers(form.data or None, article)
    errors = markdown.check(text, numbers, blocks_allowed=blocks_allowed)
    if errors:
        raise forms.ValidationError(errors)
    return text


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = "__all__"

    def clean_body(self):
        return checked_markdown(self, self.cleaned_data["body"], self.instance)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Article.Status.PUBLISHED and not cleaned.get("published_at"):
            cleaned["published_at"] = timezone.now()
        return cleaned


class FAQForm(forms.ModelForm):
    class Meta:
        model = FAQ
        fields = "__all__"

    def clean_answer(self):
        article = self.instance.article if self.instance.article_id else Article()
        return checked_markdown(self, self.cleaned_data["answer"], article, blocks_allowed=False)


class OrderedRowsFormSet(forms.BaseInlineFormSet):
    def get_unique_error_message(self, unique_check):
        noun = self.model._meta.verbose_name_plural
        return f"Two {noun} share an order number; give each its own."


class ChildInline:
    """Shared settings of the inlines for an article's numbered rows."""

    formset = OrderedRowsFormSet
    extra = 0
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})},
        **MARKDOWN_WIDGETS,
    }


class KeyPointInline(ChildInline, admin.TabularInline):
    model = KeyPoint
    fields = ["order", "title", "text"]


class SupplementFormInline(ChildInline, admin.StackedInline):
    model = SupplementForm
    fields = [("order", "name", "bioavailability"), "common_use", "efficacy", "notes"]


class FoodSourceInline(ChildInline, admin.TabularInline):
    model = FoodSource
    fields = ["order", "name", "category", "serving", "amount_mg", "percent", "source"]
    readonly_fields = ["percent"]

    @admin.display(description="% daily value")
    def percent(self, obj):
        value = obj.percent_daily_value if obj.pk else None
        return "—" if value is None else f"{value}%"


class FAQInline(ChildInline, admin.StackedInline):
    model = FAQ
    form = FAQForm
    fields = ["order", "question", "answer"]


class ReferenceInline(ChildInline, admin.StackedInline):
    model = Reference
    fields = [("order", "year"), "authors", "title", "publisher", ("doi", "pmid"), "url"]


class ArticleChangeList(ChangeList):
    """The article list loads no Markdown or HTML: only the columns it shows."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer(*HEAVY_FIELDS)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    formfield_overrides = MARKDOWN_WIDGETS
    inlines = [KeyPointInline, SupplementFormInline, FoodSourceInline, FAQInline, ReferenceInline]
    prepopulated_fields = {"slug": ["title"]}
    list_display = [
        "title", "status", "live", "published_at", "last_reviewed_on", "updated_at",
        "reading_minutes",
    ]
    list_filter = ["status", "topics", "published_at", "last_reviewed_on"]
    search_fields = ["title", "subtitle", "slug", "summary", "author", "medical_reviewer"]
    date_hierarchy = "published_at"
    readonly_fields = ["reading_time", "created_at", "updated_at", "old_addresses"]
    filter_horizontal = ["topics"]
    actions = ["publish", "unpublish"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "slug", "topics"]}),
        ("Byline and publishing", {
            "fields": ["author", "medical_reviewer", "status", "published_at", "last_reviewed_on"],
            "description": "An article is public once it is published and its publish time has come.",
        }),
        ("Opening", {"fields": ["lead", "summary"]}),
        ("Body", {"fields": ["body", "reading_time"]}),
        ("Food amounts", {
            "fields": ["nutrient_name", "daily_value_mg"],
            "description": "Used by the food sources table: each food's % daily value is computed from these.",
        }),
        ("Disclaimer", {"fields": ["disclaimer"]}),
        ("Search and sharing", {"fields": ["meta_description"]}),
        ("Record", {"fields": ["created_at", "updated_at", "old_addresses"], "classes": ["collapse"]}),
    ]

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/admin-markdown-rows.js"]

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    @admin.display(description="Live", boolean=True)
    def live(self, obj):
        return obj.is_published

    @admin.display(description="Old addresses (301 to this article)")
    def old_addresses(self, obj):
        slugs = [f"/articles/{r.old_slug}/" for r in obj.old_slugs.all()] if obj.pk else []
        return ", ".join(slugs) or "None: changing the slug of a published article adds one."

    @admin.display(description="Reading time")
    def reading_time(self, obj):
        if not obj.pk:
            return "Computed when saved."
        return f"{obj.reading_minutes} min ({obj.word_count} words)"

    @admin.action(description="Publish selected articles now", permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        count = 0
        for article in queryset:
            article.status = Article.Status.PUBLISHED
            if article.published_at is None:
                article.published_at = now
            article.save()
            count += 1
        self.message_user(request, f"Published {count} article(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected articles (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = 0
        for article in queryset:
            article.status = Article.Status.DRAFT
            article.save()
            count += 1
        self.message_user(request, f"Unpublished {count} article(s).", messages.SUCCESS)



@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "published_articles"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(published=Count("articles", filter=published_q("articles__")))

    @admin.display(description="Published articles", ordering="published")
    def published_articles(self, obj):
        return obj.published
