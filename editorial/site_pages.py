"""The site pages in the back office: their text edited in Markdown, their set fixed, every save a revision.

The five pages exist once each (sitepages.pages.SITE_PAGES): editors change a
page's text, never its slug, and never add or delete one (editorial.groups).
"""

import reversion
from django.contrib import admin
from reversion.admin import VersionAdmin
from reversion.models import Version

from sitepages.models import SitePage
from sitepages.pages import SITE_PAGES

from .inlines import MARKDOWN_WIDGETS

# What is derived from the Markdown is worked out again when a revision is restored.
reversion.register(SitePage, exclude=["body_html"])


def ensure_baseline(page, comment="As it stood before revisions were recorded."):
    """Record the page as it stands if it has no revision yet (loaded with the site), so that its
    first edit can be compared with, and undone to, what came before."""
    if Version.objects.get_for_object(page).exists():
        return
    with reversion.create_revision(manage_manually=True):
        reversion.set_comment(comment)
        reversion.add_to_revision(page)


@admin.register(SitePage)
class SitePageAdmin(VersionAdmin):
    formfield_overrides = MARKDOWN_WIDGETS
    list_display = ["title", "address", "updated_at"]
    search_fields = ["title", "summary", "body"]
    fields = ["slug", "title", "summary", "body", "updated_at"]
    readonly_fields = ["updated_at"]

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/admin-unsaved.js"]

    @admin.display(description="Address")
    def address(self, obj):
        return obj.get_absolute_url()

    def get_readonly_fields(self, request, obj=None):
        """The slug is chosen once, when a page is added: it is the page's address and its place in the footer."""
        return [*self.readonly_fields, "slug"] if obj is not None else self.readonly_fields

    def has_add_permission(self, request):
        """Only a page the site lacks can be added (and editors add none)."""
        return super().has_add_permission(request) and SitePage.objects.count() < len(SITE_PAGES)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        page = self.get_object(request, object_id) if request.method == "POST" else None
        if page is not None and self.has_change_permission(request, page):
            ensure_baseline(page)
        return super().change_view(request, object_id, form_url, extra_context)
