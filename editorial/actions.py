"""The article list's actions: each runs one step of the workflow on every selected article,
recorded as a revision of its own, and says which articles it refused and why."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from . import workflow


class WorkflowActions:
    actions = ["request_review", "publish", "unpublish"]

    def changelist_view(self, request, extra_context=None):
        # VersionAdmin wraps the whole list page in one revision; the workflow's actions
        # record one revision per article instead, each with its own comment.
        context = {"has_change_permission": self.has_change_permission(request), **(extra_context or {})}
        return admin.ModelAdmin.changelist_view(self, request, context)

    def run_workflow(self, request, queryset, step):
        """Apply a workflow step to each article; refusals become error messages. Returns the articles done."""
        done = []
        for article in queryset.select_related("medical_reviewer"):
            try:
                step(article, request.user)
            except workflow.Refused as refused:
                self.message_user(request, f"“{article}”: {' '.join(refused.messages)}", messages.ERROR)
            else:
                done.append(article)
        return done

    @admin.action(description="Request medical review of selected articles", permissions=["change"])
    def request_review(self, request, queryset):
        def step(article, user):
            link = request.build_absolute_uri(reverse("admin:articles_article_review", args=[article.pk]))
            workflow.request_review(article, user, link=link)

        done = self.run_workflow(request, queryset, step)
        if done:
            self.message_user(
                request,
                f"Asked for the medical review of {len(done)} article(s); reviewers were emailed.",
                messages.SUCCESS,
            )

    @admin.action(description="Publish selected articles (signed-off versions only)", permissions=["change"])
    def publish(self, request, queryset):
        done = self.run_workflow(request, queryset, workflow.publish)
        ahead = set(
            Article.objects.filter(pk__in=[article.pk for article in done]).scheduled().values_list("pk", flat=True)
        )
        scheduled = [article for article in done if article.pk in ahead]
        if len(done) > len(scheduled):
            self.message_user(request, f"Published {len(done) - len(scheduled)} article(s).", messages.SUCCESS)
        for article in scheduled:
            when = timezone.localtime(article.published_at)
            self.message_user(
                request, f"“{article}” is scheduled: readers see it from {when:%-d %B %Y, %H:%M}.", messages.SUCCESS
            )

    @admin.action(description="Unpublish selected articles (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        done = self.run_workflow(request, queryset, workflow.unpublish)
        self.message_user(request, f"Unpublished {len(done)} article(s).", messages.SUCCESS)
