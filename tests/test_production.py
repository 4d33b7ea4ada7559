"""Production: deploy checks, security headers, static files and the start command."""

import signal
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

from .helpers import free_port, production_env

pytestmark = pytest.mark.django_db

BASE = settings.BASE_DIR


def test_production_settings_pass_the_deploy_check_with_no_issues():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=BASE,
        env=production_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_cookies_are_secure_and_http_only():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS, s.DEBUG]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE, env=production_env(), capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "[true, true, true, true, 31536000, false]", result.stderr


@pytest.mark.parametrize("value, backend", [("", "LocMemCache"), ("redis://127.0.0.1:6379/0", "RedisCache")])
def test_an_empty_cache_url_means_no_shared_cache(value, backend):
    code = "import django; django.setup(); from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE,
        env=production_env(CACHE_URL=value),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(backend)


@pytest.mark.parametrize(
    "url",
    ["/", "/articles/does-magnesium-help-osteoporosis/", "/articles/missing/", "/admin/login/", "/static/css/site.css"],
)
def test_every_response_carries_the_security_headers(client, seed_article, url):
    response = client.get(url)
    assert response.status_code in (200, 404)
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True)
def test_https_responses_carry_hsts(seed_article):
    response = Client().get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_signing_in_sets_secure_http_only_cookies(django_user_model):
    django_user_model.objects.create_superuser("chief", "", "a-long-test-password")
    client = Client(enforce_csrf_checks=False)
    login_page = client.get("/admin/login/", secure=True)
    assert login_page.cookies["csrftoken"]["secure"] and login_page.cookies["csrftoken"]["httponly"]
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "chief", "password": "a-long-test-password"}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_static_files_are_hashed_compressed_and_cached_forever(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.templatetags.static import static

    url = static("css/site.css")
    assert url != "/static/css/site.css" and url.endswith(".css")
    response = Client().get(url, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response["Content-Encoding"] == "gzip"
    assert "Content-Security-Policy" in response
    brotli_response = Client().get(url, headers={"accept-encoding": "gzip, br"})
    assert brotli_response["Content-Encoding"] == "br"  # the brotli package makes .br copies at collectstatic
    assert "Accept-Encoding" in brotli_response["Vary"]


@contextmanager
def production_server(tmp_path):
    """scripts/start-production on a SQLite file holding the initial article: its address and environment."""
    db = tmp_path / "site.sqlite3"
    env = production_env(
        DATABASE_URL=f"sqlite:///{db}",
        STATIC_ROOT=str(tmp_path / "static"),
        SECURE_SSL_REDIRECT="false",
        BIND=f"127.0.0.1:{free_port()}",
        WEB_CONCURRENCY="2",
        PYTHON=sys.executable,
    )
    for command in (["migrate", "--noinput"], ["loaddata", "initial_article"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=BASE, env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        ["sh", "scripts/start-production"],
        cwd=BASE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://{env['BIND']}"
    try:
        for _ in range(100):
            try:
                health = requests.get(base + "/healthz", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert health.status_code == 200 and health.json()["database"] == "ok"
        yield base, env
    finally:
        server.send_signal(signal.SIGTERM)
        server.output = server.communicate(timeout=10)[0]
        production_server.last_output = server.output


def test_the_production_start_command_serves_the_site(tmp_path):
    """scripts/start-production: collectstatic, then gunicorn with an access log on stdout."""
    with production_server(tmp_path) as (base, _):
        page = requests.get(
            base + "/articles/does-magnesium-help-osteoporosis/", headers={"Host": "example.org"}, timeout=5
        )
        assert page.status_code == 200
        assert "Does Magnesium Help Osteoporosis?" in page.text
        stylesheet = page.text.split('rel="stylesheet" href="')[1].split('"')[0]
        assert stylesheet.startswith("/static/css/site.") and stylesheet != "/static/css/site.css"
        assert requests.get(base + stylesheet, timeout=5).headers["Cache-Control"].endswith("immutable")
        assert requests.get(base + "/nope/", headers={"Host": "example.org"}, timeout=5).status_code == 404
    output = production_server.last_output
    assert "Booting worker" in output
    assert '"GET /articles/does-magnesium-help-osteoporosis/ HTTP/1.1" 200' in output


def test_head_gets_the_headers_of_get_and_no_body(seed_article):
    """Uptime monitors ask with HEAD; the application server is handed no body to drop."""
    import io

    from django.core import signals
    from django.db import close_old_connections

    from site_config.wsgi import application

    def call(method):
        started = {}
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": "/articles/does-magnesium-help-osteoporosis/",
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": io.StringIO(),
        }
        # As Django's test client does: a request must not close the test's own connection.
        for sent in (signals.request_started, signals.request_finished):
            sent.disconnect(close_old_connections)
        try:
            body = b"".join(
                application(environ, lambda status, headers: started.update(status=status, headers=headers))
            )
        finally:
            for sent in (signals.request_started, signals.request_finished):
                sent.connect(close_old_connections)
        return started["status"], dict(started["headers"]), body

    status, headers, body = call("GET")
    head_status, head_headers, head_body = call("HEAD")
    assert status == head_status == "200 OK"
    assert body and head_body == b""
    assert head_headers["Content-Length"] == headers["Content-Length"] == str(len(body))
    assert head_headers["ETag"] == headers["ETag"]
