from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command

from articles.derivation import deriving_once
from articles.models import Article
from pagecache import store
from pagecache.versions import versions
from sitepages.models import SitePage

from .helpers import reviewer_account

DATA = Path(__file__).parent / "data"
SEED_SLUG = "does-magnesium-help-osteoporosis"


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty page cache, and reads the versions afresh (test transactions
    roll them back)."""
    cache.clear()
    store.forget()
    versions.forget()


@pytest.fixture
def seed_article(db):
    with deriving_once():  # as setup_site loads it: the article derived once, after its rows
        call_command("loaddata", "initial_article", verbosity=0)
    return Article.objects.get(slug=SEED_SLUG)


@pytest.fixture
def site_pages(db):
    """The five site pages as the fixture has them, by slug."""
    call_command("loaddata", "site_pages", verbosity=0)
    return {page.slug: page for page in SitePage.objects.all()}


@pytest.fixture
def editor(db, django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw-for-tests", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def reader(db, django_user_model):
    return django_user_model.objects.create_user("reader", password="pw-for-tests")


@pytest.fixture
def reviewer(db):
    """Ana Ruiz, MD: a medical reviewer's account, linked to her contributor and in the Medical reviewers group."""
    return reviewer_account()


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads go to a folder of this test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
