from django.urls import path

from . import views
from .pages import SLUGS

app_name = "sitepages"

# One address per page, named by its slug: url("sitepages:about") is /about/.
urlpatterns = [path(f"{slug}/", views.site_page, {"slug": slug}, name=slug) for slug in SLUGS]
