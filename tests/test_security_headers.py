"""Every response carries the full set of security headers, whatever part of the stack answered it."""

import subprocess
import sys
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.test import Client

from .helpers import database_down, image_bytes, production_env, signed_in

pytestmark = pytest.mark.django_db

BASE = django_settings.BASE_DIR
ARTICLE = "/articles/does-magnesium-help-osteoporosis/"
UPLOAD = "uploads/0b5e4d3c-2a19-4f8e-9d6c-7a1b2c3d4e5f.png"
HSTS = {"SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True}
EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",  # the production settings
}
DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics", "display-capture"]


def get(client, url, **headers):
    return client.get(url, secure=True, headers=headers)


def healthz_down(client, settings):
    with database_down():
        return get(client, "/healthz")


def database_lost(client, settings):
    client.raise_request_exception = False
    with database_down():
        return get(client, "/")


def server_error(client, settings):
    client.raise_request_exception = False
    with mock.patch("articles.views.render", side_effect=ValueError("a bug")):
        return get(client, "/")


def rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "1/d"}
    get(client, "/search/?q=iron")
    return get(client, "/search/?q=iron")


def cached_hit(client, settings):
    get(client, ARTICLE)
    return get(client, ARTICLE)


def not_modified_stored(client, settings):
    etag = get(client, ARTICLE)["ETag"]
    return get(client, ARTICLE, if_none_match=etag)


def not_modified_rendered(client, settings):
    settings.PAGE_CACHE = False
    return get(client, ARTICLE, if_none_match="*")


def static_not_modified(client, settings):
    etag = get(client, "/static/css/site.css")["ETag"]
    return get(client, "/static/css/site.css", if_none_match=etag)


def media_file(client, settings):
    (settings.MEDIA_ROOT / UPLOAD).parent.mkdir(parents=True)
    (settings.MEDIA_ROOT / UPLOAD).write_bytes(image_bytes())
    return get(client, f"/media/{UPLOAD}")


def admin_page(client, settings):
    from django.contrib.auth.models import User

    return get(signed_in(User.objects.create_superuser("chief", "", "pw")), "/admin/articles/article/")


RESPONSES = {
    "healthz": (lambda client, settings: get(client, "/healthz"), 200),
    "healthz, database down": (healthz_down, 503),
    "unknown host": (lambda client, settings: get(Client(HTTP_HOST="evil.example"), "/"), 400),
    "unknown host, not a public page": (lambda client, settings: get(Client(HTTP_HOST="evil.example"), "/admin/"), 400),
    "page": (lambda client, settings: get(client, "/"), 200),
    "stored page": (cached_hit, 200),
    "304, stored page": (not_modified_stored, 304),
    "304, rendered page": (not_modified_rendered, 304),
    "301, first page": (lambda client, settings: get(client, "/?page=1"), 301),
    "404, no such article": (lambda client, settings: get(client, "/articles/nothing-here/"), 404),
    "404, no such route": (lambda client, settings: get(client, "/no/such/route/"), 404),
    "500": (server_error, 500),
    "503, database down": (database_lost, 503),
    "429": (rate_limited, 429),
    "405": (lambda client, settings: client.post("/static/css/site.css", secure=True), 405),
    "static file": (lambda client, settings: get(client, "/static/css/site.css"), 200),
    "304, static file": (static_not_modified, 304),
    "media file": (media_file, 200),
    "admin login": (lambda client, settings: get(client, "/admin/login/"), 200),
    "admin page": (admin_page, 200),
    "feed": (lambda client, settings: get(client, "/feed/"), 200),
}


@pytest.mark.parametrize("case", RESPONSES, ids=list(RESPONSES))
def test_every_response_carries_every_security_header(client, seed_article, settings, media_root, case):
    for name, value in HSTS.items():
        setattr(settings, name, value)
    answer, status = RESPONSES[case]
    response = answer(client, settings)
    assert response.status_code == status
    for name, value in EXPECTED.items():
        assert response.get(name) == value, name
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    permissions = dict(item.split("=") for item in response["Permissions-Policy"].split(", "))
    assert all(permissions[feature] == "()" for feature in DENIED_FEATURES)
    assert set(permissions.values()) == {"()"}


def test_plain_http_responses_carry_no_hsts(client, seed_article, settings):
    for name, value in HSTS.items():
        setattr(settings, name, value)
    for url in ("/healthz", "/", "/articles/nothing-here/"):
        response = client.get(url)
        assert "Strict-Transport-Security" not in response
        assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_a_header_a_response_sets_itself_is_kept(client, seed_article):
    from django.http import HttpResponse

    own = HttpResponse(
        "framed", headers={"X-Frame-Options": "SAMEORIGIN", "Cross-Origin-Resource-Policy": "cross-origin"}
    )
    with mock.patch("articles.views.render", return_value=own):
        response = client.get("/")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response["Permissions-Policy"].startswith("accelerometer=()")


# The order of the middlewares: the one that fills in the headers must see every response


def test_the_headers_middleware_is_outermost():
    assert django_settings.MIDDLEWARE[0] == "site_config.middleware.SecurityHeadersMiddleware"


def test_the_headers_middleware_is_outermost_in_production():
    code = "import django; django.setup(); from django.conf import settings; print(settings.MIDDLEWARE[0])"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE, env=production_env(), capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "site_config.middleware.SecurityHeadersMiddleware"
