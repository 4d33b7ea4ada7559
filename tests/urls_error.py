from django.urls import include, path


def boom(request):
    raise RuntimeError("a failure for the 500 page test")


urlpatterns = [path("boom/", boom), path("", include("site_config.urls"))]
