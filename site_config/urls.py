from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from articles import renditions, views_media
from articles.models import PHOTO_FOLDER
from editorial import views as editorial_views

from .sitemaps import sitemap

handler404 = "site_config.views.error_404"
handler500 = "site_config.views.error_500"

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Articles and editors"

urlpatterns = [
    path("admin/markdownx/markdownify/", editorial_views.markdownify, name="markdownx_markdownify"),
    path("admin/markdownx/upload/", editorial_views.upload, name="markdownx_upload"),
    path("admin/", admin.site.urls),
    *[
        path(
            f"{settings.MEDIA_URL.strip('/')}/{folder}<str:name>",
            views_media.uploaded_image,
            {"folder": folder},
            name=name,
        )
        for folder, name in [
            (settings.MARKDOWNX_MEDIA_PATH, "uploaded_image"),
            (PHOTO_FOLDER, "contributor_photo"),
            (renditions.FOLDER, "hero_image"),
        ]
    ],
    path("sitemap.xml", sitemap, name="sitemap"),
    path("", include("articles.urls")),
    path("", include("sitepages.urls")),
]
