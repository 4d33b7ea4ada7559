"""First-run setup: loads the initial article and creates an admin, once."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError

from articles.models import Article

from .factories import ArticleFactory
from .helpers import setup_site

pytestmark = pytest.mark.django_db


def test_first_run_loads_the_article_and_creates_an_admin_with_a_printed_password(client):
    output = setup_site()
    assert Article.objects.get().slug == "does-magnesium-help-osteoporosis"
    password = re.search(r"password: (\S+)", output).group(1)
    assert len(password) >= 16
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)
    signed_in = client.post("/admin/login/", {"username": "admin", "password": password, "next": "/admin/"})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"


def test_second_run_changes_nothing_and_prints_no_password():
    setup_site()
    admin = get_user_model().objects.get()
    article = Article.objects.get()
    output = setup_site()
    assert "password:" not in output
    assert get_user_model().objects.get().password == admin.password
    assert list(Article.objects.all()) == [article]


def test_each_new_site_gets_its_own_password():
    first = re.search(r"password: (\S+)", setup_site()).group(1)
    get_user_model().objects.all().delete()
    second = re.search(r"password: (\S+)", setup_site()).group(1)
    assert first != second


def test_an_existing_site_keeps_its_own_articles():
    ArticleFactory(title="Our own article")
    setup_site()
    assert list(Article.objects.values_list("title", flat=True)) == ["Our own article"]


def test_a_broken_fixture_changes_nothing(tmp_path):
    fixture = json.loads((settings.BASE_DIR / "articles/fixtures/initial_article.json").read_text())
    last_reference = next(item for item in reversed(fixture) if item["model"] == "articles.reference")
    last_reference["fields"]["doi"] = None  # the last row cannot be stored
    bad = tmp_path / "broken.json"
    bad.write_text(json.dumps(fixture))
    with pytest.raises(IntegrityError):
        call_command("loaddata", str(bad), verbosity=0)
    assert not Article.objects.exists()


def test_first_run_records_the_initial_article_as_its_first_revision():
    from reversion.models import Version

    setup_site()
    versions = Version.objects.get_for_object(Article.objects.get())
    assert [v.revision.get_comment() for v in versions] == ["Loaded with the site (the initial article)."]
    setup_site()
    assert Version.objects.get_for_object(Article.objects.get()).count() == 1
