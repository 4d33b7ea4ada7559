"""The admin: articles with their rows, contributors and topics.

The article admin is declarations and wiring: its forms, inlines, filters and
actions live in their own modules, status changes go through editorial.workflow,
and its revisions through editorial.revisions.
"""

from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.db.models import Count, Exists, OuterRef
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from reversion.admin import VersionAdmin

from articles import renditions
from articles.derivation import derive_now, deriving_once
from articles.models import HEAVY_FIELDS, Article, Contributor, Topic, published_q

from . import content_checks, drafts, preview, review, review_views, site_pages, views, workflow  # noqa: F401 - site_pages registers its admin
from .actions import WorkflowActions
from .filters import ReviewFilter, StateFilter
from .forms import ArticleAdminForm, ContributorAdminForm, PhotoField
from .history import HistoryAdmin
from .inlines import MARKDOWN_WIDGETS, ROW_INLINES
from .models import Draft
from .readability import ReadingLevel


class ArticleChangeList(ChangeList):
    """The article list loads no Markdown or HTML: only the columns it shows."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer(*HEAVY_FIELDS)


# The change page follows the article page's order.
FIELDSETS = [
    (None, {"fields": ["title", "subtitle", "slug", "topics", "edit_count"]}),
    (
        "Byline and publishing",
        {
            "fields": [
                "author",
                "medical_reviewer",
                "medical_review",
                "status",
                "published_at",
                "state",
                "change_note",
            ],
            "description": "Draft, then in review, then published. The named medical reviewer signs off each "
            "version from their own account; only a signed-off version can be published. Once an article is "
            "published, saving it keeps your changes as a draft: readers see the published version until the "
            "draft is signed off and published.",
        },
    ),
    (
        "Hero image",
        {
            "fields": ["hero_image", "hero_thumbnail", "hero_alt", "hero_caption", "hero_credit"],
            "description": "Optional. Shown under the title, and when the article is shared or found in search. "
            "A new image has new addresses, so readers never see an old copy.",
        },
    ),
    ("Opening", {"fields": ["lead", "summary"]}),
    ("Body", {"fields": ["body", "reading_time", "reading_level"]}),
    (
        "Food amounts",
        {
            "fields": ["nutrient_name", "nutrient_unit", "daily_value"],
            "description": "Used by the food sources table and chart: every food's amount is in this unit, "
            "and its % daily value is computed from these.",
        },
    ),
    ("Supplement forms table", {"fields": ["efficacy_label"]}),
    ("Disclaimer", {"fields": ["disclaimer"]}),
    ("Search and sharing", {"fields": ["meta_description"]}),
    ("Record", {"fields": ["created_at", "updated_at", "old_addresses"], "classes": ["collapse"]}),
]


# The change page's scripts: previews for added rows, the unsaved-changes warning, and the editor's aids
# (rows put in order by their handles, the Markdown toolbar and uploads, the meta description's previews)
# and last the live and full-page preview of the unsaved form.
CHANGE_PAGE_SCRIPTS = [
    "js/admin-markdown-rows.js",
    "js/admin-unsaved.js",
    "js/admin-rows-sortable.js",
    "js/admin-markdown-toolbar.js",
    "js/admin-meta-preview.js",
    "js/admin-preview.js",
]


READONLY_FIELDS = [
    "state",
    "medical_review",
    "hero_thumbnail",
    "reading_time",
    "reading_level",
    "created_at",
    "updated_at",
    "old_addresses",
]


class HeroImageDisplay:
    """The hero image's thumbnail on the change page (its smallest JPEG rendition)."""

    @admin.display(description="Current image")
    def hero_thumbnail(self, obj):
        if obj.hero_image and not obj.hero_image.name.startswith(renditions.FOLDER):
            return "Not saved yet: the form has errors. Choose the image again when you save."
        hero = obj.hero if obj.pk else None
        if hero is None:
            return "None."
        small = hero.jpeg[0]
        return format_html(
            '<img class="hero-thumbnail" src="{}" width="{}" height="{}" alt="{}">',
            small.url,
            small.width,
            small.height,
            hero.alt,
        )


