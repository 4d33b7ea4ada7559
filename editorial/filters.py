from django.contrib import admin

from articles.models import Article

from . import review


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("in_review", "In review"), ("scheduled", "Scheduled"), ("live", "Live")]

    def queryset(self, request, queryset):
        return {
            "draft": queryset.filter(status=Article.Status.DRAFT),
            "in_review": queryset.filter(status=Article.Status.IN_REVIEW),
            "scheduled": queryset.scheduled(),
            "live": queryset.published(),
        }.get(self.value(), queryset)


class ReviewFilter(admin.SimpleListFilter):
    title = "medical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Review overdue"),
            ("soon", f"Due within {review.DUE_SOON_DAYS} days"),
            ("current", "Up to date"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(review.overdue_q())
        if self.value() == "soon":
            return queryset.filter(review.due_soon_q())
        if self.value() == "current":
            return queryset.exclude(review.overdue_q())
        return queryset
