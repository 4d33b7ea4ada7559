"""Rate limits on what readers can make the site work hard for (search), counted per address."""

import logging

import pytest
from django.test import Client, RequestFactory, override_settings

from articles import views
from site_config.client import client_ip

from .factories import ArticleFactory
from .helpers import CACHE_DOWN, soup

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"


@pytest.fixture
def three_searches(settings):
    """Three searches a day per address (a day: no window can end in the middle of a test)."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "3/d"}
    ArticleFactory(title="Iron and fatigue")


def search(client, query="iron", **headers):
    return client.get("/search/", {"q": query}, headers=headers)


def test_searches_past_the_limit_get_a_429_that_says_why_and_when(client, three_searches):
    for query in ("iron", "zinc", "iron fatigue"):
        assert search(client, query).status_code == 200
    response = search(client)
    assert response.status_code == 429
    assert response["Retry-After"] == str(24 * 60 * 60)  # the window of "3/d"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    text = soup(response).get_text(" ", strip=True)
    assert "Too many requests" in text
    assert "You have searched many times in a short while. Please wait 24 hours and try again." in text


def test_a_429_is_never_stored(client, three_searches):
    for _ in range(4):
        limited = search(client)
    assert limited.status_code == 429
    assert "X-Cache" not in limited and "ETag" not in limited
    response = search(Client(REMOTE_ADDR="192.0.2.7"))
    assert response.status_code == 200
    assert [h.get_text(strip=True) for h in soup(response).select(".card h2")] == ["Iron and fatigue"]


def test_every_search_counts_even_one_that_finds_nothing_or_asks_for_no_page(client, three_searches):
    assert search(client, "").status_code == 200
    assert client.get("/search/", {"q": "iron", "page": "02"}).status_code == 404
    assert search(client, "nothing-matches-this").status_code == 200
    assert search(client).status_code == 429


def test_other_addresses_and_other_pages_are_not_limited(client, three_searches):
    for _ in range(4):
        search(client)
    assert search(client).status_code == 429
    assert search(Client(REMOTE_ADDR="192.0.2.7")).status_code == 200
    assert search(Client(REMOTE_ADDR="2001:db8::1")).status_code == 200
    assert client.get("/").status_code == 200


def test_behind_a_proxy_the_address_it_saw_is_counted(settings, three_searches):
    settings.TRUSTED_PROXIES = 1
    behind = Client(REMOTE_ADDR=PROXY)
    # The left-most entries are whatever the client sent: changing them does not start a new count.
    statuses = [search(behind, x_forwarded_for=f"198.51.100.{n}, 203.0.113.5").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert search(behind, x_forwarded_for="203.0.113.6").status_code == 200
    assert search(behind, x_forwarded_for="203.0.113.5, 203.0.113.6").status_code == 200


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(client, three_searches):
    statuses = [search(client, x_forwarded_for=f"198.51.100.{n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]


@override_settings(CACHES=CACHE_DOWN)
def test_when_the_cache_is_down_searches_are_served_uncounted_with_a_warning(three_searches, caplog, monkeypatch):
    monkeypatch.setattr(views.SEARCH_LIMIT, "paused_until", 0.0)  # the pause this starts ends with the test
    client = Client()
    with caplog.at_level(logging.WARNING, logger="articles.limits"):
        responses = [search(client) for _ in range(5)]
    assert [r.status_code for r in responses] == [200] * 5
    assert "Iron and fatigue" in responses[-1].content.decode()
    assert any("Rate limit 'search' not counted" in r.getMessage() for r in caplog.records)


# The client's address


def request_from(remote="203.0.113.5", forwarded=None):
    headers = {"x_forwarded_for": forwarded} if forwarded is not None else {}
    return RequestFactory(REMOTE_ADDR=remote).get("/", headers=headers)


@pytest.mark.parametrize(
    "proxies, remote, forwarded, expected",
    [
        (0, "203.0.113.5", None, "203.0.113.5"),
        (0, "203.0.113.5", "198.51.100.1", "203.0.113.5"),  # no proxy: the header is the client's own
        (0, "", None, "127.0.0.1"),  # a Unix socket: a local proxy
        (1, PROXY, "203.0.113.5", "203.0.113.5"),
        (1, PROXY, "198.51.100.1, 203.0.113.5", "203.0.113.5"),  # the client's own entries are ignored
        (1, PROXY, "198.51.100.1,203.0.113.5 ", "203.0.113.5"),
        (1, PROXY, "unknown, , 203.0.113.5", "203.0.113.5"),
        (2, PROXY, "198.51.100.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (1, PROXY, "2001:db8::5", "2001:db8::5"),
        (1, PROXY, None, PROXY),  # nothing forwarded: the proxy itself
    ],
)
def test_client_ip(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    assert client_ip(request_from(remote, forwarded)) == expected


@pytest.mark.parametrize("forwarded", ["not-an-address", "203.0.113.5:4711", "<script>", "999.1.1.1"])
def test_a_forwarded_entry_that_is_not_an_address_counts_as_the_proxy(settings, forwarded):
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request_from(PROXY, forwarded)) == PROXY


def test_a_forwarded_entry_that_is_not_an_address_is_still_limited(settings, three_searches):
    settings.TRUSTED_PROXIES = 1
    behind = Client(REMOTE_ADDR=PROXY)
    statuses = [search(behind, x_forwarded_for=f"198.51.100.1, junk-{n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.parametrize(
    "rate, seconds", [("60/m", 60), ("3/d", 86400), ("10/5m", 300), ("100/h", 3600), ("5/s", 1), ("junk", 60)]
)
def test_retry_after_is_the_window_of_the_limit(rate, seconds):
    from site_config.views import rate_period

    assert rate_period(rate) == seconds
