"""Revisions in the admin: recorded saves, compare, preview, restore, recover, and no lost edits."""

import importlib

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles import revisions
from articles.models import Article, SlugRedirect

from .admin_forms import change_url, current_fields, existing_rows, inline_data
from .factories import ArticleFactory, FAQFactory, KeyPointFactory, ReferenceFactory

pytestmark = pytest.mark.django_db

BODY = (
    "## Evidence\n\nLozenges may shorten a cold by about a day.[^1]\n\n"
    "## Safety\n\nHigh doses upset the stomach.\n\n## Bottom line\n\nTry them early."
)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def errors_of(response):
    return [e.get_text(" ", strip=True) for e in soup(response).select(".errorlist li")]


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def base_version(page):
    return page.select_one("form#article_form input[name=base_version]")["value"]


def form_data(page):
    """What the browser sends when the article form on this page is saved as it stands."""
    form = page.select_one("form#article_form")
    data = {
        field["name"]: field.get("value", "")
        for field in form.select("input[name]")
        if field.get("type") not in ("checkbox", "submit")
    }
    data.update({field["name"]: "on" for field in form.select("input[type=checkbox][checked]")})
    data.update({area["name"]: area.get_text().removeprefix("\n") for area in form.select("textarea")})
    data.update(
        {
            select["name"]: (select.select_one("option[selected]") or {}).get("value", "")
            for select in form.select("select:not([multiple])")
        }
    )
    data["topics"] = [option["value"] for option in form.select("#id_topics option[selected]")]
    return {key: value for key, value in data.items() if "__prefix__" not in key}


def post_form(client, url, page, **changes):
    return client.post(url, {**form_data(page), **changes})


def versions(article):
    return list(Version.objects.get_for_object_reference(Article, article.pk).select_related("revision__user"))


def key_point_titles(article):
    return list(article.key_points.values_list("title", flat=True))


@pytest.fixture
def priya(django_user_model):
    return django_user_model.objects.create_superuser("priya", "", "pw-for-tests", first_name="Priya", last_name="Shah")


@pytest.fixture
def zinc():
    """An article made outside the admin (no revision yet) with a row of each kind that matters here."""
    article = ArticleFactory(title="Does zinc shorten colds?", slug="does-zinc-shorten-colds", body=BODY)
    KeyPointFactory(article=article, order=1, title="Start early", text="Within a day of the first symptoms.")
    KeyPointFactory(article=article, order=2, title="Mind the dose", text="More is not better.")
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
    data = {**current_fields(zinc, title="Zinc and the common cold", body=body), **inline_data(rows)}
    response = signed_in(priya).post(change_url(zinc), data)
    assert response.status_code == 302, errors_of(response)
    return Article.objects.get(pk=zinc.pk)


# Every save is a revision


def test_an_admin_save_is_a_revision_by_its_editor_holding_every_row(edited, priya):
    latest, baseline = versions(edited)
    assert latest.revision.user == priya
    assert baseline.revision.get_comment() == "As it stood before revisions were recorded."

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
    response = signed_in(priya).post(
        change_url(edited),
        {**current_fields(edited, subtitle="What the trials show"), **inline_data(existing_rows(edited))},
    )
    assert response.status_code == 302, errors_of(response)
    assert len(versions(edited)) == 3
    assert versions(edited)[0]._object_version.object.subtitle == "What the trials show"


def test_the_history_lists_each_revision_with_who_and_preview_and_restore_links(admin_client, edited):
    latest, baseline = versions(edited)
    page = soup(admin_client.get(reverse("admin:articles_article_history", args=[edited.pk])))
    rows = page.select("#change-history tbody tr")
    assert [tr.select("td")[0].get_text(strip=True) for tr in rows] == ["Priya Shah", "—"]
    for tr, version in zip(rows, (latest, baseline)):
        links = {a.get_text(): a["href"] for a in tr.select(".revision-links a")}
        assert links == {
            "Preview": reverse("admin:articles_article_revision_preview", args=[edited.pk, version.pk]),
            "Restore…": reverse("admin:articles_article_revision", args=[edited.pk, version.pk]),
        }
        assert admin_client.get(links["Preview"]).status_code == 200


