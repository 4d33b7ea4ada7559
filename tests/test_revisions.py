"""Revisions in the admin: recorded saves, the history page, compare, preview, restore, recover, and no lost edits.

Most tests edit a draft, whose saves change its tables; a published article's saves and restores become
its Draft (editorial.drafts), which readers do not see until it is signed off and published."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, KeyPoint, SlugRedirect
from editorial import compare, revisions, workflow
from editorial.models import Draft

from .factories import (
    ArticleFactory,
    FAQFactory,
    FoodSourceFactory,
    KeyPointFactory,
    ReferenceFactory,
    SupplementFormFactory,
)
from .helpers import (
    change_url,
    current_fields,
    errors_of,
    existing_rows,
    form_data,
    inline_data,
    messages_on,
    save_change_page,
    signed_in,
    signed_off,
    soup,
    versions,
)

pytestmark = pytest.mark.django_db

BODY = (
    "## Evidence\n\nLozenges may shorten a cold by about a day.[^ref1]\n\n"
    "## Safety\n\nHigh doses upset the stomach.\n\n## Bottom line\n\nTry them early."
)


def edit_count(page):
    return page.select_one("form#article_form input[name=edit_count]")["value"]


def post_form(client, url, page, **changes):
    return client.post(url, {**form_data(page), **changes})


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def key_point_titles(article):
    return list(article.key_points.values_list("title", flat=True))


@pytest.fixture
def priya(django_user_model):
    return django_user_model.objects.create_superuser("priya", "", "pw-for-tests", first_name="Priya", last_name="Shah")


@pytest.fixture
def zinc():
    """A draft made outside the admin (no revision yet) with rows of every kind: its saves change its tables."""
    article = ArticleFactory(draft=True, title="Does zinc shorten colds?", slug="does-zinc-shorten-colds", body=BODY)
    KeyPointFactory(article=article, order=1, title="Start early", text="Within a day of the first symptoms.")
    KeyPointFactory(article=article, order=2, title="Mind the dose", text="More is not better.")
    SupplementFormFactory(article=article, order=1, name="Zinc acetate lozenges")
    FoodSourceFactory(article=article, order=1, name="Oysters", amount="32")
    FAQFactory(article=article, order=1, question="Does zinc prevent colds?", answer="Not clearly.")
    ReferenceFactory(article=article, order=1, title="Zinc lozenges and the common cold")
    ReferenceFactory(article=article, order=2, title="An old review of zinc syrups")
    return Article.objects.get(pk=article.pk)


@pytest.fixture
def edited(zinc, priya):
    """Priya's one save: new title, a word changed, a key point swapped, an FAQ reworded, a reference gone."""
    rows = existing_rows(zinc, key_points=[{"order": "3", "title": "Lozenges, not syrups", "text": "They dissolve."}])
    rows["key_points"][1]["DELETE"] = "on"
    rows["faqs"][0]["question"] = "Can zinc prevent a cold?"
    rows["references"][1]["DELETE"] = "on"
    body = BODY.replace("by about a day", "by about two days")
    response = save_change_page(signed_in(priya), zinc, rows, title="Zinc and the common cold", body=body)
    assert response.status_code == 302, errors_of(response)
    return Article.objects.get(pk=zinc.pk)


# Every save is a revision


def test_an_admin_save_is_a_revision_by_its_editor_holding_every_row(edited, priya):
    saved = versions(edited)
    assert len(saved) == 2  # the article as it stood, then the save
    latest, baseline = saved
    assert latest.revision.user == priya
    assert baseline.revision.get_comment() == "As it stood before revisions were recorded."
    assert "Deleted key point" in latest.revision.get_comment()
    kinds = {v.content_type.model for v in latest.revision.version_set.all()}
    assert kinds == {"article", "keypoint", "supplementform", "foodsource", "faq", "reference"}
    assert latest.revision.version_set.filter(content_type__model="keypoint").count() == 2

    def held(version, model, attribute):
        return sorted(
            getattr(v._object_version.object, attribute)
            for v in version.revision.version_set.all()
            if v.content_type.model == model
        )

    assert held(baseline, "keypoint", "title") == ["Mind the dose", "Start early"]
    assert held(latest, "keypoint", "title") == ["Lozenges, not syrups", "Start early"]
    assert held(latest, "faq", "question") == ["Can zinc prevent a cold?"]
    assert held(latest, "reference", "title") == ["Zinc lozenges and the common cold"]
    assert held(baseline, "reference", "title") == ["An old review of zinc syrups", "Zinc lozenges and the common cold"]
    assert latest._object_version.object.title == "Zinc and the common cold"


