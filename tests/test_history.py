"""Revisions: every admin save recorded with its rows; compare, preview, restore, recover; no lost edits.

The byline data migration is tested in test_revisions.py.
"""

import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, KeyPoint

from .admin_forms import change_url, current_fields, existing_rows, inline_data
from .conftest import SEED_SLUG

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def save(client, article, rows=None, **fields):
    """Submit the article's change page with some fields changed, as the browser would."""
    data = {**current_fields(article, **fields), **inline_data(rows or existing_rows(article))}
    return client.post(change_url(article), data)


def versions(article):
    return list(Version.objects.get_for_object(article).select_related("revision__user"))


def submitted(page):
    """What the browser sends when the article form on this page is saved as it stands."""
    form = page.select_one("form#article_form")
    data = {
        field["name"]: field.get("value", "")
        for field in form.select("input[name]")
        if field.get("type") not in ("checkbox", "submit")
    }
    data.update({area["name"]: area.get_text().removeprefix("\n") for area in form.select("textarea")})
    data.update(
        {
            select["name"]: (select.select_one("option[selected]") or {}).get("value", "")
            for select in form.select("select:not([multiple])")
        }
    )
    data["topics"] = [option["value"] for option in form.select("#id_topics option[selected]")]
    return {key: value for key, value in data.items() if "__prefix__" not in key}


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


@pytest.fixture
def edited(admin_client, seed_article):
    """The seed article after one admin save: a new title, a key point removed and one FAQ reworded."""
    rows = existing_rows(seed_article)
    rows["key_points"][5]["DELETE"] = "on"
    rows["faqs"][0]["question"] = "How does magnesium help bones?"
    body = seed_article.body.replace("often referred to", "sometimes called")
    response = save(admin_client, seed_article, rows, title="Magnesium and your bones", body=body)
    assert response.status_code == 302
    return Article.objects.get(pk=seed_article.pk)


def test_an_admin_save_records_a_revision_with_who_and_every_row(edited, admin_user):
    saved = versions(edited)
    assert len(saved) == 2  # the article as it stood, then the save
    latest, baseline = saved
    assert baseline.revision.get_comment() == "As it stood before revisions were recorded."
    assert latest.revision.user == admin_user
    assert "Deleted key point" in latest.revision.get_comment()
    rows = {v.content_type.model for v in latest.revision.version_set.all()}
    assert rows == {"article", "keypoint", "supplementform", "foodsource", "faq", "reference"}
    assert latest.revision.version_set.filter(content_type__model="keypoint").count() == 5


def test_the_history_page_lists_revisions_with_preview_compare_and_restore(admin_client, edited):
    page = soup(admin_client.get(history_url(edited)))
    rows = page.select("#change-history tbody tr")
    assert len(rows) == 2
    assert [a.get_text() for a in rows[0].select(".revision-links a")] == ["Preview", "Restore…"]
    assert page.select_one("input[name=to][checked]") and page.select_one("input[name=from][checked]")


def sides(cell):
    """The text before (insertions dropped) and after (deletions dropped) a diff."""

    def without(tag):
        copy = BeautifulSoup(str(cell), "html.parser")
        for element in copy.select(tag):
            element.decompose()
        return copy.get_text()

    return without("ins"), without("del")


