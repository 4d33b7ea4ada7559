"""The editorial workflow in the admin: states, scheduling, medical review, content warnings, contributors."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, add_months

from .admin_forms import ADD_URL, NEW_ROWS, article_fields, change_url, current_fields, existing_rows, inline_data
from .factories import ArticleFactory, ContributorFactory, ReferenceFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def field_errors(response, name):
    row = soup(response).select_one(f".field-{name}")
    return [li.get_text(" ", strip=True) for li in row.select(".errorlist li")] if row else []


def listed(client, **params):
    page = soup(client.get(CHANGELIST, params))
    return [a.get_text() for a in page.select("#result_list tbody th a")]


# Publishing needs a review


def test_publishing_without_a_reviewer_or_review_date_is_refused_field_by_field(admin_client):
    data = {**article_fields(status="published", medical_reviewer="", last_reviewed_on=""), **inline_data(NEW_ROWS)}
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert field_errors(response, "medical_reviewer") == [
        "Choose the medical reviewer: an article is published only once reviewed."
    ]
    assert field_errors(response, "last_reviewed_on") == [
        "Enter the date of the medical review: an article is published only once reviewed."
    ]
    assert not Article.objects.exists()


def test_a_draft_may_wait_for_its_review(admin_client):
    data = {**article_fields(medical_reviewer="", last_reviewed_on=""), **inline_data(NEW_ROWS)}
    assert admin_client.post(ADD_URL, data).status_code == 302
    assert Article.objects.get().status == "draft"


def test_a_review_date_in_the_future_and_a_writer_as_reviewer_are_refused(admin_client):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    writer = ContributorFactory(name="Wendy Writer")
    data = {**article_fields(last_reviewed_on=tomorrow, medical_reviewer=str(writer.pk)), **inline_data(NEW_ROWS)}
    response = admin_client.post(ADD_URL, data)
    assert field_errors(response, "last_reviewed_on") == ["The review date cannot be in the future."]
    assert field_errors(response, "medical_reviewer")  # not offered: only medical reviewers are choices
    assert not Article.objects.exists()


def test_the_publish_action_publishes_ready_articles_and_names_the_ones_it_refuses(admin_client):
    ready = ArticleFactory(draft=True, title="Ready")
    unreviewed = ArticleFactory(draft=True, title="Unreviewed", medical_reviewer=None)
    response = admin_client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [ready.pk, unreviewed.pk]}, follow=True
    )
    messages = [m.message for m in response.context["messages"]]
    assert "Published 1 article(s)." in messages
    assert any(m.startswith("“Unreviewed”: Choose the medical reviewer") for m in messages)
    assert list(Article.objects.published().values_list("title", flat=True)) == ["Ready"]


def test_submit_for_review_moves_drafts_on(admin_client):
    draft, live = ArticleFactory(draft=True), ArticleFactory()
    admin_client.post(CHANGELIST, {"action": "submit_for_review", "_selected_action": [draft.pk, live.pk]})
    assert Article.objects.get(pk=draft.pk).status == "in_review"
    assert Article.objects.get(pk=live.pk).status == "published"


# Scheduling


def test_a_scheduled_article_shows_so_and_appears_when_its_time_comes(admin_client, client):
    article = ArticleFactory(scheduled=True, title="Coming soon")
    ArticleFactory(title="Out now")
    row = soup(admin_client.get(CHANGELIST, {"state": "scheduled"})).select_one("#result_list tbody tr")
    assert row.select_one("th a").get_text() == "Coming soon"
    assert row.select_one(".field-state").get_text().startswith("Scheduled for ")
    assert listed(admin_client, state="live") == ["Out now"]
    assert client.get(article.get_absolute_url()).status_code == 404
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(article.get_absolute_url()).status_code == 200  # no command, no cron job


# Review due


def test_review_due_is_the_interval_after_the_last_review_and_overdue_ones_are_filtered(admin_client, settings):
    today = timezone.localdate()
    ArticleFactory(title="Fresh", last_reviewed_on=today - datetime.timedelta(days=10))
    ArticleFactory(title="Old", last_reviewed_on=add_months(today, -13))
    ArticleFactory(title="Never", draft=True, last_reviewed_on=None)
    ArticleFactory(title="Soon", last_reviewed_on=add_months(today, -12) + datetime.timedelta(days=10))
    page = soup(admin_client.get(CHANGELIST))
    due = {
        tr.select_one("th a").get_text(): tr.select_one(".field-review_due").get_text()
        for tr in page.select("#result_list tbody tr")
    }
    assert due["Never"] == "Never reviewed"
    assert due["Old"] == f"Overdue since {add_months(today, -1):%-d %b %Y}"
    fresh_due = add_months(today - datetime.timedelta(days=10), 12)
    assert due["Fresh"] == f"{fresh_due:%-d %b %Y}"
    assert sorted(listed(admin_client, review="overdue")) == ["Never", "Old"]
    assert listed(admin_client, review="soon") == ["Soon"]
    assert sorted(listed(admin_client, review="current")) == ["Fresh", "Soon"]
    settings.REVIEW_INTERVAL_MONTHS = 6
    assert sorted(listed(admin_client, review="overdue")) == ["Never", "Old", "Soon"]


def test_the_due_date_falls_on_the_last_day_of_a_shorter_month():
    assert add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2025, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 3, 31), -1) == datetime.date(2026, 2, 28)


def test_marking_an_article_reviewed_is_one_button_and_is_recorded(admin_client):
    article = ArticleFactory(last_reviewed_on=datetime.date(2024, 1, 1))
    url = reverse("admin:articles_article_reviewed", args=[article.pk])
    assert admin_client.get(url).status_code == 405
    page = soup(admin_client.get(change_url(article)))
    assert page.select_one(f"form[action='{url}'] button").get_text() == "Mark medically reviewed today"
    response = admin_client.post(url)
    assert response.status_code == 302 and response["Location"] == change_url(article)
    assert Article.objects.get(pk=article.pk).last_reviewed_on == timezone.localdate()
    latest = Version.objects.get_for_object(article).first()
    assert latest.revision.get_comment().startswith("Marked as medically reviewed on")


def test_the_mark_reviewed_action_needs_a_reviewer(admin_client):
    reviewed, unreviewed = (
        ArticleFactory(last_reviewed_on=None, draft=True),
        ArticleFactory(draft=True, medical_reviewer=None, last_reviewed_on=None, title="Nobody checked"),
    )
    response = admin_client.post(
        CHANGELIST, {"action": "mark_reviewed", "_selected_action": [reviewed.pk, unreviewed.pk]}, follow=True
    )
    assert "“Nobody checked”: choose its medical reviewer first." in [m.message for m in response.context["messages"]]
    assert Article.objects.get(pk=reviewed.pk).last_reviewed_on == timezone.localdate()
    assert Article.objects.get(pk=unreviewed.pk).last_reviewed_on is None


def test_an_editor_may_mark_reviewed_but_a_reader_may_not(editor_client, reader):
    article = ArticleFactory(last_reviewed_on=None, draft=True)
    url = reverse("admin:articles_article_reviewed", args=[article.pk])
    other = Client()
    other.force_login(reader)
    response = other.post(url)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert Article.objects.get(pk=article.pk).last_reviewed_on is None
    assert editor_client.post(url).status_code == 302
    assert Article.objects.get(pk=article.pk).last_reviewed_on == timezone.localdate()


# The byline readers see


def test_the_byline_names_writer_and_reviewer_with_credentials_and_dates(client):
    article = ArticleFactory(author=ContributorFactory(name="Sam Lee"), last_reviewed_on=datetime.date(2026, 9, 1))
    byline = soup(client.get(article.get_absolute_url())).select_one(".byline")
    people = " ".join(byline.select_one(".byline__people").get_text(" ", strip=True).split())
    assert people.startswith("Written by Sam Lee · Medically reviewed by Ana Ruiz, MD · Updated ")
    links = [a["href"] for a in byline.select(".byline__people a")]
    assert links == ["/contributors/sam-lee/", "/contributors/ana-ruiz/"]
    assert "Last reviewed on September 1, 2026" in byline.get_text(" ", strip=True)


# Content warnings


def warnings_on(client, article):
    return [li.get_text(" ", strip=True) for li in soup(client.get(change_url(article))).select(".content-warnings li")]


def test_the_seed_article_needs_no_warning(admin_client, seed_article):
    assert warnings_on(admin_client, seed_article) == []


def test_each_content_problem_is_a_warning_on_the_change_page(admin_client):
    article = ArticleFactory(
        body="## Evidence\n\nTrials.[^1]\n\n#### Too deep\n\nText.",
        meta_description="",
        medical_reviewer=None,
        status="draft",
        published_at=None,
    )
    ReferenceFactory(article=article, order=1)
    ReferenceFactory(article=article, order=2)
    ReferenceFactory(article=article, order=3)
    article.save()
    warnings = warnings_on(admin_client, article)
    assert warnings == [
        "References 2, 3 are never cited: cite with [^N] in the body or an FAQ, or remove.",
        "The meta description is missing: search engines and shared links will show the quick summary, cut short.",
        "No medical reviewer is chosen: the article cannot be published until one has reviewed it.",
        "The heading “Too deep” is level 4 (####) right after level 2: use ### so screen reader users can "
        "follow the outline.",
    ]


def test_a_long_meta_description_and_an_overdue_review_are_warnings(admin_client):
    article = ArticleFactory(meta_description="x" * 200, last_reviewed_on=datetime.date(2020, 1, 1))
    assert warnings_on(admin_client, article) == [
        "The meta description has 200 characters; search engines cut it after 160.",
        "Medical review is overdue (due 1 January 2021).",
    ]


def test_warnings_do_not_stop_a_save_and_are_reported_after_it(admin_client):
    response = admin_client.post(ADD_URL, {**article_fields(meta_description=""), **inline_data(NEW_ROWS)}, follow=True)
    assert Article.objects.filter(slug="does-zinc-shorten-colds").exists()
    messages = [m.message for m in response.context["messages"]]
    assert any("The meta description is missing" in m for m in messages)


def test_a_citation_of_a_missing_reference_still_stops_the_save(admin_client, seed_article):
    data = current_fields(seed_article, body=seed_article.body + "\n\nMore.[^42]")
    response = admin_client.post(change_url(seed_article), {**data, **inline_data(existing_rows(seed_article))})
    assert response.status_code == 200
    assert any("[^42] cites a reference this article does not have" in e for e in field_errors(response, "body"))
    assert "More." not in Article.objects.get().body


def test_without_a_meta_description_the_page_describes_itself_with_the_summary(client):
    article = ArticleFactory(meta_description="", summary="A summary " * 30)
    description = soup(client.get(article.get_absolute_url())).select_one("meta[name=description]")["content"]
    assert description.startswith("A summary A summary") and description.endswith("…")
    assert len(description) <= 160


def test_only_medical_reviewers_are_offered_as_reviewers(admin_client):
    ReviewerFactory()
    ContributorFactory(name="Wendy Writer")
    options = [o.get_text() for o in soup(admin_client.get(ADD_URL)).select("#id_medical_reviewer option")]
    assert options == ["---------", "Ana Ruiz, MD"]


def test_the_change_page_says_when_a_scheduled_article_goes_live(admin_client):
    article = ArticleFactory(scheduled=True)
    state = soup(admin_client.get(change_url(article))).select_one(".field-state .readonly").get_text()
    assert state == f"Scheduled for {timezone.localtime(article.published_at):%-d %b %Y, %H:%M}"
    assert soup(admin_client.get(ADD_URL)).select_one(".field-state .readonly").get_text() == "Not saved yet."


def test_a_reviewer_named_on_articles_cannot_become_a_writer(admin_client):
    article = ArticleFactory()
    reviewer = article.medical_reviewer
    url = reverse("admin:articles_contributor_change", args=[reviewer.pk])
    data = {
        "name": reviewer.name,
        "credentials": reviewer.credentials,
        "slug": reviewer.slug,
        "role": "writer",
        "kind": "person",
        "bio": reviewer.bio,
        "profile_url": "",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert field_errors(response, "role") == [
        "Ana Ruiz is the medical reviewer of 1 article(s); choose another reviewer for them before changing this role."
    ]
    reviewer.refresh_from_db()
    assert reviewer.role == "medical_reviewer"


def test_marking_an_unknown_article_reviewed_is_404(admin_client):
    assert admin_client.post(reverse("admin:articles_article_reviewed", args=[987654])).status_code == 404