def test_a_second_save_is_a_third_revision(edited, priya):
    response = save_change_page(signed_in(priya), edited, subtitle="What the trials show")
    assert response.status_code == 302, errors_of(response)
    assert len(versions(edited)) == 3
    assert versions(edited)[0]._object_version.object.subtitle == "What the trials show"


def test_a_row_change_alone_to_a_published_article_is_recorded_as_its_draft(admin_client, client, seed_article):
    rows = existing_rows(seed_article)
    rows["key_points"][0]["title"] = "Magnesium builds bone"
    assert save_change_page(admin_client, seed_article, rows).status_code == 302
    latest = versions(seed_article)[0]
    assert Draft.objects.get(article=seed_article).revision == latest.revision
    stored = [v for v in latest.revision.version_set.all() if v.content_type.model == "keypoint"]
    titles = {v._object_version.object.title for v in stored}
    assert "Magnesium builds bone" in titles
    assert not KeyPoint.objects.filter(title="Magnesium builds bone").exists()  # readers' version is untouched
    assert "Magnesium builds bone" not in client.get(seed_article.get_absolute_url()).content.decode()
    page = soup(admin_client.get(change_url(seed_article)))
    assert page.select_one("input[name='key_points-0-title']")["value"] == "Magnesium builds bone"


# The history page


def test_the_history_lists_each_revision_with_who_preview_and_restore_links_and_compare_choices(admin_client, edited):
    latest, baseline = versions(edited)
    page = soup(admin_client.get(history_url(edited)))
    rows = page.select("#change-history tbody tr")
    assert len(rows) == 2
    assert [tr.select("td")[0].get_text(strip=True) for tr in rows] == ["Priya Shah", "—"]
    assert [a.get_text() for a in rows[0].select(".revision-links a")] == ["Preview", "Restore…"]
    for tr, version in zip(rows, (latest, baseline), strict=True):
        links = {a.get_text(): a["href"] for a in tr.select(".revision-links a")}
        assert links == {
            "Preview": reverse("admin:articles_article_revision_preview", args=[edited.pk, version.pk]),
            "Restore…": reverse("admin:articles_article_revision", args=[edited.pk, version.pk]),
        }
        assert admin_client.get(links["Preview"]).status_code == 200
    assert page.select_one("input[name=to][checked]") and page.select_one("input[name=from][checked]")


