from django.conf import settings
from django.shortcuts import get_object_or_404, render

from articles.structured_data import to_script
from pagecache.pages import public_page

from . import structured_data
from .models import SitePage


@public_page(depends=())
def site_page(request, slug):
    """One SitePage, with its HTML as it was rendered on save; 404 when the database lacks it.

    Template: sitepages/site_page.html; context: page, contact_email (CONTACT_EMAIL, for the
    contact page), canonical_path, json_ld.
    """
    page = get_object_or_404(SitePage, slug=slug)
    return render(
        request,
        "sitepages/site_page.html",
        {
            "page": page,
            "contact_email": settings.CONTACT_EMAIL,
            "canonical_path": page.get_absolute_url(),
            "json_ld": to_script(structured_data.page_graph(page, settings.CONTACT_EMAIL)),
        },
    )
