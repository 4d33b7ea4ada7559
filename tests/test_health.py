"""/healthz for load balancers, and what readers see when a backing service fails."""

from unittest import mock

import pytest
from django.test import Client, override_settings

from .helpers import CACHE_DOWN, database_down

pytestmark = pytest.mark.django_db

ARTICLE = "/articles/does-magnesium-help-osteoporosis/"


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_any_host_the_load_balancer_sends(client):
    assert client.get("/healthz", headers={"host": "10.0.0.7:8000"}).status_code == 200


def test_healthz_is_503_when_the_database_is_down(client):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@override_settings(CACHES=CACHE_DOWN)
def test_healthz_stays_up_without_the_cache():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"] == "unavailable"


@pytest.mark.parametrize("url", ["/", ARTICLE])
def test_readers_get_a_plain_503_page_when_the_database_is_down(client, seed_article, url):
    client.raise_request_exception = False
    with database_down():
        response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    text = response.content.decode()
    assert "Citewell is briefly unavailable" in text
    assert "Traceback" not in text and "OperationalError" not in text and "connection refused" not in text


def test_other_failures_are_still_a_500(client):
    client.raise_request_exception = False
    with mock.patch("articles.views.render", side_effect=ValueError("a bug")):
        response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