def test_staff_who_may_only_view_articles_get_previews_but_no_restore(edited, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="pw-for-tests", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client = signed_in(viewer)
    page = soup(client.get(reverse("admin:articles_article_history", args=[edited.pk])))
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


def test_compare_shows_the_body_word_by_word_and_each_row_added_removed_or_changed(admin_client, edited):
    latest, baseline = versions(edited)
    response = compare_page(admin_client, edited, baseline, latest)
    assert response.status_code == 200
    sections = {s.h2.get_text(): s for s in soup(response).select("section.module")}
    assert set(sections) == {"Article", "Key points", "FAQs", "References"}
    fields = {tr.th.get_text(): tr.td for tr in sections["Article"].select("tr")}
    assert set(fields) == {"Title", "Body"}
    body = fields["Body"]
    assert [d.get_text().strip() for d in body.select("del")] == ["a day"]
    assert [i.get_text().strip() for i in body.select("ins")] == ["two days"]
    assert "Lozenges may shorten a cold by about" in body.get_text()
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
    faq = sections["FAQs"].select_one(".row-change--changed .diff")
    assert [d.get_text().strip() for d in faq.select("del")] == ["Does", "colds"]
    assert [i.get_text().strip() for i in faq.select("ins")] == ["Can", "a cold"]


def test_compare_works_whichever_way_round_the_two_are_chosen(admin_client, edited):
    latest, baseline = versions(edited)
    forwards = soup(compare_page(admin_client, edited, baseline, latest)).select_one("#content-main")
    backwards = soup(compare_page(admin_client, edited, latest, baseline)).select_one("#content-main")
    assert str(forwards) == str(backwards)


def test_two_identical_revisions_compare_as_the_same(admin_client, edited):
    admin_client.post(reverse("admin:articles_article_reviewed", args=[edited.pk]))  # already reviewed today
    newest, previous, _ = versions(edited)
    page = soup(compare_page(admin_client, edited, previous, newest))
    assert "These two revisions are the same." in page.select_one("#content-main").get_text()
    assert page.select("section.module") == []


def test_compare_needs_two_revisions_of_this_article(admin_client, edited):
    other = ArticleFactory()
    admin_client.post(reverse("admin:articles_article_reviewed", args=[other.pk]))
    latest, baseline = versions(edited)
    foreign = versions(other)[0]
    url = reverse("admin:articles_article_compare", args=[edited.pk])
    assert admin_client.get(url, {"from": baseline.pk, "to": foreign.pk}).status_code == 404
    assert admin_client.get(url, {"from": baseline.pk}).status_code == 404
    assert admin_client.get(url, {"from": "x", "to": latest.pk}).status_code == 404


def test_diffs_escape_what_they_show():
    assert revisions.word_diff("Use <b>less</b> salt", "Use <i>less</i> salt") == (
        "Use &lt;<del>b</del><ins>i</ins>&gt;less&lt;/<del>b</del><ins>i</ins>&gt; salt"
    )
    shown = revisions.text_diff("One.\nTwo.\nThree.\nFour.\nFive.", "One.\nTwo.\nThree <x>.\nFour.\nFive.")
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
    assert "An old review of zinc syrups" in text and "Does zinc prevent colds?" in text
    banner = " ".join(page.select_one(".staff-banner").get_text(" ", strip=True).split())
    assert banner.startswith("Revision preview.") and "not at what readers see now" in banner
    assert page.select_one(".staff-banner a[href$='/history/']")["href"] == reverse(
        "admin:articles_article_history", args=[edited.pk]
    )
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


def test_restoring_a_revision_brings_back_the_body_and_the_rows(admin_client, edited, client):
    _, baseline = versions(edited)
    url = reverse("admin:articles_article_revision", args=[edited.pk, baseline.pk])
    page = soup(admin_client.get(url))
    assert page.select_one("#id_title")["value"] == "Does zinc shorten colds?"
    assert Article.objects.get(pk=edited.pk).title == "Zinc and the common cold"  # opening changes nothing
    response = post_form(admin_client, url, page)
    assert response.status_code == 302, errors_of(response)
    restored = Article.objects.get(pk=edited.pk)
    assert restored.title == "Does zinc shorten colds?" and restored.body == BODY
    assert key_point_titles(restored) == ["Start early", "Mind the dose"]  # the deleted one back, the added one gone
    assert list(restored.faqs.values_list("question", flat=True)) == ["Does zinc prevent colds?"]
    assert list(restored.references.values_list("order", "title")) == [
        (1, "Zinc lozenges and the common cold"),
        (2, "An old review of zinc syrups"),
    ]
    assert "by about a day" in restored.body_text and restored.citations == {"1": 1}
    assert versions(restored)[0].revision.get_comment().startswith("Reverted to previous version")
    public = client.get(restored.get_absolute_url()).content.decode()
    assert "Mind the dose" in public and "Lozenges, not syrups" not in public


def test_the_restore_form_shows_the_reading_time_of_the_revision(admin_client, edited):
    _, baseline = versions(edited)
    page = soup(admin_client.get(reverse("admin:articles_article_revision", args=[edited.pk, baseline.pk])))
    shown = page.select_one(".field-reading_time .readonly").get_text()
    then = revisions.article_at(baseline)
    assert then.word_count > 1
    assert shown == f"{then.reading_minutes} min ({then.word_count} words)"


def test_restoring_an_older_address_keeps_the_newer_one_redirecting(admin_client, client):
    article = ArticleFactory(slug="zinc-for-colds", body="Text.")
    data = {**current_fields(article, slug="zinc-and-colds"), **inline_data(existing_rows(article))}
    assert admin_client.post(change_url(article), data).status_code == 302
    assert client.get("/articles/zinc-for-colds/").status_code == 301
    _, baseline = versions(article)
    url = reverse("admin:articles_article_revision", args=[article.pk, baseline.pk])
    assert post_form(admin_client, url, soup(admin_client.get(url))).status_code == 302
    assert Article.objects.get(pk=article.pk).slug == "zinc-for-colds"
    assert client.get("/articles/zinc-for-colds/").status_code == 200
    # Links to the address it had until the restore must still lead to the article.
    moved = client.get("/articles/zinc-and-colds/")
    assert (moved.status_code, moved.get("Location")) == (301, "/articles/zinc-for-colds/")
    assert list(SlugRedirect.objects.values_list("old_slug", flat=True)) == ["zinc-and-colds"]


def test_a_deleted_article_is_recovered_with_its_rows(admin_client, edited, client):
    pk = edited.pk
    response = admin_client.post(reverse("admin:articles_article_delete", args=[pk]), {"post": "yes"})
    assert response.status_code == 302 and not Article.objects.filter(pk=pk).exists()
    assert client.get("/articles/does-zinc-shorten-colds/").status_code == 404

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
    assert client.get(recovered.get_absolute_url()).status_code == 200


# No lost edits


def test_of_two_editors_on_the_same_page_the_second_is_refused_and_keeps_what_they_typed(
    edited, priya, django_user_model
):
    tom = django_user_model.objects.create_superuser("tom", "", "pw-for-tests", first_name="Tom", last_name="Berg")
    first, second = signed_in(priya), signed_in(tom)
    page_a, page_b = soup(first.get(change_url(edited))), soup(second.get(change_url(edited)))
    assert base_version(page_a) == base_version(page_b) == str(edited.lock_version)

    response = post_form(first, change_url(edited), page_a, summary="Priya's summary.")
    assert response.status_code == 302, errors_of(response)

    page_b_data = form_data(page_b)
    page_b_data.update({"summary": "Tom's summary.", "key_points-0-title": "Start on day one"})
    response = second.post(change_url(edited), page_b_data)
    assert response.status_code == 200
    page = soup(response)
    error = " ".join(page.select_one("ul.errorlist.nonfield").get_text(" ", strip=True).split())
    assert error.startswith("Priya Shah saved this article at ")
    assert "your changes were not saved" in error
    assert page.select_one("#id_summary").get_text().strip() == "Tom's summary."
    assert page.select_one("input[name='key_points-0-title']")["value"] == "Start on day one"
    stored = Article.objects.get(pk=edited.pk)
    assert stored.summary == "Priya's summary." and key_point_titles(stored)[0] == "Start early"


def test_a_page_opened_before_the_mark_reviewed_button_is_refused(admin_client, edited, priya):
    other = signed_in(priya)
    stale = soup(other.get(change_url(edited)))
    assert admin_client.post(reverse("admin:articles_article_reviewed", args=[edited.pk])).status_code == 302
    response = post_form(other, change_url(edited), stale, summary="Typed on an old page.")
    assert response.status_code == 200
    assert "saved this article" in soup(response).select_one("ul.errorlist.nonfield").get_text()
    assert Article.objects.get(pk=edited.pk).summary != "Typed on an old page."


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
    data = {**current_fields(recovered, summary="Edited after the recovery."), **inline_data(existing_rows(recovered))}
    assert admin_client.post(change_url(recovered), data).status_code == 302

    response = post_form(signed_in(priya), url, theirs)  # her page predates both
    assert response.status_code == 200
    assert Article.objects.get(pk=edited.pk).summary == "Edited after the recovery."


# The data migration that turned text bylines into contributors

migration = importlib.import_module("articles.migrations.0010_contributors_from_bylines")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ana Ruiz, MD", ("Ana Ruiz", "MD")),
        ("Ana Ruiz, MD, MPH", ("Ana Ruiz", "MD, MPH")),
        ("Citewell Editorial Team", ("Citewell Editorial Team", "")),
        ("Smith, Jones and Co", ("Smith, Jones and Co", "")),
        ("Ana Ruiz, M.D.", ("Ana Ruiz", "M.D.")),
        ("John Smith, Jr.", ("John Smith, Jr.", "")),
        ("Ana Ruiz ,  MD ", ("Ana Ruiz", "MD")),
        ("MD", ("MD", "")),
        ("Ana Ruiz, MD,", ("Ana Ruiz", "MD")),
    ],
)
def test_split_credentials(text, expected):
    assert migration.split_credentials(text) == expected


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_a_reviewer_of_a_name_however_it_was_spaced():
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from articles.models import Contributor

    try:
        call_command("migrate", "articles", "0009_contributors", verbosity=0)
        old = MigrationExecutor(connection).loader.project_state([("articles", "0009_contributors")]).apps
        OldArticle = old.get_model("articles", "Article")
        # The reviewer's name was typed with two spaces, the writer's once with a trailing one.
        for slug, author, reviewer in [("one", "Sam  Lee", "Ana  Ruiz, MD"), ("two", "Sam Lee ", "")]:
            OldArticle.objects.create(
                title=slug,
                slug=slug,
                lead="l",
                summary="s",
                body="b",
                author=author,
                medical_reviewer=reviewer,
                meta_description="",
            )
        call_command("migrate", verbosity=0)
        people = {c.display_name: c.role for c in Contributor.objects.all()}
        assert people == {"Sam Lee": "writer", "Ana Ruiz, MD": "medical_reviewer"}
        one, two = Article.objects.order_by("slug").select_related("author", "medical_reviewer")
        assert one.author == two.author and one.medical_reviewer.display_name == "Ana Ruiz, MD"
    finally:
        call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_text_bylines_into_contributors_and_teams_into_organizations():
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    call_command("migrate", "articles", "0009_contributors", verbosity=0)
    old = MigrationExecutor(connection).loader.project_state([("articles", "0009_contributors")]).apps
    OldArticle = old.get_model("articles", "Article")
    for slug, author, reviewer in [
        ("a", "Sam Lee", "Ana Ruiz, MD"),
        ("b", "Ana Ruiz, MD", ""),
        ("c", "Citewell Editorial Team", "Citewell Editorial Team"),
    ]:
        OldArticle.objects.create(
            title=slug,
            slug=slug,
            lead="l",
            summary="s",
            body="b",
            author=author,
            medical_reviewer=reviewer,
            meta_description="",
        )
    call_command("migrate", verbosity=0)
    articles = {a.slug: a for a in Article.objects.select_related("author", "medical_reviewer")}
    assert articles["a"].author.display_name == "Sam Lee" and articles["a"].author.role == "writer"
    assert articles["a"].medical_reviewer.display_name == "Ana Ruiz, MD"
    assert articles["a"].medical_reviewer.role == "medical_reviewer"
    assert articles["b"].author == articles["a"].medical_reviewer and articles["b"].medical_reviewer is None
    team = articles["c"].author
    assert (
        team == articles["c"].medical_reviewer
        and team.kind == "organization"
        and team.slug == "citewell-editorial-team"
    )
