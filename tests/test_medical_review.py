"""The medical review: only the named reviewer's own account signs off, only signed-off versions are
published, and edits to a published article wait as a draft until then."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Contributor, HistoryEntry
from editorial import portable, revisions, signoffs, workflow
from editorial.models import Draft, ReviewRequest, SignOff

from .factories import ArticleFactory, ContributorFactory, KeyPointFactory, ReviewerFactory
from .helpers import (
    ADD_URL,
    NEW_ROWS,
    article_fields,
    change_url,
    current_fields,
    errors_of,
    existing_rows,
    field_errors,
    form_data,
    inline_data,
    messages_of,
    messages_on,
    save_change_page,
    signed_in,
    soup,
)

REVIEW_NOTE = "Checked the dosing against the 2024 guideline."


def review_url(article, name="review"):
    return reverse(f"admin:articles_article_{name}", args=[article.pk])


def signed_article(reviewer, **fields):
    """A published article whose published version `reviewer` (an account) signed off on the day the
    article says it was last reviewed."""
    article = ArticleFactory(medical_reviewer=reviewer.contributor, **fields)
    KeyPointFactory(article=article, order=1, title="Food first")
    version = signoffs.under_review(article)
    signed = SignOff.objects.create(
        article=article, revision=version.revision, digest=version.digest, reviewer=reviewer.contributor, user=reviewer
    )
    noon = datetime.datetime.combine(article.last_reviewed_on, datetime.time(12), tzinfo=datetime.UTC)
    SignOff.objects.filter(pk=signed.pk).update(signed_at=noon)
    return article


def sign_off(reviewer, article, note=""):
    client = signed_in(reviewer)
    page = soup(client.get(review_url(article)))
    revision = page.select_one("input[name=revision]")["value"]
    return client.post(review_url(article), {"revision": revision, "decision": "sign_off", "note": note})


def public_text(client, article):
    client.logout()
    return soup(client.get(article.get_absolute_url())).get_text(" ", strip=True)


# An editor's change to a published article, from draft to the page


@pytest.mark.django_db
def test_an_edit_to_a_published_article_reaches_readers_only_once_signed_off_and_published(client, editor, reviewer):
    article = signed_article(reviewer)
    editor.email = "editor@example.org"
    editor.save()
    editor_client = signed_in(editor)
    response = save_change_page(
        editor_client,
        article,
        body=article.body + "\n\n## Dosing\n\nAdults take 300 mg a day.",
        change_note="Added a section on dosing.",
    )
    assert response.status_code == 302, errors_of(response)
    assert "Dosing" not in public_text(client, article)
    assert Draft.objects.filter(article=article).exists()

    page = soup(editor_client.get(change_url(article)))
    assert "Adults take 300 mg a day." in page.select_one("#id_body").get_text()
    panel = page.select_one(".review-panel").get_text(" ", strip=True)
    assert "Unpublished changes" in panel and "Not signed off" in panel
    assert page.select_one("#id_change_note")["value"] == "Added a section on dosing."

    response = editor_client.post(review_url(article, "request_review"), {"message": "Dosing is new."})
    assert "Asked Ana Ruiz, MD to review" in " ".join(messages_of(editor_client.get(change_url(article))))
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
    assert review_url(article) in mail.outbox[0].body

    index = soup(signed_in(reviewer).get(reverse("admin:index")))
    assert "Awaiting your review" in index.get_text()
    assert index.select_one(f".review-desk a[href='{review_url(article)}']")

    review_page = soup(signed_in(reviewer).get(review_url(article)))
    assert "Adults take 300 mg a day." in " ".join(ins.get_text() for ins in review_page.select("ins"))

    response = sign_off(reviewer, article, REVIEW_NOTE)
    assert response.status_code == 302
    assert "Dosing" not in public_text(client, article)  # signed off, not yet published
    desk = soup(editor_client.get(reverse("admin:index"))).select_one(".review-desk").get_text(" ", strip=True)
    assert "Signed off: ready to publish" in desk
    assert "signed off" in mail.outbox[-1].subject

    response = editor_client.post(review_url(article, "publish"))
    text = public_text(client, article)
    assert "Adults take 300 mg a day." in text
    today = timezone.localdate()
    assert f"Medically reviewed by Ana Ruiz, MD on {today:%B} {today.day}, {today.year}" in text
    history = soup(client.get(article.get_absolute_url())).select_one("#article-history").get_text(" ", strip=True)
    assert "Added a section on dosing." in history and "Medically reviewed by Ana Ruiz, MD" in history
    assert not Draft.objects.filter(article=article).exists()
    article.refresh_from_db()
    assert article.last_reviewed_on == today


@pytest.mark.django_db
def test_a_change_after_the_sign_off_needs_a_new_one(editor, reviewer):
    article = signed_article(reviewer)
    editor_client = signed_in(editor)
    save_change_page(editor_client, article, title="Magnesium and bones")
    article.refresh_from_db()
    editor_client.post(review_url(article, "request_review"))
    sign_off(reviewer, article)
    article.refresh_from_db()
    save_change_page(editor_client, article, title="Magnesium and bones, revised")
    response = editor_client.post(review_url(article, "publish"), follow=True)
    assert "Ana Ruiz, MD has not signed off this version" in " ".join(messages_of(response))
    article.refresh_from_db()
    assert article.title != "Magnesium and bones, revised"


@pytest.mark.django_db
def test_only_the_named_reviewers_own_account_signs_off(client, editor, reviewer, django_user_model):
    article = signed_article(reviewer)
    save_change_page(signed_in(editor), article, title="Changed")
    version = soup(signed_in(reviewer).get(review_url(article))).select_one("input[name=revision]")["value"]
    published_version_signed = SignOff.objects.get()
    other = django_user_model.objects.create_user("bo", email="bo@example.org", is_staff=True)
    other.groups.add(*reviewer.groups.all())
    ReviewerFactory(name="Bo Lind", slug="bo-lind", user=other)
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    for someone in (editor, other, admin):
        someone_client = signed_in(someone)
        response = someone_client.post(review_url(article), {"revision": version, "decision": "sign_off"}, follow=True)
        assert "Only Ana Ruiz, MD, from their own account" in " ".join(messages_of(response))
    assert list(SignOff.objects.all()) == [published_version_signed]
    page = soup(signed_in(editor).get(review_url(article)))
    assert page.select_one(".review-page button") is None  # no sign-off form for anyone else


@pytest.mark.django_db
def test_a_reviewer_sends_back_with_a_comment_the_editor_reads(editor, reviewer):
    article = ArticleFactory(draft=True, medical_reviewer=reviewer.contributor, last_reviewed_on=None)
    editor_client = signed_in(editor)
    editor_client.post(review_url(article, "request_review"))
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    revision = soup(signed_in(reviewer).get(review_url(article))).select_one("input[name=revision]")["value"]
    blank = {"revision": revision, "decision": "send_back", "comment": " "}
    response = signed_in(reviewer).post(review_url(article), blank, follow=True)
    assert "Say what needs changing" in " ".join(messages_of(response))
    assert not ReviewRequest.objects.filter(state="sent_back").exists()
    signed_in(reviewer).post(
        review_url(article), {"revision": revision, "decision": "send_back", "comment": "Cite the 2024 trial."}
    )
    assert ReviewRequest.objects.get().state == ReviewRequest.State.SENT_BACK
    assert mail.outbox[-1].to == [editor.email] or not editor.email
    panel = soup(editor_client.get(change_url(article))).select_one(".review-panel").get_text(" ", strip=True)
    assert "Cite the 2024 trial." in panel
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


@pytest.mark.django_db
def test_a_never_published_article_is_published_once_its_version_is_signed_off(client, editor, reviewer):
    article = ArticleFactory(draft=True, medical_reviewer=reviewer.contributor, last_reviewed_on=None)
    editor_client = signed_in(editor)
    response = editor_client.post(review_url(article, "publish"), follow=True)
    assert "has not signed off this version" in " ".join(messages_of(response))
    editor_client.post(review_url(article, "request_review"))
    sign_off(reviewer, article)
    editor_client.post(review_url(article, "publish"))
    article.refresh_from_db()
    assert article.is_published and article.last_reviewed_on == timezone.localdate()
    assert HistoryEntry.objects.get(article=article).note == "First published."
    assert client.get(article.get_absolute_url()).status_code == 200


# Nobody but the reviewer can make a page claim a review


@pytest.mark.django_db
def test_an_editor_cannot_publish_or_date_a_review_from_the_add_or_change_form(editor_client):
    data = {**article_fields(status="published", last_reviewed_on="2026-11-01"), **inline_data(NEW_ROWS)}
    response = editor_client.post(ADD_URL, data)
    assert "Select a valid choice" in " ".join(field_errors(response, "status"))
    response = editor_client.post(ADD_URL, {**data, "status": "draft"})
    assert response.status_code == 302, errors_of(response)
    article = Article.objects.get(slug="does-zinc-shorten-colds")
    assert article.status == "draft" and article.last_reviewed_on is None
    response = save_change_page(editor_client, article, status="published", last_reviewed_on="2026-11-01")
    article.refresh_from_db()
    assert article.status == "draft" and article.last_reviewed_on is None


@pytest.mark.django_db
def test_no_action_marks_a_review_or_publishes_an_unsigned_article(editor_client):
    article = ArticleFactory(draft=True, last_reviewed_on=None)
    changelist = reverse("admin:articles_article_changelist")
    page = soup(editor_client.get(changelist))
    actions = [option["value"] for option in page.select("select[name=action] option")]
    assert "mark_reviewed" not in actions
    response = editor_client.post(changelist, {"action": "publish", "_selected_action": [article.pk]}, follow=True)
    assert "has not signed off this version" in " ".join(messages_of(response))
    editor_client.post(changelist, {"action": "mark_reviewed", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == "draft" and article.last_reviewed_on is None


@pytest.mark.django_db
def test_import_never_publishes_nor_signs_off_and_export_carries_sign_offs(editor, reviewer):
    article = signed_article(reviewer)
    save_change_page(signed_in(editor), article, title="Reviewed title")
    workflow.request_review(article, editor)
    sign_off(reviewer, article, REVIEW_NOTE)
    workflow.publish(article, editor)
    article.refresh_from_db()
    text = portable.dump(article)
    assert "sign_offs:" in text and "reviewer: ana-ruiz" in text and REVIEW_NOTE in text

    fresh = text.replace(f"slug: {article.slug}", "slug: imported-copy")  # still says "status: published"
    imported, created = portable.load(fresh.replace("title: Reviewed title", "title: Imported"), "copy.md")
    assert created and imported.status == "draft" and imported.last_reviewed_on is None
    assert not imported.sign_offs.exists() and not imported.history.exists()

    portable.load(text.replace("title: Reviewed title", "title: Imported over the live one"), "live.md")
    article.refresh_from_db()
    assert article.title == "Reviewed title"  # the file is the draft now
    assert Draft.objects.filter(article=article).exists()
    assert SignOff.objects.count() == 2  # the published version's, then the edit's: none from the files


@pytest.mark.django_db
def test_an_editor_cannot_link_an_account_or_rename_a_linked_reviewer(editor_client, editor, reviewer):
    contributor = reviewer.contributor
    url = reverse("admin:articles_contributor_change", args=[contributor.pk])
    page = soup(editor_client.get(url))
    assert page.select_one("[name=user]") is None and page.select_one("[name=name]") is None
    assert page.select_one("[name=disclosures]") is None and page.select_one("[name=affiliations]") is None
    mine = ContributorFactory(name="Eli Writer", slug="eli-writer")
    url = reverse("admin:articles_contributor_change", args=[mine.pk])
    assert soup(editor_client.get(url)).select_one("[name=user]") is None
    data = {"name": "Eli Writer", "slug": "eli-writer", "role": "writer", "kind": "person", "user": str(editor.pk)}
    editor_client.post(url, data)
    mine.refresh_from_db()
    assert mine.user_id is None


# Who may review


@pytest.mark.django_db
def test_the_writer_cannot_review_their_own_article(editor_client, reviewer):
    data = {
        **article_fields(author=str(reviewer.contributor.pk), medical_reviewer=str(reviewer.contributor.pk)),
        **inline_data({}),
    }
    response = editor_client.post(ADD_URL, data)
    assert "wrote this article; no one reviews their own text" in " ".join(field_errors(response, "medical_reviewer"))


@pytest.mark.django_db
def test_a_team_or_a_reviewer_without_credentials_cannot_review(editor_client):
    url = reverse("admin:articles_contributor_add")
    base = {"name": "Review Board", "slug": "review-board", "role": "medical_reviewer", "credentials": "MD"}
    response = editor_client.post(url, {**base, "kind": "organization"})
    assert "a medical reviewer is one named person" in " ".join(errors_of(response))
    response = editor_client.post(url, {**base, "kind": "person", "credentials": ""})
    assert "has no credentials" in " ".join(errors_of(response))
    team = Contributor.objects.create(name="Board", slug="board", role="medical_reviewer", kind="organization")
    response = editor_client.post(ADD_URL, {**article_fields(medical_reviewer=str(team.pk)), **inline_data({})})
    assert "a medical reviewer is one named person" in " ".join(field_errors(response, "medical_reviewer"))


@pytest.mark.django_db
def test_review_is_refused_without_a_linked_account(editor):
    article = ArticleFactory(draft=True, last_reviewed_on=None)  # Ana Ruiz, with no account
    with pytest.raises(workflow.Refused, match="has no account in the Medical reviewers group"):
        workflow.request_review(article, editor)
    assert not mail.outbox


# The initial article, and review dates


@pytest.mark.django_db
def test_the_initial_article_says_it_is_not_yet_reviewed_and_is_listed_as_awaiting_review(
    client, seed_article, editor_client
):
    page = soup(client.get(seed_article.get_absolute_url()))
    byline = page.select_one(".byline").get_text(" ", strip=True)
    assert "Not yet medically reviewed" in byline and "Medically reviewed by" not in byline
    assert "reviewedBy" not in page.select_one("script[type='application/ld+json']").get_text()
    assert page.select_one(".byline a[href='/editorial-policy/#how-we-review']")
    index = soup(editor_client.get(reverse("admin:index"))).select_one(".review-desk").get_text(" ", strip=True)
    assert "Does Magnesium Help Osteoporosis? : Published, not yet medically reviewed" in index.replace("?:", "? :")
    # No page says every article is reviewed while one is not.
    home = soup(client.get("/"))
    assert "or that no one has yet" in home.select_one("meta[name=description]")["content"]
    assert "or that no one has yet" in home.select_one("main").get_text()
    feed = client.get("/feed/").content.decode()
    assert "each medically reviewed" not in feed and "their medical review shown" in feed


@pytest.mark.django_db
def test_review_falls_due_an_interval_after_the_sign_off_and_the_same_text_is_reviewed_again(editor, reviewer):
    article = signed_article(reviewer, last_reviewed_on=datetime.date(2020, 1, 1))  # signed off that day
    changelist = reverse("admin:articles_article_changelist")
    assert "Overdue since" in soup(signed_in(editor).get(changelist)).get_text()
    desk = soup(signed_in(editor).get(reverse("admin:index"))).select_one(".review-desk").get_text(" ", strip=True)
    assert "Review overdue: due 1 January 2021" in desk
    panel = soup(signed_in(editor).get(change_url(article))).select_one(".review-panel")
    assert "Not signed off." in panel.get_text() and panel.select_one("button", string="Request review")
    response = signed_in(editor).post(review_url(article, "request_review"), follow=True)
    assert "Asked Ana Ruiz, MD to review" in " ".join(messages_of(response))
    page = soup(signed_in(reviewer).get(review_url(article)))
    assert "Nothing changed: this version says what the last version Ana Ruiz signed off says." in page.get_text(
        " ", strip=True
    )
    assert sign_off(reviewer, article).status_code == 302  # what readers see, reviewed again
    article.refresh_from_db()
    assert article.last_reviewed_on == timezone.localdate()
    due = timezone.localdate().replace(year=timezone.localdate().year + 1)
    assert f"{due:%-d %b %Y}" in soup(signed_in(editor).get(changelist)).get_text()
    assert "no changes were needed" in HistoryEntry.objects.get(article=article).note


@pytest.mark.django_db
def test_a_reviewer_reads_any_article_page_in_the_admin(reviewer, seed_article):
    article = signed_article(reviewer)
    for shown in (seed_article, article):
        page = soup(signed_in(reviewer).get(change_url(shown)))
        assert page.select_one("#article_form") is not None and page.select_one("[name=_save]") is None


@pytest.mark.django_db
def test_a_first_review_reads_the_whole_article_not_a_diff(editor_client, editor, reviewer, seed_article):
    response = save_change_page(
        editor_client, seed_article, medical_reviewer=str(reviewer.contributor.pk), change_note="Reviewer named."
    )
    assert response.status_code == 302, errors_of(response)
    workflow.request_review(seed_article, editor)
    page = soup(signed_in(reviewer).get(review_url(seed_article)))
    text = page.get_text(" ", strip=True)
    assert "Ana Ruiz, MD has not signed off any version of this article before : read it whole" in text
    assert page.select("section.module") == [] and page.select_one("form .button.default")


@pytest.mark.django_db
def test_naming_another_reviewer_withdraws_the_open_request(editor_client, editor, reviewer):
    article = signed_article(reviewer)
    save_change_page(editor_client, article, title="Changed", change_note="New title.")
    workflow.request_review(article, editor)
    other = ReviewerFactory(name="Bo Lind", slug="bo-lind")
    page = soup(editor_client.get(change_url(article)))
    response = editor_client.post(
        change_url(article), {**form_data(page), "medical_reviewer": str(other.pk)}, follow=True
    )
    assert "The review request to Ana Ruiz, MD is withdrawn" in " ".join(messages_of(response))
    request = ReviewRequest.objects.get()
    assert request.state == ReviewRequest.State.WITHDRAWN
    assert "Awaiting your review" not in soup(signed_in(reviewer).get(reverse("admin:index"))).get_text()
    panel = soup(editor_client.get(change_url(article))).select_one(".review-panel").get_text(" ", strip=True)
    assert "Awaiting review" not in panel and "Bo Lind, MD has not signed off this version" in panel


@pytest.mark.django_db
def test_after_an_import_the_review_shows_only_what_the_file_changed(editor, reviewer):
    article = signed_article(reviewer)
    text = portable.dump(Article.objects.get(pk=article.pk)).replace("Food first", "Food first, always")
    portable.load(text, "edited.md")
    workflow.request_review(article, editor)
    page = soup(signed_in(reviewer).get(review_url(article)))
    changes = [h.get_text(" ", strip=True) for h in page.select("section.module h4")]
    assert changes == ["Food first, always (changed)"]


@pytest.mark.django_db
def test_publishing_again_is_dated_when_it_happens(editor, reviewer, client):
    article = signed_article(reviewer, published_at=timezone.now() - datetime.timedelta(days=400))
    HistoryEntry.objects.create(article=article, published_at=article.published_at, note="First published.")
    workflow.unpublish(article, editor)
    before = timezone.now()
    workflow.publish(Article.objects.get(pk=article.pk), editor)
    entry = HistoryEntry.objects.filter(article=article).order_by("-published_at").first()
    assert entry.note == "Published again." and entry.published_at >= before
    assert Article.objects.get(pk=article.pk).published_at < before  # first published then, still


@pytest.mark.django_db
def test_the_stale_save_guard_holds_on_a_draft(editor, reviewer, django_user_model):
    article = signed_article(reviewer)
    first, second = signed_in(editor), signed_in(django_user_model.objects.create_superuser("b", "b@x.org", "pw"))
    opened = soup(first.get(change_url(article))).select_one("#id_edit_count")["value"]
    save_change_page(second, article, title="Saved by the other")
    data = {**current_fields(article, title="Mine", edit_count=opened), **inline_data(existing_rows(article))}
    response = first.post(change_url(article), data)
    assert "saved this article" in " ".join(errors_of(response))
    assert Draft.objects.get(article=article).revision.version_set.filter(serialized_data__contains="Saved by").exists()


@pytest.mark.django_db
def test_saving_the_initial_article_unchanged_as_a_browser_sends_it_makes_no_draft(editor_client, seed_article):
    page = soup(editor_client.get(change_url(seed_article)))
    # A browser joins a textarea's lines with CRLF, and the form strips the text's ends.
    data = {
        key: value.replace("\n", "\r\n") if isinstance(value, str) else value for key, value in form_data(page).items()
    }
    response = editor_client.post(change_url(seed_article), {**data, "change_note": "Nothing, really."})
    assert response.status_code == 302, errors_of(response)
    page = soup(editor_client.get(change_url(seed_article)))
    assert "there are no unpublished changes" in messages_on(page)
    assert not Draft.objects.exists()
    assert "\r" not in Article.objects.get(pk=seed_article.pk).body

    data["edit_count"] = page.select_one("#id_edit_count")["value"]
    data["body"] += "\r\n\r\nA new closing line."
    response = editor_client.post(change_url(seed_article), {**data, "change_note": "A closing line."})
    assert response.status_code == 302, errors_of(response)
    draft = Draft.objects.get()
    assert "\r" not in revisions.article_in(draft.revision, seed_article.pk, derive=False).article.body
    assert draft.revision.get_comment() == "Changed Body."  # the other text fields, sent with CRLF, unchanged


@pytest.mark.django_db
def test_unpublish_says_what_became_of_a_waiting_draft(editor_client, reviewer):
    plain, edited = signed_article(reviewer), signed_article(reviewer)
    save_change_page(editor_client, edited, title="Edited", change_note="New title.")
    said = {}
    for article in (plain, edited):
        response = editor_client.post(review_url(article, "unpublish"), follow=True)
        said[article.pk] = " ".join(messages_of(response))
    assert "readers no longer see it." in said[plain.pk] and "unpublished changes" not in said[plain.pk]
    assert "Its unpublished changes are now the article" in said[edited.pk]
    assert Article.objects.get(pk=edited.pk).title == "Edited"