@admin.register(Article)
class ArticleAdmin(HeroImageDisplay, WorkflowActions, ReadingLevel, HistoryAdmin):
    form = ArticleAdminForm
    formfield_overrides = {**MARKDOWN_WIDGETS, models.ImageField: {"form_class": PhotoField}}
    inlines = ROW_INLINES
    prepopulated_fields = {"slug": ["title"]}
    list_display = ["title", "state", "published_at", "medical_reviewer", "review_due", "changes"]
    list_filter = [StateFilter, ReviewFilter, "topics", "author", "medical_reviewer"]
    list_select_related = ["medical_reviewer"]
    search_fields = ["title", "subtitle", "slug", "summary", "author__name", "medical_reviewer__name"]
    date_hierarchy = "published_at"
    readonly_fields = READONLY_FIELDS
    filter_horizontal = ["topics"]
    save_on_top = True
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "admin/articles/article/object_history.html"
    fieldsets = FIELDSETS

    class Media:
        css = {"all": ["css/admin.css", "css/admin-preview.css"]}
        js = CHANGE_PAGE_SCRIPTS

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_state()
            .annotate(has_draft=Exists(Draft.objects.filter(article=OuterRef("pk"))))
        )

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(partial(function, self))

        return [
            path("references-from-file/", view(views.import_references), name="articles_article_references_from_file"),
            path("<path:object_id>/history/compare/", view(views.compare_revisions), name="articles_article_compare"),
            path(
                "<path:object_id>/history/<int:version_id>/preview/",
                view(views.preview_revision),
                name="articles_article_revision_preview",
            ),
            path("<path:object_id>/review/", view(review_views.review), name="articles_article_review"),
            path(
                "<path:object_id>/request-review/",
                view(review_views.request_review),
                name="articles_article_request_review",
            ),
            path("<path:object_id>/publish/", view(review_views.publish), name="articles_article_publish"),
            path("<path:object_id>/unpublish/", view(review_views.unpublish), name="articles_article_unpublish"),
            *preview.urls(view),  # after the history's preview, whose address "<path:object_id>/preview/" matches
            *super().get_urls(),
        ]

    @admin.display(description="State", ordering="status")
    def state(self, obj):
        if obj.pk is None:
            return "Not saved yet."
        if obj.is_scheduled:
            when = timezone.localtime(obj.published_at)
            return format_html(
                '<span class="state state--scheduled">Scheduled for {}</span>', f"{when:%-d %b %Y, %H:%M}"
            )
        label = "Live" if obj.is_published else obj.get_status_display()
        return format_html('<span class="state state--{}">{}</span>', label.lower().replace(" ", "-"), label)

    @admin.display(description="Medical review")
    def medical_review(self, obj):
        if obj.last_reviewed_on is None:
            return "Not yet medically reviewed: readers are told so." if obj.is_published else "Not reviewed yet."
        return f"Readers see the version signed off on {obj.last_reviewed_on:%-d %B %Y}."

    @admin.display(description="Unpublished changes", boolean=True, ordering="has_draft")
    def changes(self, obj):
        return getattr(obj, "has_draft", None)

    @admin.display(description="Review due", ordering="last_reviewed_on")
    def review_due(self, obj):
        due = review.due_on(obj)
        if due is None:
            return format_html('<span class="review review--overdue">{}</span>', "Never reviewed")
        if review.is_overdue(obj):
            return format_html('<span class="review review--overdue">Overdue since {}</span>', f"{due:%-d %b %Y}")
        return f"{due:%-d %b %Y}"

    @admin.display(description="Old addresses (301 to this article)")
    def old_addresses(self, obj):
        slugs = [f"/articles/{r.old_slug}/" for r in obj.old_slugs.all()] if obj.pk else []
        return ", ".join(slugs) or "None: changing the slug of a published article adds one."

    @admin.display(description="Reading time")
    def reading_time(self, obj):
        return f"{obj.reading_minutes} min ({obj.word_count} words)" if obj.pk else "Computed when saved."

    # Saving: the status through the workflow, the article derived once after its rows.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with deriving_once():
            derive_now()  # a revision restored just before the form is shown
            return super().changeform_view(request, object_id, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The form, and its save, on the article's draft when it is published (editorial.drafts). Outside
        reversion's own revision block, so the revision a save records is there to keep as the draft."""
        article = self.get_object(request, object_id)
        extra_context = dict(extra_context or {})
        if article is not None and request.method == "GET":
            extra_context["review_panel"] = review_views.panel(self, request, article)
        with drafts.workspace(article.pk if article else None) as space:
            response = super().change_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()  # while the tables hold the draft
        self.after_save(request, article.pk if article else None, space)
        return response

    def construct_change_message(self, request, form, formsets, add=False):
        """What a save changed, for the history; the change note is for readers, not a change to the article."""
        label = str(form.fields["change_note"].label) if "change_note" in form.fields else None
        kept = []
        for entry in super().construct_change_message(request, form, formsets, add):
            fields = entry.get("changed", {}).get("fields")
            if fields is not None and "name" not in entry["changed"] and label in fields:
                fields.remove(label)
                if not fields:
                    continue
            kept.append(entry)
        return kept

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None and obj.pk and request.method == "GET":
            context["content_warnings"] = content_checks.content_warnings(obj)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def save_model(self, request, obj, form, change):
        space = drafts.active()
        if space is not None:
            space.note = form.cleaned_data.get("change_note", "")
        else:
            workflow.move(obj, form.cleaned_data["status"])
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        derive_now()
        if "_continue" not in request.POST:
            article = form.instance
            for warning in content_checks.content_warnings(article):
                self.message_user(request, f"“{article}”: {warning}", messages.WARNING)


@admin.register(Contributor)
class ContributorAdmin(VersionAdmin):
    form = ContributorAdminForm
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},  # "example.org" is https://example.org
        models.ImageField: {"form_class": PhotoField},
    }
    list_display = ["name", "credentials", "role", "kind", "written", "reviewed"]
    list_filter = ["role", "kind"]
    search_fields = ["name", "credentials", "bio"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "name",
        "credentials",
        "slug",
        "role",
        "kind",
        "bio",
        "affiliations",
        "disclosures",
        "photo",
        "photo_alt",
        "profile_url",
        "user",
    ]
    # What a person states about themselves: once linked to their account, theirs (or an administrator's) to change.
    THEIR_OWN = ["name", "credentials", "slug", "role", "kind", "affiliations", "disclosures", "user"]

    def get_readonly_fields(self, request, obj=None):
        """Only an administrator links an account; a contributor who has one is who they say they are, so
        only they or an administrator change their name, credentials, role, affiliations and disclosures."""
        if request.user.is_superuser:
            return []
        if obj is not None and obj.user_id and obj.user_id != request.user.pk:
            return self.THEIR_OWN
        return ["user"]

    def get_prepopulated_fields(self, request, obj=None):
        return {} if "slug" in self.get_readonly_fields(request, obj) else self.prepopulated_fields

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