def test_staff_who_may_only_view_articles_get_previews_but_no_restore(edited, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="pw-for-tests", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client = signed_in(viewer)
    page = soup(client.get(history_url(edited)))
    assert [a.get_text() for a in page.select(".revision-links a")] == ["Preview", "Preview"]
    _, baseline = versions(edited)
    preview = reverse("admin:articles_article_revision_preview", args=[edited.pk, baseline.pk])
    assert client.get(preview).status_code == 200
    restore = reverse("admin:articles_article_revision", args=[edited.pk, baseline.pk])
    assert client.post(restore, {}).status_code == 403
    assert Article.objects.get(pk=edited.pk).title == "Zinc and the common cold"


# Compare


def compare_page(client, article, old, new):
    url = reverse("admin:articles_article_compare", args=[article.pk])
    return client.get(url, {"from": old.pk, "to": new.pk})


def sides(cell):
    """The text before (insertions dropped) and after (deletions dropped) a diff."""

    def without(tag):
        copy = BeautifulSoup(str(cell), "html.parser")
        for element in copy.select(tag):
            element.decompose()
        return copy.get_text()

    return without("ins"), without("del")


def test_compare_shows_the_body_word_by_word_and_each_row_added_removed_or_changed(admin_client, edited):
    latest, baseline = versions(edited)
    response = compare_page(admin_client, edited, baseline, latest)
    assert response.status_code == 200
    sections = {s.h2.get_text(): s for s in soup(response).select("section.module")}
    assert set(sections) == {"Article", "Key points", "FAQs", "References"}
    fields = {tr.th.get_text(): tr.td for tr in sections["Article"].select("tr")}
    assert set(fields) == {"Title", "Body"}
    assert sides(fields["Title"]) == ("Does zinc shorten colds?", "Zinc and the common cold")
    body = fields["Body"]
    assert [d.get_text().strip() for d in body.select("del")] == ["a day"]
    assert [i.get_text().strip() for i in body.select("ins")] == ["two days"]
    assert "Lozenges may shorten a cold by about" in body.get_text()
    assert "Try them early." not in body.get_text()  # only the changed paragraphs, with a little context
    rows = {
        (div.h3.select_one(".row-change__kind").get_text(), div.h3.contents[0].strip())
        for section in sections.values()
        for div in section.select(".row-change")
    }
    assert rows == {
        ("(added)", "Lozenges, not syrups"),
        ("(removed)", "Mind the dose"),
        ("(changed)", "Can zinc prevent a cold?"),
        ("(removed)", "An old review of zinc syrups"),
    }
    removed = sections["Key points"].select_one(".row-change--removed h3").get_text(" ", strip=True)
    assert removed.startswith("Mind the dose")
    faq = sections["FAQs"].select_one(".row-change--changed .diff")
    assert [d.get_text().strip() for d in faq.select("del")] == ["Does", "colds"]
    assert [i.get_text().strip() for i in faq.select("ins")] == ["Can", "a cold"]
    assert sides(faq) == ("Does zinc prevent colds?", "Can zinc prevent a cold?")


def test_compare_works_whichever_way_round_the_two_are_chosen(admin_client, edited):
    latest, baseline = versions(edited)
    forwards = soup(compare_page(admin_client, edited, baseline, latest)).select_one("#content-main")
    backwards = soup(compare_page(admin_client, edited, latest, baseline)).select_one("#content-main")
    assert str(forwards) == str(backwards)


def test_two_identical_revisions_compare_as_the_same(admin_client, edited):
    assert save_change_page(admin_client, edited).status_code == 302  # saved again, unchanged
    newest, previous, _ = versions(edited)
    page = soup(compare_page(admin_client, edited, previous, newest))
    assert "These two revisions are the same." in page.select_one("#content-main").get_text()
    assert page.select("section.module") == []


def test_a_change_of_spacing_only_is_named_as_such(admin_client, edited):
    body = edited.body.replace("## Safety\n\n", "## Safety\n\n\n")
    assert save_change_page(admin_client, edited, body=body).status_code == 302
    newest, previous, _ = versions(edited)
    page = soup(compare_page(admin_client, edited, previous, newest))
    fields = {tr.th.get_text(): tr.td for tr in page.select("section.module tr")}
    assert fields["Body"].get_text(strip=True) == "Only spacing or line breaks changed; the words are the same."


def test_an_added_row_shows_its_values_with_nothing_struck_out(admin_client, edited):
    form = {
        "order": "9",
        "name": "Zinc gluconate",
        "bioavailability": "4",
        "common_use": "Lozenges",
        "efficacy": "Some",
    }
    rows = existing_rows(edited, supplement_forms=[form])
    assert save_change_page(admin_client, edited, rows).status_code == 302
    newest, previous, _ = versions(edited)
    added = soup(compare_page(admin_client, edited, previous, newest)).select_one(".row-change--added")
    assert "Zinc gluconate" in added.get_text()
    assert added.select("del") == [] and "None" not in added.get_text()
    assert "High" in added.get_text()


def test_compare_needs_two_revisions_of_this_article(admin_client, edited):
    other = ArticleFactory(draft=True)
    assert save_change_page(admin_client, other).status_code == 302
    latest, baseline = versions(edited)
    foreign = versions(other)[0]
    url = reverse("admin:articles_article_compare", args=[edited.pk])
    assert admin_client.get(url, {"from": baseline.pk, "to": foreign.pk}).status_code == 404
    assert admin_client.get(url, {"from": baseline.pk}).status_code == 404
    assert admin_client.get(url, {"from": "x", "to": latest.pk}).status_code == 404
    assert admin_client.get(url, {"from": 999999, "to": latest.pk}).status_code == 404


def test_diffs_escape_what_they_show():
    assert compare.word_diff("Use <b>less</b> salt", "Use <i>less</i> salt") == (
        "Use &lt;<del>b</del><ins>i</ins>&gt;less&lt;/<del>b</del><ins>i</ins>&gt; salt"
    )
    shown = compare.text_diff("One.\nTwo.\nThree.\nFour.\nFive.", "One.\nTwo.\nThree <x>.\nFour.\nFive.")
    assert "One." not in shown and "Five." not in shown  # only the change and a paragraph either side
    assert "Two." in shown and "Four." in shown and "&lt;x&gt;" in shown and "<x>" not in shown


# Preview


def test_a_revision_preview_is_the_article_as_it_was_under_a_banner(admin_client, edited):
    latest, baseline = versions(edited)
    response = admin_client.get(reverse("admin:articles_article_revision_preview", args=[edited.pk, baseline.pk]))
    assert response.status_code == 200
    for directive in ("no-cache", "no-store", "must-revalidate", "private"):
        assert directive in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    page = soup(response)
    text = page.get_text(" ")
    assert page.h1.get_text() == "Does zinc shorten colds?"
    assert "by about a day" in text and "by about two days" not in text
    assert "Mind the dose" in text and "Lozenges, not syrups" not in text
    assert "Mind the dose" in page.select_one(".key-points").get_text()
    assert "An old review of zinc syrups" in text and "Does zinc prevent colds?" in text
    banner = " ".join(page.select_one(".staff-banner").get_text(" ", strip=True).split())
    assert banner.startswith("Revision preview.") and "not at what readers see now" in banner
    assert page.select_one(".staff-banner a[href$='/history/']")["href"] == history_url(edited)
    newer = soup(admin_client.get(reverse("admin:articles_article_revision_preview", args=[edited.pk, latest.pk])))
    assert newer.h1.get_text() == "Zinc and the common cold"
    assert "by about two days" in newer.get_text(" ") and "Priya Shah" in newer.select_one(".staff-banner").get_text()


def test_a_revision_preview_is_for_staff_with_permission_only(edited, client, reader, django_user_model):
    _, baseline = versions(edited)
    url = reverse("admin:articles_article_revision_preview", args=[edited.pk, baseline.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")
    assert signed_in(reader).get(url).status_code == 302
    unpermitted = django_user_model.objects.create_user("intern", password="pw-for-tests", is_staff=True)
    assert signed_in(unpermitted).get(url).status_code == 403
    assert "Does zinc shorten colds?" not in anonymous.content.decode()


def test_a_revision_is_previewed_only_under_its_own_article(admin_client, edited):
    other = ArticleFactory()
    _, baseline = versions(edited)
    assert (
        admin_client.get(reverse("admin:articles_article_revision_preview", args=[other.pk, baseline.pk])).status_code
        == 404
    )


# Restore and recover


def test_restoring_a_revision_brings_back_the_body_and_the_rows(admin_client, edited):
    _, baseline = versions(edited)
    url = reverse("admin:articles_article_revision", args=[edited.pk, baseline.pk])
    page = soup(admin_client.get(url))
    assert page.select_one("#id_title")["value"] == "Does zinc shorten colds?"
    assert Article.objects.get(pk=edited.pk).title == "Zinc and the common cold"  # opening changes nothing
    response = post_form(admin_client, url, page)
    assert response.status_code == 302, errors_of(response)
    restored = Article.objects.get(pk=edited.pk)
    assert restored.title == "Does zinc shorten colds?" and restored.body == BODY
    assert "by about a day" in restored.body
    assert restored.key_points.count() == 2
    assert key_point_titles(restored) == ["Start early", "Mind the dose"]  # the deleted one back, the added one gone
    assert restored.faqs.first().question != "Can zinc prevent a cold?"
    assert list(restored.faqs.values_list("question", flat=True)) == ["Does zinc prevent colds?"]
    assert list(restored.references.values_list("order", "title")) == [
        (1, "Zinc lozenges and the common cold"),
        (2, "An old review of zinc syrups"),
    ]
    assert "by about a day" in restored.body_text and restored.citations == {"ref1": {"number": 1, "anchors": 1}}
    assert versions(restored)[0].revision.get_comment().startswith("Reverted to previous version")
    assert not Draft.objects.exists()  # a draft article's tables are the article: nothing kept aside
    page = admin_client.get(restored.get_absolute_url()).content.decode()  # the draft, as staff see it
    assert "Mind the dose" in page and "Lozenges, not syrups" not in page


def test_a_restored_revision_of_a_published_article_becomes_its_draft_and_readers_see_no_change(admin_client, client):
    article = ArticleFactory(title="Zinc and colds", body="## Evidence\n\nAs published.")
    KeyPointFactory(article=article, order=1, title="Published point")
    first = save_change_page(admin_client, article, title="Zinc: first draft", body="## Evidence\n\nFirst draft.")
    assert first.status_code == 302, errors_of(first)
    page = soup(admin_client.get(change_url(article)))
    second = post_form(admin_client, change_url(article), page, title="Zinc: second draft")
    assert second.status_code == 302, errors_of(second)
    assert Draft.objects.get(article=article).revision.version_set.filter(serialized_data__contains="second").exists()
    in_first = next(v for v in versions(article) if v._object_version.object.title == "Zinc: first draft")

    url = reverse("admin:articles_article_revision", args=[article.pk, in_first.pk])
    page = soup(admin_client.get(url))
    assert page.select_one("#id_title")["value"] == "Zinc: first draft"
    assert page.select_one("#id_change_note").has_attr("required")
    response = post_form(admin_client, url, page, change_note="Back to the first draft.")
    assert response.status_code == 302, errors_of(response)

    stored = Article.objects.get(pk=article.pk)
    assert (stored.title, stored.status) == ("Zinc and colds", "published")
    assert "As published." in stored.body and key_point_titles(stored) == ["Published point"]
    public = client.get(article.get_absolute_url()).content.decode()
    assert "As published." in public and "First draft." not in public and "Zinc: first draft" not in public
    draft = Draft.objects.get(article=article)
    assert draft.revision == versions(article)[0].revision
    assert draft.revision.get_comment().startswith("Reverted to previous version")
    assert draft.change_note == "Back to the first draft."
    page = soup(admin_client.get(change_url(article)))
    assert "Your changes are saved as a draft: readers still see the published version." in messages_on(page)
    assert page.select_one("#id_title")["value"] == "Zinc: first draft"
    assert "First draft." in page.select_one("#id_body").get_text()
    assert "Unpublished changes" in page.select_one(".review-panel").get_text()

    # Restoring what readers see drops the draft, and says so.
    as_published = next(v for v in versions(article) if v._object_version.object.title == "Zinc and colds")
    url = reverse("admin:articles_article_revision", args=[article.pk, as_published.pk])
    response = post_form(admin_client, url, soup(admin_client.get(url)), change_note="Never mind.")
    assert response.status_code == 302, errors_of(response)
    page = soup(admin_client.get(change_url(article)))
    assert "there are no unpublished changes" in messages_on(page)
    assert not Draft.objects.filter(article=article).exists()
    assert "Unpublished changes" not in page.select_one(".review-panel").get_text()


def test_the_restore_form_links_to_the_revisions_preview(admin_client, edited):
    _, baseline = versions(edited)
    page = soup(admin_client.get(reverse("admin:articles_article_revision", args=[edited.pk, baseline.pk])))
    link = page.select_one("form#article_form a[href$='/preview/']")
    assert link["href"] == reverse("admin:articles_article_revision_preview", args=[edited.pk, baseline.pk])


def test_the_restore_form_shows_the_reading_time_of_the_revision(admin_client, edited):
    _, baseline = versions(edited)
    page = soup(admin_client.get(reverse("admin:articles_article_revision", args=[edited.pk, baseline.pk])))
    shown = page.select_one(".field-reading_time .readonly").get_text()
    then = revisions.article_at(baseline).article
    assert then.word_count > 1
    assert shown == f"{then.reading_minutes} min ({then.word_count} words)"


def publish_signed_off(article, editor, reviewer):
    """The article's version under review, signed off by `reviewer` and published by `editor`."""
    signed_off(article, reviewer)
    return workflow.publish(article, editor)


def test_restoring_an_older_address_keeps_the_newer_one_redirecting(admin_client, admin_user, client, reviewer):
    article = ArticleFactory(slug="zinc-for-colds", body="Text.")
    assert save_change_page(admin_client, article, slug="zinc-and-colds").status_code == 302
    assert client.get("/articles/zinc-for-colds/").status_code == 200  # a draft moves no address
    assert client.get("/articles/zinc-and-colds/").status_code == 404
    publish_signed_off(article, admin_user, reviewer)
    assert client.get("/articles/zinc-for-colds/").status_code == 301
    baseline = versions(article)[-1]
    url = reverse("admin:articles_article_revision", args=[article.pk, baseline.pk])
    page = soup(admin_client.get(url))
    assert post_form(admin_client, url, page, change_note="Back to the old address.").status_code == 302
    assert Article.objects.get(pk=article.pk).slug == "zinc-and-colds"  # until the restore is published
    assert client.get("/articles/zinc-and-colds/").status_code == 200
    publish_signed_off(article, admin_user, reviewer)
    assert Article.objects.get(pk=article.pk).slug == "zinc-for-colds"
    assert client.get("/articles/zinc-for-colds/").status_code == 200
    # Links to the address it had until the restore must still lead to the article.
    moved = client.get("/articles/zinc-and-colds/")
    assert (moved.status_code, moved.get("Location")) == (301, "/articles/zinc-for-colds/")
    assert list(SlugRedirect.objects.values_list("old_slug", flat=True)) == ["zinc-and-colds"]


def edited_data(article):
    return {**current_fields(article), **inline_data(existing_rows(article))}


def test_a_restore_that_fails_leaves_the_article_and_its_page_as_they_were(admin_client):
    article = ArticleFactory(draft=True, slug="zinc-for-colds", body="## Old heading\n\nOld text.")
    response = save_change_page(admin_client, article, slug="zinc-and-colds", body="## New heading\n\nNew text.")
    assert response.status_code == 302
    ArticleFactory(slug="zinc-for-colds", title="Another article")  # the old address is taken now
    _, baseline = versions(article)
    url = reverse("admin:articles_article_revision", args=[article.pk, baseline.pk])
    edited = Article.objects.get(pk=article.pk)
    for response in (admin_client.get(url, follow=True), admin_client.post(url, edited_data(edited), follow=True)):
        assert response.status_code == 200
        assert any(str(m.message).startswith("Could not save") for m in response.context["messages"])
    stored = Article.objects.get(pk=article.pk)
    assert stored.slug == "zinc-and-colds" and "New text." in stored.body
    assert '<h2 id="new-heading">New heading</h2>' in stored.body_html and "Old" not in stored.body_html
    assert "New text." in admin_client.get("/articles/zinc-and-colds/").content.decode()  # the draft, to staff


def test_a_deleted_article_is_recovered_with_its_rows(admin_client, edited):
    pk = edited.pk
    response = admin_client.post(reverse("admin:articles_article_delete", args=[pk]), {"post": "yes"})
    assert response.status_code == 302 and not Article.objects.filter(pk=pk).exists()
    assert admin_client.get("/articles/does-zinc-shorten-colds/").status_code == 404

    listing = soup(admin_client.get(reverse("admin:articles_article_recoverlist")))
    row = next(tr for tr in listing.select("#change-history tbody tr") if "Zinc and the common cold" in tr.get_text())
    link = row.select_one("a[href*='/recover/']")
    preview = soup(
        admin_client.get(
            reverse("admin:articles_article_revision_preview", args=[pk, link["href"].rstrip("/").split("/")[-1]])
        )
    )
    assert (
        preview.select_one(".staff-banner")
        .get_text(" ", strip=True)
        .startswith("Revision preview of a deleted article.")
    )
    response = post_form(admin_client, link["href"], soup(admin_client.get(link["href"])))
    assert response.status_code == 302, errors_of(response)
    recovered = Article.objects.get(pk=pk)
    assert recovered.title == "Zinc and the common cold"
    assert key_point_titles(recovered) == ["Start early", "Lozenges, not syrups"]
    assert list(recovered.references.values_list("title", flat=True)) == ["Zinc lozenges and the common cold"]
    assert recovered.key_points.count() == 2 and recovered.supplement_forms.count() == 1
    assert recovered.status == "draft"
    assert admin_client.get(recovered.get_absolute_url()).status_code == 200


# A restore deletes the rows added since: only for those who may delete them

NEW_FAQ = {"order": "2", "question": "Is zinc safe in pregnancy?", "answer": "At the usual doses, yes."}


def faq_questions(article):
    return list(article.faqs.values_list("question", flat=True))


def with_faq_added_by(client, article):
    """The article after `client` saved its change page with one FAQ added; its revision before that is the
    one to restore."""
    response = save_change_page(client, article, existing_rows(article, faqs=[NEW_FAQ]))
    assert response.status_code == 302, errors_of(response)
    return Article.objects.get(pk=article.pk)


def restore_url(article, version):
    return reverse("admin:articles_article_revision", args=[article.pk, version.pk])


def test_an_editor_is_refused_a_restore_that_would_delete_rows_and_nothing_changes(editor_client, zinc):
    article = with_faq_added_by(editor_client, zinc)
    latest, before = versions(article)
    url = restore_url(article, before)
    refused = [editor_client.get(url), editor_client.post(url, edited_data(article))]
    for response in refused:
        assert response.status_code == 302 and response["Location"] == history_url(article)
    message = messages_on(soup(editor_client.get(history_url(article))))
    assert "This revision was not restored, and nothing was changed" in message
    assert "would delete a row added since it was saved, which your account may not delete" in message
    assert "FAQ “Is zinc safe in pregnancy?”" in message
    stored = Article.objects.get(pk=article.pk)
    assert faq_questions(stored) == ["Does zinc prevent colds?", "Is zinc safe in pregnancy?"]
    assert stored.edit_count == article.edit_count and versions(stored)[0] == latest


def test_an_editor_restores_a_revision_that_deletes_no_row(editor_client, zinc):
    response = save_change_page(editor_client, zinc, title="Zinc, briefly")
    assert response.status_code == 302, errors_of(response)
    _, before = versions(zinc)
    url = restore_url(zinc, before)
    response = post_form(editor_client, url, soup(editor_client.get(url)))
    assert response.status_code == 302, errors_of(response)
    assert Article.objects.get(pk=zinc.pk).title == "Does zinc shorten colds?"


def test_whoever_may_delete_the_rows_at_stake_gets_the_full_restore(editor_client, editor, zinc):
    article = with_faq_added_by(editor_client, zinc)
    _, before = versions(article)
    editor.user_permissions.add(Permission.objects.get(codename="delete_faq"))  # FAQs only: all that is at stake
    url = restore_url(article, before)
    response = post_form(editor_client, url, soup(editor_client.get(url)))
    assert response.status_code == 302, errors_of(response)
    assert faq_questions(Article.objects.get(pk=article.pk)) == ["Does zinc prevent colds?"]


def test_an_editor_is_refused_a_restore_that_would_drop_a_row_from_a_published_articles_draft(editor_client, client):
    article = ArticleFactory(title="Zinc and colds", body="## Evidence\n\nAs published.")
    FAQFactory(article=article, order=1, question="Does zinc prevent colds?", answer="Not clearly.")
    response = save_change_page(
        editor_client, article, existing_rows(article, faqs=[NEW_FAQ]), change_note="Added an FAQ."
    )
    assert response.status_code == 302, errors_of(response)
    draft = Draft.objects.get(article=article)
    as_published = versions(article)[-1]
    url = restore_url(article, as_published)
    response = editor_client.post(url, {**edited_data(article), "change_note": "Back to what readers see."})
    assert response.status_code == 302 and response["Location"] == history_url(article)
    assert "FAQ “Is zinc safe in pregnancy?”" in messages_on(soup(editor_client.get(history_url(article))))
    assert Draft.objects.get(article=article).revision == draft.revision
    page = soup(editor_client.get(change_url(article)))
    assert page.select_one("input[name='faqs-1-question']")["value"] == "Is zinc safe in pregnancy?"
    assert "Is zinc safe in pregnancy?" not in client.get(article.get_absolute_url()).content.decode()


# No lost edits


def test_of_two_editors_on_the_same_page_the_second_is_refused_and_keeps_what_they_typed(
    edited, priya, django_user_model
):
    tom = django_user_model.objects.create_superuser("tom", "", "pw-for-tests", first_name="Tom", last_name="Berg")
    first, second = signed_in(priya), signed_in(tom)
    page_a, page_b = soup(first.get(change_url(edited))), soup(second.get(change_url(edited)))
    assert edit_count(page_a) == edit_count(page_b) == str(edited.edit_count)

    response = post_form(first, change_url(edited), page_a, summary="Priya's summary.")
    assert response.status_code == 302, errors_of(response)

    page_b_data = form_data(page_b)
    page_b_data.update({"summary": "Tom's summary.", "key_points-0-title": "Start on day one"})
    response = second.post(change_url(edited), page_b_data)
    assert response.status_code == 200
    page = soup(response)
    error = " ".join(page.select_one("ul.errorlist.nonfield").get_text(" ", strip=True).split())
    assert error.startswith("Priya Shah saved this article at ")
    assert "your changes were not saved" in error and "Nothing is lost" in error
    assert page.select_one("ul.errorlist.nonfield a")["href"] == history_url(edited)
    assert page.select_one("#id_summary").get_text().strip() == "Tom's summary."
    assert page.select_one("input[name='key_points-0-title']")["value"] == "Start on day one"
    stored = Article.objects.get(pk=edited.pk)
    assert stored.summary == "Priya's summary." and key_point_titles(stored)[0] == "Start early"
    # Resubmitting the same stale page is refused again; a freshly opened one saves.
    assert second.post(change_url(edited), page_b_data).status_code == 200
    fresh = soup(second.get(change_url(edited)))
    response = post_form(second, change_url(edited), fresh, summary="Tom's summary.")
    assert response.status_code == 302, errors_of(response)
    assert Article.objects.get(pk=edited.pk).summary == "Tom's summary."


def test_a_page_opened_before_an_action_cannot_overwrite_it(admin_client, seed_article):
    stale = Article.objects.get(pk=seed_article.pk)
    changelist = reverse("admin:articles_article_changelist")
    admin_client.post(changelist, {"action": "unpublish", "_selected_action": [seed_article.pk]})
    response = save_change_page(admin_client, stale, summary="Edited on an old page.")
    assert response.status_code == 200
    assert Article.objects.get().status == "draft"


def test_a_page_opened_before_the_publish_button_is_refused(admin_client, edited, priya, reviewer):
    other = signed_in(priya)
    stale = soup(other.get(change_url(edited)))
    signed_off(edited, reviewer)
    assert admin_client.post(reverse("admin:articles_article_publish", args=[edited.pk])).status_code == 302
    assert Article.objects.get(pk=edited.pk).is_published
    response = post_form(other, change_url(edited), stale, summary="Typed on an old page.")
    assert response.status_code == 200
    assert "saved this article" in soup(response).select_one("ul.errorlist.nonfield").get_text()
    assert Article.objects.get(pk=edited.pk).summary != "Typed on an old page."
    assert not Draft.objects.exists()


def test_a_page_opened_before_a_restore_is_refused(admin_client, edited, priya):
    stale = soup(signed_in(priya).get(change_url(edited)))
    _, baseline = versions(edited)
    url = reverse("admin:articles_article_revision", args=[edited.pk, baseline.pk])
    assert post_form(admin_client, url, soup(admin_client.get(url))).status_code == 302
    response = post_form(signed_in(priya), change_url(edited), stale, summary="Typed before the restore.")
    assert response.status_code == 200
    error = soup(response).select_one("ul.errorlist.nonfield").get_text(" ", strip=True)
    assert error.startswith("Admin saved this article at ")  # the admin who restored it
    stored = Article.objects.get(pk=edited.pk)
    assert stored.title == "Does zinc shorten colds?" and stored.summary != "Typed before the restore."
    assert key_point_titles(stored) == ["Start early", "Mind the dose"]


def test_a_restore_form_is_opened_at_the_stored_edit_count_and_refused_after_a_save(admin_client, edited):
    stale = Article.objects.get(pk=edited.pk)
    _, baseline = versions(edited)
    url = reverse("admin:articles_article_revision", args=[edited.pk, baseline.pk])
    form = soup(admin_client.get(url))
    assert edit_count(form) == str(stale.edit_count)  # not the edit count stored in the revision
    Article.objects.get(pk=edited.pk).save()  # someone saves meanwhile
    assert post_form(admin_client, url, form).status_code == 200  # the restore form itself is now stale
    assert save_change_page(admin_client, stale, summary="Old page").status_code == 200
    assert Article.objects.get(pk=edited.pk).title == "Zinc and the common cold"


def test_of_two_restore_forms_opened_together_the_second_is_refused(admin_client, edited, priya):
    latest, baseline = versions(edited)
    to_baseline = reverse("admin:articles_article_revision", args=[edited.pk, baseline.pk])
    to_latest = reverse("admin:articles_article_revision", args=[edited.pk, latest.pk])
    mine, theirs = soup(admin_client.get(to_baseline)), soup(signed_in(priya).get(to_latest))
    assert post_form(admin_client, to_baseline, mine).status_code == 302
    response = post_form(signed_in(priya), to_latest, theirs)
    assert response.status_code == 200
    assert "saved this article" in soup(response).select_one("ul.errorlist.nonfield").get_text()
    assert Article.objects.get(pk=edited.pk).title == "Does zinc shorten colds?"


def test_a_recover_form_opened_before_the_article_was_recovered_and_edited_is_refused(admin_client, edited, priya):
    admin_client.post(reverse("admin:articles_article_delete", args=[edited.pk]), {"post": "yes"})
    deleted = Version.objects.get_deleted(Article).first()
    url = reverse("admin:articles_article_recover", args=[deleted.pk])
    theirs = soup(signed_in(priya).get(url))  # Priya opens the recover page too
    assert post_form(admin_client, url, soup(admin_client.get(url))).status_code == 302
    recovered = Article.objects.get(pk=edited.pk)
    assert save_change_page(admin_client, recovered, summary="Edited after the recovery.").status_code == 302

    response = post_form(signed_in(priya), url, theirs)  # her page predates both
    assert response.status_code == 200
    assert Article.objects.get(pk=edited.pk).summary == "Edited after the recovery."


def test_the_edit_count_only_grows(seed_article):
    revisions.ensure_baseline(seed_article.pk)  # the fixture's article has no revision of its own
    old = Version.objects.get_for_object(seed_article).first()
    assert old is not None
    before = seed_article.edit_count
    seed_article.title = "Magnesium and your bones"
    seed_article.save()
    assert Article.objects.get().edit_count == before + 1
    old.revision.revert(delete=True)  # going back to an old revision is a save too
    reverted = Article.objects.get()
    assert reverted.title == "Does Magnesium Help Osteoporosis?"
    assert reverted.edit_count > before + 1