def test_compare_shows_words_and_rows_that_changed(admin_client, edited):
    new, old = versions(edited)
    url = reverse("admin:articles_article_compare", args=[edited.pk])
    page = soup(admin_client.get(url, {"from": old.pk, "to": new.pk}))
    sections = {s.h2.get_text(): s for s in page.select("section.module")}
    assert set(sections) == {"Article", "Key points", "FAQs"}
    fields = {th.get_text(): td for th, td in ((tr.th, tr.td) for tr in sections["Article"].select("tr"))}
    assert sides(fields["Title"]) == ("Does Magnesium Help Osteoporosis?", "Magnesium and your bones")
    assert [d.get_text().strip() for d in fields["Body"].select("del")] == ["often referred to"]
    assert [i.get_text().strip() for i in fields["Body"].select("ins")] == ["sometimes called"]
    assert "Conclusion" not in fields["Body"].get_text()  # only the changed paragraphs, with a little context
    removed = sections["Key points"].select_one(".row-change--removed h3").get_text(" ", strip=True)
    assert removed.startswith("Dietary Sources Are Recommended First")
    faq = sections["FAQs"].select_one(".row-change--changed")
    assert sides(faq.select_one(".diff"))[1] == "How does magnesium help bones?"
    # the order of the two choices does not matter; two unknown ids are a 404
    swapped = soup(admin_client.get(url, {"from": new.pk, "to": old.pk})).select_one("#content-main")
    assert str(swapped) == str(page.select_one("#content-main"))
    assert admin_client.get(url, {"from": 999999, "to": new.pk}).status_code == 404


