"""The Markdown editor's preview: POST only, a 400 with a message for what it cannot preview, limited per account.

What it renders, and that it stays inert, is in test_security."""

import pytest
from django.contrib.auth.models import Group

from articles import rendering

from .helpers import CACHE_DOWN, signed_in

pytestmark = pytest.mark.django_db

URL = "/admin/markdownx/markdownify/"


def test_the_preview_renders_what_it_is_sent(editor_client):
    response = editor_client.post(URL, {"content": "## Dosage\n\nTake it with food."})
    assert response.status_code == 200
    assert '<h2 id="dosage">Dosage</h2>' in response.content.decode()


def test_a_preview_without_content_is_refused_with_a_message(editor_client):
    response = editor_client.post(URL, {"text": "# Not the field the editor sends"})
    assert response.status_code == 400
    assert "Nothing to preview" in response.content.decode()


def test_a_preview_of_more_than_the_limit_is_refused_with_a_message(editor_client):
    limit = rendering.MAX_MARKDOWN_CHARS
    assert editor_client.post(URL, {"content": "word " * (limit // 5)}).status_code == 200
    response = editor_client.post(URL, {"content": "x" * (limit + 1)})
    assert response.status_code == 400
    assert response.content.decode() == (
        f"This text has {limit + 1:,} characters; Markdown fields hold at most {limit:,}. Shorten it by 1 character."
    )


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete", "options"])
def test_the_preview_answers_post_only(editor_client, method):
    response = getattr(editor_client, method)(URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_previews_are_limited_per_account(editor_client, django_user_model, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "preview": "3/h"}
    for _ in range(3):
        assert editor_client.post(URL, {"content": "Text."}).status_code == 200
    limited = editor_client.post(URL, {"content": "Text."})
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert "The editor has asked for many previews in a short while." in limited.content.decode()
    other = django_user_model.objects.create_user("other-editor", is_staff=True)
    other.groups.add(Group.objects.get(name="Editors"))
    assert signed_in(other).post(URL, {"content": "Text."}).status_code == 200


def test_requests_refused_before_the_preview_are_not_counted(editor_client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "preview": "1/h"}
    for _ in range(3):
        assert editor_client.get(URL).status_code == 405
    assert editor_client.post(URL, {"content": "Text."}).status_code == 200


def test_with_the_cache_down_previews_are_served_uncounted(editor_client, settings, monkeypatch):
    from editorial import views

    monkeypatch.setattr(views.PREVIEW_LIMIT, "paused_until", 0.0)  # the pause this starts ends with the test
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "preview": "1/h"}
    settings.CACHES = CACHE_DOWN
    statuses = [editor_client.post(URL, {"content": "Text."}).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
