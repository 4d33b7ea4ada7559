import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget
from reversion.admin import VersionAdmin
from reversion.models import Version

from . import editorial, markdown, revisions
from .models import (
    FAQ,
    HEAVY_FIELDS,
    Article,
    Contributor,
    FoodSource,
    KeyPoint,
    Reference,
    SupplementForm,
    Topic,
    published_q,
)
from .views import article_context

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
    """The article form, refusing a save made from a page opened before someone else's save."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Set by ArticleAdmin on revert and recover pages: the save count before the revision was restored.
    stored_lock_version = None

    class Meta:
        model = Article
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            stored = self.stored_lock_version
            self.fields["base_version"].initial = self.instance.lock_version if stored is None else stored

    def clean_body(self):
        return checked_markdown(self, self.cleaned_data["body"], self.instance)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Article.Status.PUBLISHED and not cleaned.get("published_at"):
            cleaned["published_at"] = timezone.now()
        if self.instance.pk:
            self.refuse_lost_edit(cleaned.get("base_version"))
        return cleaned

    def refuse_lost_edit(self, opened_at):
        """Raise if the article was saved since this form was opened.

        The row stays locked until the admin's transaction ends, so of two
        saves made at once the second waits, then sees the first.
        """
        stored = self.stored_lock_version
        if stored is None:
            stored = (
                Article.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("lock_version", flat=True)
                .first()
            )
        if stored is None or stored == opened_at:
            return
        latest = revisions.versions_of(self.instance.pk).first()
        if latest is None:
            who = "Someone"
            when = ""
        else:
            who = revisions.saved_by(latest)
            who = who[:1].upper() + who[1:]
            when = f" at {timezone.localtime(latest.revision.date_created):%H:%M on %-d %B %Y}"
        history = reverse("admin:articles_article_history", args=[self.instance.pk])
        raise forms.ValidationError(
            format_html(
                "{} saved this article{} after you opened it, so your changes were not saved. "
                "Nothing is lost: your edits are still in this form, and theirs are in the "
                '<a href="{}">history</a>. Copy what you need, reload the page to get their version, '
                "and make your changes again.",
                who,
                when,
                history,
            ),
            code="stale",
        )


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


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("in_review", "In review"), ("scheduled", "Scheduled"), ("live", "Live")]

    def queryset(self, request, queryset):
        return {
            "draft": queryset.filter(status=Article.Status.DRAFT),
            "in_review": queryset.filter(status=Article.Status.IN_REVIEW),
            "scheduled": queryset.filter(status=Article.Status.PUBLISHED).exclude(published_q()),
            "live": queryset.filter(published_q()),
        }.get(self.value(), queryset)


class ReviewFilter(admin.SimpleListFilter):
    title = "medical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Review overdue"),
            ("soon", f"Due within {editorial.DUE_SOON_DAYS} days"),
            ("current", "Up to date"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(editorial.review_overdue_q())
        if self.value() == "soon":
            return queryset.filter(editorial.review_due_soon_q())
        if self.value() == "current":
            return queryset.exclude(editorial.review_overdue_q())
        return queryset


def revision_comment(request, text):
    reversion.set_user(request.user)
    reversion.set_comment(text)


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    form = ArticleAdminForm
    formfield_overrides = MARKDOWN_WIDGETS
    inlines = [KeyPointInline, SupplementFormInline, FoodSourceInline, FAQInline, ReferenceInline]
    prepopulated_fields = {"slug": ["title"]}
    list_display = [
        "title",
        "state",
        "published_at",
        "medical_reviewer",
        "last_reviewed_on",
        "review_due",
    ]
    list_filter = [StateFilter, ReviewFilter, "topics", "author", "medical_reviewer"]
    list_select_related = ["medical_reviewer"]
    search_fields = ["title", "subtitle", "slug", "summary", "author__name", "medical_reviewer__name"]
    date_hierarchy = "published_at"
    readonly_fields = ["state", "reading_time", "created_at", "updated_at", "old_addresses"]
    filter_horizontal = ["topics"]
    actions = ["submit_for_review", "publish", "unpublish", "mark_reviewed"]
    save_on_top = True
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "admin/articles/article/object_history.html"
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "slug", "topics", "base_version"]}),
        (
            "Byline and publishing",
            {
                "fields": ["author", "medical_reviewer", "last_reviewed_on", "status", "published_at", "state"],
                "description": "Draft, then in review, then published. A published article is public once its "
                "publish time has come; until then it is scheduled. Publishing needs a medical "
                "reviewer and a review date.",
            },
        ),
        ("Opening", {"fields": ["lead", "summary"]}),
        ("Body", {"fields": ["body", "reading_time"]}),
        (
            "Food amounts",
            {
                "fields": ["nutrient_name", "daily_value_mg"],
                "description": "Used by the food sources table: each food's % daily value is computed from these.",
            },
        ),
        ("Disclaimer", {"fields": ["disclaimer"]}),
        ("Search and sharing", {"fields": ["meta_description"]}),
        ("Record", {"fields": ["created_at", "updated_at", "old_addresses"], "classes": ["collapse"]}),
    ]

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/admin-markdown-rows.js"]

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def changelist_view(self, request, extra_context=None):
        # VersionAdmin wraps the whole list page in one revision; the actions here
        # record one revision per article instead, each with its own comment.
        context = {"has_change_permission": self.has_change_permission(request), **(extra_context or {})}
        return admin.ModelAdmin.changelist_view(self, request, context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/history/compare/", view(self.compare_view), name="articles_article_compare"),
            path(
                "<path:object_id>/history/<int:version_id>/preview/",
                view(self.revision_preview_view),
                name="articles_article_revision_preview",
            ),
            path("<path:object_id>/reviewed/", view(self.mark_reviewed_view), name="articles_article_reviewed"),
        ] + super().get_urls()

    @admin.display(description="State", ordering="status")
    def state(self, obj):
        if obj.pk is None:
            return "Not saved yet."
        if obj.is_scheduled:
            return format_html(
                '<span class="state state--scheduled">Scheduled for {}</span>',
                f"{timezone.localtime(obj.published_at):%-d %b %Y, %H:%M}",
            )
        label = "Live" if obj.is_published else obj.get_status_display()
        return format_html('<span class="state state--{}">{}</span>', label.lower().replace(" ", "-"), label)

    @admin.display(description="Review due", ordering="last_reviewed_on")
    def review_due(self, obj):
        due = obj.review_due_on
        if due is None:
            return format_html('<span class="review review--overdue">{}</span>', "Never reviewed")
        text = f"{due:%-d %b %Y}"
        if obj.review_overdue:
            return format_html('<span class="review review--overdue">Overdue since {}</span>', text)
        return text

    @admin.display(description="Old addresses (301 to this article)")
    def old_addresses(self, obj):
        slugs = [f"/articles/{r.old_slug}/" for r in obj.old_slugs.all()] if obj.pk else []
        return ", ".join(slugs) or "None: changing the slug of a published article adds one."

    @admin.display(description="Reading time")
    def reading_time(self, obj):
        if not obj.pk:
            return "Computed when saved."
        if obj.body and not obj.word_count:  # a revision being restored: its derived fields are not kept
            revisions.rederive(obj)
        return f"{obj.reading_minutes} min ({obj.word_count} words)"

    # Saving, with what editors should know about the result.

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.stored_lock_version = getattr(request, "stored_lock_version", None)
        return form

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        article = self.get_object(request, object_id)
        if article is not None and request.method == "GET":
            extra_context["content_warnings"] = editorial.content_warnings(article)
        elif article is not None and self.has_change_permission(request, article):
            revisions.ensure_baseline(article.pk)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "_continue" not in request.POST:
            article = form.instance
            for warning in editorial.content_warnings(article):
                self.message_user(request, f"“{article}”: {warning}", messages.WARNING)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        with transaction.atomic():
            request.stored_lock_version = self.lock_and_read_save_count(object_id)
            return super().revision_view(
                request,
                object_id,
                version_id,
                {
                    **(extra_context or {}),
                    "preview_url": reverse("admin:articles_article_revision_preview", args=[object_id, version_id]),
                },
            )

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id)
        with transaction.atomic():
            # 0 while the article is deleted; once someone has recovered it, a page
            # opened before that is stale like any other.
            request.stored_lock_version = self.lock_and_read_save_count(version.object_id) or 0
            return super().recover_view(request, version_id, extra_context)

    def lock_and_read_save_count(self, object_id):
        return Article.objects.select_for_update().filter(pk=object_id).values_list("lock_version", flat=True).first()

    # History: compare two revisions, or read one as the public page.

    def history_view(self, request, object_id, extra_context=None):
        versions = list(revisions.versions_of(object_id)) if str(object_id).isdigit() else []
        return super().history_view(
            request,
            object_id,
            {
                **(extra_context or {}),
                "versions": versions,
                "has_change_permission": self.has_change_permission(request),
            },
        )

    def compare_view(self, request, object_id):
        article = self.get_object(request, object_id)
        if article is None or not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = {v.pk: v for v in revisions.versions_of(article.pk)}
        try:
            old, new = versions[int(request.GET["from"])], versions[int(request.GET["to"])]
        except (KeyError, ValueError):
            raise Http404("Choose two revisions of this article to compare.")
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "title": f"Compare revisions of “{article}”",
            "old": old,
            "new": new,
            "old_by": revisions.saved_by(old),
            "new_by": revisions.saved_by(new),
            "sections": revisions.compare(old, new),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def revision_preview_view(self, request, object_id, version_id):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        version = get_object_or_404(revisions.versions_of(object_id), pk=version_id)
        article = revisions.article_at(version)
        context = article_context(article)
        context["revision"] = {
            "saved_at": version.revision.date_created,
            "saved_by": revisions.saved_by(version),
            "comment": version.revision.get_comment(),
            "deleted": not Article.objects.filter(pk=object_id).exists(),
        }
        if context["revision"]["deleted"]:
            context["revision"].update(
                history_url=reverse("admin:articles_article_recoverlist"),
                restore_url=reverse("admin:articles_article_recover", args=[version_id]),
            )
        else:
            context["revision"].update(
                history_url=reverse("admin:articles_article_history", args=[object_id]),
                restore_url=reverse("admin:articles_article_revision", args=[object_id, version_id]),
            )
        response = render(request, "articles/article_detail.html", context, using="jinja2")
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
        return response

    # Workflow: the actions on the article list, and marking one reviewed from its page.

    def run_action(self, request, queryset, comment, change):
        """Apply `change` to each article and save it as a revision of its own.

        `change` returns why it refuses an article, or nothing; refusals become
        error messages, and the articles changed are returned.
        """
        done, refused = [], []
        for article in queryset.select_related("medical_reviewer"):
            problem = change(article)
            if problem:
                refused.append(f"“{article}”: {problem}")
                continue
            revisions.ensure_baseline(article.pk)
            with reversion.create_revision():
                revision_comment(request, comment)
                article.save()
            done.append(article)
        for text in refused:
            self.message_user(request, text, messages.ERROR)
        return done

    @admin.action(description="Submit selected drafts for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        def change(article):
            if article.status != Article.Status.DRAFT:
                return f"it is {article.get_status_display().lower()}, not a draft."
            article.status = Article.Status.IN_REVIEW

        done = self.run_action(request, queryset, "Submitted for review.", change)
        if done:
            self.message_user(request, f"Submitted {len(done)} article(s) for review.", messages.SUCCESS)

    @admin.action(description="Publish selected articles", permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()

        def change(article):
            article.status = Article.Status.PUBLISHED
            article.published_at = article.published_at or now
            try:
                article.clean()
            except ValidationError as error:
                return " ".join(error.messages)

        done = self.run_action(request, queryset, "Published.", change)
        scheduled = [a for a in done if a.is_scheduled]
        if len(done) > len(scheduled):
            self.message_user(request, f"Published {len(done) - len(scheduled)} article(s).", messages.SUCCESS)
        for article in scheduled:
            self.message_user(
                request,
                f"“{article}” is scheduled: readers see it from "
                f"{timezone.localtime(article.published_at):%-d %B %Y, %H:%M}.",
                messages.SUCCESS,
            )

    @admin.action(description="Unpublish selected articles (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        def change(article):
            article.status = Article.Status.DRAFT

        done = self.run_action(request, queryset, "Unpublished.", change)
        self.message_user(request, f"Unpublished {len(done)} article(s).", messages.SUCCESS)

    @admin.action(description="Mark selected articles as medically reviewed today", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        today = timezone.localdate()

        def change(article):
            if article.medical_reviewer_id is None:
                return "choose its medical reviewer first."
            article.last_reviewed_on = today

        done = self.run_action(request, queryset, f"Marked as medically reviewed on {today:%-d %B %Y}.", change)
        if done:
            self.message_user(
                request, f"Marked {len(done)} article(s) as reviewed on {today:%-d %B %Y}.", messages.SUCCESS
            )

    def mark_reviewed_view(self, request, object_id):
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404("No such article.")
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        self.mark_reviewed(request, Article.objects.filter(pk=article.pk))
        return redirect("admin:articles_article_change", article.pk)


def https_by_default(model_field, **kwargs):
    """Form fields for a model's fields, with "example.org" read as https://example.org."""
    if isinstance(model_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return model_field.formfield(**kwargs)


class ContributorAdminForm(forms.ModelForm):
    class Meta:
        model = Contributor
        fields = "__all__"
        formfield_callback = https_by_default

    def clean_role(self):
        role = self.cleaned_data["role"]
        reviewed = self.instance.articles_reviewed.count() if self.instance.pk else 0
        if role != Contributor.Role.MEDICAL_REVIEWER and reviewed:
            raise forms.ValidationError(
                f"{self.instance.name} is the medical reviewer of {reviewed} article(s); "
                "choose another reviewer for them before changing this role."
            )
        return role


@admin.register(Contributor)
class ContributorAdmin(VersionAdmin):
    form = ContributorAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "credentials", "role", "kind", "written", "reviewed"]
    list_filter = ["role", "kind"]
    search_fields = ["name", "credentials", "bio"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "credentials", "slug", "role", "kind", "bio", "profile_url"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                written_count=Count("articles_written", distinct=True),
                reviewed_count=Count("articles_reviewed", distinct=True),
            )
        )

    @admin.display(description="Articles written", ordering="written_count")
    def written(self, obj):
        return obj.written_count

    @admin.display(description="Articles reviewed", ordering="reviewed_count")
    def reviewed(self, obj):
        return obj.reviewed_count


@admin.register(Topic)
class TopicAdmin(VersionAdmin):
    list_display = ["name", "slug", "published_articles"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(published=Count("articles", filter=published_q("articles__")))

    @admin.display(description="Published articles", ordering="published")
    def published_articles(self, obj):
        return obj.published