def test_a_revision_previews_as_the_public_page_under_a_banner(admin_client, edited, client, reader):
    new, old = versions(edited)
    url = reverse("admin:articles_article_revision_preview", args=[edited.pk, old.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex"
    page = soup(response)
    assert page.h1.get_text() == "Does Magnesium Help Osteoporosis?"
    assert "Dietary Sources Are Recommended First" in page.select_one(".key-points").get_text()
    banner = page.select_one(".staff-banner").get_text(" ", strip=True)
    assert banner.startswith("Revision preview.") and "not at what readers see now" in banner
    assert page.select_one(".staff-banner a[href$='/history/']")
    newer = soup(admin_client.get(reverse("admin:articles_article_revision_preview", args=[edited.pk, new.pk])))
    assert newer.h1.get_text() == "Magnesium and your bones"
    assert client.get(url).status_code == 302  # anonymous: to the admin login
    client.force_login(reader)
    assert client.get(url).status_code == 302


def test_restoring_a_revision_brings_back_its_rows(admin_client, edited):
    _, old = versions(edited)
    url = reverse("admin:articles_article_revision", args=[edited.pk, old.pk])
    form = soup(admin_client.get(url))
    assert form.select_one("#id_title")["value"] == "Does Magnesium Help Osteoporosis?"
    assert Article.objects.get().title == "Magnesium and your bones"  # looking changes nothing
    response = admin_client.post(url, submitted(form))
    assert response.status_code == 302, soup(response).select(".errorlist")
    restored = Article.objects.get()
    assert restored.title == "Does Magnesium Help Osteoporosis?"
    assert "often referred to" in restored.body
    assert restored.key_points.count() == 6
    assert restored.faqs.first().question != "How does magnesium help bones?"
    assert versions(restored)[0].revision.get_comment().startswith("Reverted to previous version")


def test_a_deleted_article_is_recovered_with_its_rows(admin_client, edited):
    pk = edited.pk
    response = admin_client.post(reverse("admin:articles_article_delete", args=[pk]), {"post": "yes"})
    assert response.status_code == 302 and not Article.objects.exists()
    listing = soup(admin_client.get(reverse("admin:articles_article_recoverlist")))
    row = next(tr for tr in listing.select("#content-main tr") if "Magnesium and your bones" in tr.get_text())
    link = row.select_one("a[href*='/recover/']")
    form = soup(admin_client.get(link["href"]))
    response = admin_client.post(link["href"], submitted(form))
    assert response.status_code == 302, soup(response).select(".errorlist")
    recovered = Article.objects.get(pk=pk)
    assert recovered.title == "Magnesium and your bones"
    assert recovered.key_points.count() == 5 and recovered.references.count() > 0


# No lost edits


def test_the_second_of_two_overlapping_saves_is_refused_and_keeps_its_text(
    admin_client, seed_article, django_user_model
):
    ana = django_user_model.objects.create_superuser("ana", "", "pw-for-tests", first_name="Ana", last_name="Ortiz")
    ben = django_user_model.objects.create_superuser("ben", "", "pw-for-tests")
    first, second = Client(), Client()
    first.force_login(ana)
    second.force_login(ben)
    opened = [
        re.search(r'name="base_version" value="(\d+)"', c.get(change_url(seed_article)).content.decode()).group(1)
        for c in (first, second)
    ]
    assert opened[0] == opened[1]

    assert save(first, seed_article, summary="Ana's summary.").status_code == 302
    response = save(second, seed_article, summary="Ben's better summary.")
    assert response.status_code == 200
    page = soup(response)
    error = page.select_one(".errornote + .errorlist, ul.errorlist.nonfield").get_text(" ", strip=True)
    assert error.startswith("Ana Ortiz saved this article at ")
    assert "your changes were not saved" in error and "Nothing is lost" in error
    assert page.select_one("#id_summary").get_text().strip() == "Ben's better summary."
    assert page.select_one("ul.errorlist.nonfield a")["href"] == history_url(seed_article)
    assert Article.objects.get().summary == "Ana's summary."
    # Resubmitting the same stale page is refused again; a freshly opened one saves.
    assert save(second, seed_article, summary="Ben's better summary.").status_code == 200
    fresh = Article.objects.get()
    assert save(second, fresh, summary="Ben's better summary.").status_code == 302
    assert Article.objects.get().summary == "Ben's better summary."


def test_a_page_opened_before_an_action_cannot_overwrite_it(admin_client, seed_article):
    stale = Article.objects.get(pk=seed_article.pk)
    changelist = reverse("admin:articles_article_changelist")
    admin_client.post(changelist, {"action": "unpublish", "_selected_action": [seed_article.pk]})
    response = save(admin_client, stale, summary="Edited on an old page.")
    assert response.status_code == 200
    assert Article.objects.get().status == "draft"


def test_a_page_opened_before_a_restore_cannot_overwrite_it(admin_client, edited):
    stale = Article.objects.get(pk=edited.pk)
    _, old = versions(edited)
    url = reverse("admin:articles_article_revision", args=[edited.pk, old.pk])
    form = admin_client.get(url).content.decode()
    base = re.search(r'name="base_version" value="(\d+)"', form).group(1)
    assert base == str(stale.lock_version)  # the restore form is opened at the stored save count
    Article.objects.get(pk=edited.pk).save()  # someone saves meanwhile
    data = {**current_fields(stale), **inline_data(existing_rows(stale))}
    assert admin_client.post(url, data).status_code == 200  # the restore form itself is now stale
    assert save(admin_client, stale, summary="Old page").status_code == 200


def test_a_save_count_only_grows(seed_article):
    before = seed_article.lock_version
    seed_article.save()
    assert Article.objects.get().lock_version == before + 1
    old = Version.objects.get_for_object(seed_article).first()
    if old is not None:
        old.revision.revert(delete=True)
        assert Article.objects.get().lock_version > before + 1


def test_a_row_change_alone_is_recorded_too(admin_client, seed_article):
    rows = existing_rows(seed_article)
    rows["key_points"][0]["title"] = "Magnesium builds bone"
    assert save(admin_client, seed_article, rows).status_code == 302
    latest = versions(seed_article)[0]
    stored = [v for v in latest.revision.version_set.all() if v.content_type.model == "keypoint"]
    titles = {v._object_version.object.title for v in stored}
    assert "Magnesium builds bone" in titles
    assert KeyPoint.objects.filter(title="Magnesium builds bone").exists()


def test_the_restore_form_links_to_the_revisions_preview(admin_client, edited):
    _, old = versions(edited)
    page = soup(admin_client.get(reverse("admin:articles_article_revision", args=[edited.pk, old.pk])))
    link = page.select_one("form#article_form a[href$='/preview/']")
    assert link["href"] == reverse("admin:articles_article_revision_preview", args=[edited.pk, old.pk])
