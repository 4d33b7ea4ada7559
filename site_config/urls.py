from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from articles import views_admin

handler500 = "site_config.views.error_500"

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Articles and editors"

urlpatterns = [
    path("admin/markdownx/markdownify/", views_admin.markdownify, name="markdownx_markdownify"),
    path("admin/markdownx/upload/", views_admin.upload, name="markdownx_upload"),
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
