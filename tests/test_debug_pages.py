"""Django's debug pages list the environment: they never reach another computer."""

import subprocess
import sys
import time

import pytest
import requests
from django.conf import settings
from django.test import Client, override_settings

from .helpers import free_port, production_env

pytestmark = pytest.mark.django_db

ALL_INTERFACES = "0.0.0.0"  # noqa: S104 -- what `make run HOST=0.0.0.0` binds to
SECRET = "postgres://citewell:hunter2-secret@db.internal/citewell"


@override_settings(DEBUG=True)
@pytest.mark.parametrize(
    "meta",
    [
        {"REMOTE_ADDR": "192.168.1.20"},
        {"REMOTE_ADDR": "10.0.0.8", "HTTP_HOST": "evil.example"},
        {"REMOTE_ADDR": "2001:db8::1"},
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"},
        {"REMOTE_ADDR": ""},
    ],
)
def test_with_debug_on_other_computers_are_refused(meta, seed_article):
    for url in ("/", "/articles/missing/", "/admin/"):
        response = Client().get(url, **meta)
        assert response.status_code == 403
        assert "DEBUG on, which only this computer may see" in response.text
        assert "Traceback" not in response.text and "SECRET_KEY" not in response.text


@override_settings(DEBUG=True)
def test_with_debug_on_this_computer_still_gets_the_debug_pages(seed_article):
    response = Client().get("/articles/missing/", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 404 and "Using the URLconf defined in" in response.text
    assert Client().get("/", REMOTE_ADDR="::1").status_code == 200


def test_with_debug_off_everyone_is_served(seed_article):
    assert Client().get("/", REMOTE_ADDR="192.168.1.20").status_code == 200


def dev_settings(run_host):
    code = "from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)"
    env = production_env(DJANGO_SETTINGS_MODULE="site_config.settings.dev", RUN_HOST=run_host, ENV_FILE="")
    env.pop("ALLOWED_HOSTS")
    env.pop("DEBUG", None)
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize("run_host", ["127.0.0.1", "localhost", "::1", "[::1]"])
def test_make_run_on_this_computer_has_debug_on(run_host):
    assert dev_settings(run_host) == "True ['localhost', '127.0.0.1', '[::1]']"


@pytest.mark.parametrize("run_host", [ALL_INTERFACES, "192.168.1.20", "::", "citewell.local"])
def test_make_run_on_the_network_has_debug_off(run_host):
    assert dev_settings(run_host) == "False ['*']"


def test_make_run_on_the_network_answers_an_unknown_host_without_the_environment(tmp_path):
    port = free_port()
    env = production_env(
        DJANGO_SETTINGS_MODULE="site_config.settings.dev",
        RUN_HOST=ALL_INTERFACES,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ALLOWED_HOSTS="citewell.local",
        DEBUG="true",
        SPOOF_CHECK=SECRET,
    )
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"{ALL_INTERFACES}:{port}"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                response = requests.get(f"http://127.0.0.1:{port}/", headers={"Host": "evil.example"}, timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        status, body = response.status_code, response.text
        assert status == 400
        assert "hunter2" not in body and "DisallowedHost" not in body and "SPOOF_CHECK" not in body
    finally:
        server.terminate()
        server.wait(timeout=10)
