"""The editorial workflow as editors meet it in the admin: publishing needs a sign-off, the publish and
request-review actions and buttons, scheduling, review due dates, the byline readers see, and the content warnings."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from editorial import workflow
from editorial.models import ReviewRequest
from editorial.review import add_months

from .factories import ArticleFactory, ContributorFactory, FAQFactory, ReferenceFactory
from .helpers import (
    ADD_URL,
    NEW_ROWS,
    article_fields,
    change_url,
    current_fields,
    existing_rows,
    field_errors,
    inline_data,
    messages_of,
    save_change_page,
    signed_in,
    signed_off,
    soup,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
UTC = datetime.UTC


def act(client, action, *articles):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [a.pk for a in articles]}, follow=True)


def button_url(name, article):
    """The change page's publish, unpublish or request-review button."""
    return reverse(f"admin:articles_article_{name}", args=[article.pk])


def column(client, name, **params):
    """{title: text of the column} for each row of the article list."""
    page = soup(client.get(CHANGELIST, params))
    return {
        tr.select_one("th a").get_text(): tr.select_one(f"td.field-{name}").get_text(" ", strip=True)
        for tr in page.select("#result_list tbody tr")
    }


def listed(client, **params):
    return sorted(column(client, "state", **params))


def latest_revision(article):
    return Version.objects.get_for_object(article).select_related("revision__user").first().revision


def frozen_at(moment):
    """Every clock the site reads (timezone.now, localdate, the content version) shows `moment`."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


# Publishing needs a medical review


def test_a_draft_may_wait_for_its_review(admin_client):
    data = {**article_fields(medical_reviewer=""), **inline_data(NEW_ROWS)}
    assert admin_client.post(ADD_URL, data).status_code == 302
    assert Article.objects.get().status == "draft"


def test_the_publish_button_refuses_a_draft_without_a_reviewer_and_changes_nothing(admin_client):
    article = ArticleFactory(draft=True, medical_reviewer=None, last_reviewed_on=None, title="Unreviewed zinc")
    saves = article.edit_count
    response = admin_client.post(button_url("publish", article), follow=True)
    assert response.redirect_chain == [(change_url(article), 302)]
    assert (
        "“Unreviewed zinc”: choose its medical reviewer, who must sign it off before it is published."
        in messages_of(response)
    )
    panel = soup(response).select_one(".review-panel").get_text(" ", strip=True)
    assert "Choose the medical reviewer, save, then request the review." in panel
    assert soup(response).select_one(f"form[action='{button_url('publish', article)}']") is None
    stored = Article.objects.get(pk=article.pk)
    assert (stored.status, stored.published_at, stored.last_reviewed_on, stored.edit_count) == (
        "draft",
        None,
        None,
        saves,
    )


def test_the_workflow_buttons_only_answer_post_from_editors_of_an_existing_article(admin_client, reader, reviewer):
    article = ArticleFactory(draft=True, last_reviewed_on=None)
    signed_off(article, reviewer)
    for name in ("publish", "unpublish", "request_review"):
        refused = admin_client.get(button_url(name, article))
        assert refused.status_code == 405 and refused["Allow"] == "POST"
        response = signed_in(reader).post(button_url(name, article))
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
        assert admin_client.post(reverse(f"admin:articles_article_{name}", args=[987654])).status_code == 404
    assert Article.objects.get(pk=article.pk).status == "draft"
    assert not mail.outbox
    # A signed-off draft offers the button, and the button publishes it.
    page = soup(admin_client.get(change_url(article)))
    assert page.select_one(f"form[action='{button_url('publish', article)}'] button").get_text() == "Publish"
    response = admin_client.post(button_url("publish", article))
    assert response.status_code == 302 and response["Location"] == change_url(article)
    assert Article.objects.get(pk=article.pk).is_published


def test_only_medical_reviewers_are_offered_and_a_writer_cannot_be_the_medical_reviewer(admin_client):
    writer = ContributorFactory(name="Sam Lee")
    article = ArticleFactory(title="Iron and fatigue")
    reviewer = article.medical_reviewer
    # The forms do not offer writers, and refuse one sent anyway.
    options = [o.get_text() for o in soup(admin_client.get(ADD_URL)).select("#id_medical_reviewer option")]
    assert options == ["---------", "Ana Ruiz, MD"]
    page = soup(admin_client.get(change_url(article)))
    assert "Sam Lee" not in [o.get_text() for o in page.select("#id_medical_reviewer option")]
    response = save_change_page(admin_client, article, medical_reviewer=str(writer.pk))
    assert response.status_code == 200
    assert field_errors(response, "medical_reviewer") == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert Article.objects.get(pk=article.pk).medical_reviewer == reviewer
    response = admin_client.post(ADD_URL, {**article_fields(medical_reviewer=str(writer.pk)), **inline_data(NEW_ROWS)})
    assert field_errors(response, "medical_reviewer") == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not Article.objects.filter(slug="does-zinc-shorten-colds").exists()
    # The model says why, whatever made the article.
    article.medical_reviewer = writer
    with pytest.raises(ValidationError) as refused:
        article.clean()
    assert refused.value.message_dict == {"medical_reviewer": ["Sam Lee is not a medical reviewer; choose one who is."]}


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


# The publish and request-review actions


def test_the_publish_action_publishes_signed_off_articles_and_names_each_refused_one(admin_client, reviewer):
    ready = ArticleFactory(draft=True, title="Ready to go", last_reviewed_on=None)
    signed_off(ready, reviewer)
    unsigned = ArticleFactory(status=Article.Status.IN_REVIEW, published_at=None, title="Not signed off")
    no_reviewer = ArticleFactory(draft=True, medical_reviewer=None, last_reviewed_on=None, title="Nobody named")
    live = ArticleFactory(title="Already live")
    response = act(admin_client, "publish", ready, unsigned, no_reviewer, live)
    messages = messages_of(response)
    assert "Published 1 article(s)." in messages
    assert "“Not signed off”: Ana Ruiz, MD has not signed off this version; request their review first." in messages
    assert "“Nobody named”: choose its medical reviewer, who must sign it off before it is published." in messages
    assert "“Already live”: it has no unpublished changes." in messages
    assert sorted(Article.objects.published().values_list("title", flat=True)) == ["Already live", "Ready to go"]
    assert dict(Article.objects.values_list("title", "status")) == {
        "Ready to go": "published",
        "Not signed off": "in_review",
        "Nobody named": "draft",
        "Already live": "published",
    }
    assert Article.objects.get(pk=ready.pk).last_reviewed_on == timezone.localdate()
    assert latest_revision(ready).get_comment() == "Published, as signed off."
    assert not Version.objects.get_for_object(unsigned).filter(revision__comment__startswith="Published").exists()


def test_the_request_review_action_emails_the_reviewer_and_names_what_it_refuses(admin_client, reviewer):
    draft = ArticleFactory(draft=True, title="First draft", last_reviewed_on=None)
    no_reviewer = ArticleFactory(draft=True, medical_reviewer=None, last_reviewed_on=None, title="Nobody named")
    signed = ArticleFactory(draft=True, title="Signed already", last_reviewed_on=None)
    signed_off(signed, reviewer)
    messages = messages_of(act(admin_client, "request_review", draft, no_reviewer, signed))
    assert "Asked for the medical review of 1 article(s); reviewers were emailed." in messages
    assert "“Nobody named”: Choose the medical reviewer first." in messages
    assert "“Signed already”: Ana Ruiz has already signed off this version." in messages
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
    assert "First draft" in mail.outbox[0].subject
    assert dict(Article.objects.values_list("title", "status")) == {
        "First draft": "in_review",
        "Nobody named": "draft",
        "Signed already": "draft",
    }
    assert listed(admin_client, state="in_review") == ["First draft"]
    assert column(admin_client, "state")["First draft"] == "In review"
    assert ReviewRequest.objects.get().article_id == draft.pk


# Scheduling


def test_publishing_a_signed_off_draft_with_a_future_time_schedules_it(admin_client, reviewer):
    when = timezone.now() + datetime.timedelta(days=2)
    article = ArticleFactory(draft=True, title="Vitamin K and bone", last_reviewed_on=None)
    Article.objects.filter(pk=article.pk).update(published_at=when)
    signed_off(article, reviewer)
    messages = messages_of(act(admin_client, "publish", article))
    local = timezone.localtime(when)
    assert f"“Vitamin K and bone” is scheduled: readers see it from {local:%-d %B %Y, %H:%M}." in messages
    assert not any(m.startswith("Published ") for m in messages)
    stored = Article.objects.get(pk=article.pk)
    assert stored.status == "published" and stored.published_at == when
    assert column(admin_client, "state")["Vitamin K and bone"] == f"Scheduled for {local:%-d %b %Y, %H:%M}"


def test_a_scheduled_article_is_listed_as_such_hidden_from_readers_and_live_once_its_time_passes(admin_client, client):
    article = ArticleFactory(title="Coming soon", published_at=timezone.now() + datetime.timedelta(hours=3))
    ArticleFactory(title="Out now")
    ArticleFactory(title="Still a draft", draft=True)
    assert listed(admin_client, state="scheduled") == ["Coming soon"]
    assert column(admin_client, "state", state="scheduled")["Coming soon"].startswith("Scheduled for ")
    assert listed(admin_client, state="live") == ["Out now"]
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Coming soon" not in client.get("/").content.decode()

    later = timezone.now() + datetime.timedelta(hours=4)
    with frozen_at(later):  # nobody saves anything and no command runs: the time simply passes
        assert client.get(article.get_absolute_url()).status_code == 200
        assert "Coming soon" in client.get("/").content.decode()
        assert listed(admin_client, state="scheduled") == []
        assert listed(admin_client, state="live") == ["Coming soon", "Out now"]
        assert column(admin_client, "state")["Coming soon"] == "Live"

    # The same once its time is really past: no command, no cron job.
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(article.get_absolute_url()).status_code == 200


def test_the_change_page_says_when_a_scheduled_article_goes_live(admin_client):
    article = ArticleFactory(scheduled=True)
    state = soup(admin_client.get(change_url(article))).select_one(".field-state .readonly").get_text()
    assert state == f"Scheduled for {timezone.localtime(article.published_at):%-d %b %Y, %H:%M}"
    assert soup(admin_client.get(ADD_URL)).select_one(".field-state .readonly").get_text() == "Not saved yet."


# Review due dates


def test_the_review_due_column_shows_the_due_date_or_since_when_it_is_overdue(admin_client):
    today = timezone.localdate()
    recent, lapsed, year_ago = today - datetime.timedelta(days=30), add_months(today, -14), add_months(today, -12)
    ArticleFactory(title="Recent", last_reviewed_on=recent)
    ArticleFactory(title="Lapsed", last_reviewed_on=lapsed)
    ArticleFactory(title="A year ago", last_reviewed_on=year_ago)
    ArticleFactory(title="Never", draft=True, last_reviewed_on=None)
    due = column(admin_client, "review_due")
    assert due == {
        "Recent": f"{add_months(recent, 12):%-d %b %Y}",
        "Lapsed": f"Overdue since {add_months(lapsed, 12):%-d %b %Y}",
        "A year ago": f"Overdue since {add_months(year_ago, 12):%-d %b %Y}",  # today, but for 29 February
        "Never": "Never reviewed",
    }
    assert add_months(lapsed, 12) < today


def test_the_overdue_filter_lists_exactly_the_overdue_articles(admin_client):
    today = timezone.localdate()
    ArticleFactory(title="Reviewed a year ago today", last_reviewed_on=add_months(today, -12))
    ArticleFactory(
        title="Reviewed a year ago tomorrow", last_reviewed_on=add_months(today, -12) + datetime.timedelta(days=1)
    )
    ArticleFactory(title="Reviewed two years ago", last_reviewed_on=add_months(today, -24))
    ArticleFactory(title="Never reviewed draft", draft=True, last_reviewed_on=None)
    ArticleFactory(title="Reviewed today", last_reviewed_on=today)
    assert listed(admin_client, review="overdue") == [
        "Never reviewed draft",
        "Reviewed a year ago today",
        "Reviewed two years ago",
    ]
    assert listed(admin_client, review="current") == ["Reviewed a year ago tomorrow", "Reviewed today"]
    assert listed(admin_client, review="soon") == ["Reviewed a year ago tomorrow"]


def test_the_due_date_falls_on_the_last_day_of_a_shorter_month():
    assert add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2025, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 3, 31), -1) == datetime.date(2026, 2, 28)


@pytest.mark.parametrize(
    "today, overdue, leap_day_column",
    [
        (datetime.date(2025, 2, 27), [], "28 Feb 2025"),
        (datetime.date(2025, 2, 28), ["Leap day", "Day before"], "Overdue since 28 Feb 2025"),
        (datetime.date(2025, 3, 1), ["Leap day", "Day before", "First of March"], "Overdue since 28 Feb 2025"),
    ],
)
def test_a_review_on_29_february_falls_due_on_28_february(admin_client, today, overdue, leap_day_column):
    ArticleFactory(title="Leap day", last_reviewed_on=datetime.date(2024, 2, 29))
    ArticleFactory(title="Day before", last_reviewed_on=datetime.date(2024, 2, 28))
    ArticleFactory(title="First of March", last_reviewed_on=datetime.date(2024, 3, 1))
    with frozen_at(datetime.datetime(today.year, today.month, today.day, 12, tzinfo=UTC)):
        assert listed(admin_client, review="overdue") == sorted(overdue)
        due = column(admin_client, "review_due")
    assert due["Leap day"] == leap_day_column
    assert due["First of March"].endswith("1 Mar 2025")


def test_the_review_interval_setting_moves_due_dates_and_the_filter(admin_client, settings):
    today = timezone.localdate()
    seven_months = add_months(today, -7)
    ArticleFactory(title="Seven months", last_reviewed_on=seven_months)
    ArticleFactory(title="Thirteen months", last_reviewed_on=add_months(today, -13))
    assert listed(admin_client, review="overdue") == ["Thirteen months"]
    assert column(admin_client, "review_due")["Seven months"] == f"{add_months(seven_months, 12):%-d %b %Y}"
    assert column(admin_client, "review_due")["Thirteen months"] == f"Overdue since {add_months(today, -1):%-d %b %Y}"

    settings.REVIEW_INTERVAL_MONTHS = 6
    assert listed(admin_client, review="overdue") == ["Seven months", "Thirteen months"]
    assert column(admin_client, "review_due")["Seven months"] == (
        f"Overdue since {add_months(seven_months, 6):%-d %b %Y}"
    )

    settings.REVIEW_INTERVAL_MONTHS = 24
    assert listed(admin_client, review="overdue") == []
    assert listed(admin_client, review="current") == ["Seven months", "Thirteen months"]


def test_a_one_month_interval_from_31_january_falls_due_on_28_february(admin_client, settings):
    settings.REVIEW_INTERVAL_MONTHS = 1
    ArticleFactory(title="End of January", last_reviewed_on=datetime.date(2025, 1, 31))
    with frozen_at(datetime.datetime(2025, 2, 27, 12, tzinfo=UTC)):
        assert listed(admin_client, review="overdue") == []
        assert column(admin_client, "review_due")["End of January"] == "28 Feb 2025"
    with frozen_at(datetime.datetime(2025, 2, 28, 12, tzinfo=UTC)):
        assert listed(admin_client, review="overdue") == ["End of January"]


# The byline readers see


def test_the_byline_names_the_writer_and_the_reviewer_with_the_review_date_and_links_their_pages(client):
    writer = ContributorFactory(name="Sam Lee")
    article = ArticleFactory(title="Zinc and colds", author=writer, last_reviewed_on=datetime.date(2026, 3, 9))
    stored = Article.objects.get(pk=article.pk)
    published, updated = timezone.localtime(stored.published_at), timezone.localtime(stored.updated_at)
    byline = soup(client.get(article.get_absolute_url())).select_one(".byline")
    people = " ".join(byline.select_one(".byline__people").get_text(" ", strip=True).split())
    assert people == "Written by Sam Lee · Medically reviewed by Ana Ruiz, MD on March 9, 2026 · How we review"
    dates = " ".join(byline.select_one(".byline__dates").get_text(" ", strip=True).split())
    assert dates == (
        f"Published {published:%B} {published.day}, {published.year} Updated {updated:%B} {updated.day}, {updated.year}"
    )
    links = {a.get_text(): a["href"] for a in byline.select(".byline__people a.byline__name")}
    assert list(links.values()) == ["/contributors/sam-lee/", "/contributors/ana-ruiz/"]  # the writer first
    assert links == {"Sam Lee": "/contributors/sam-lee/", "Ana Ruiz, MD": "/contributors/ana-ruiz/"}
    for href in links.values():
        page = client.get(href)
        assert page.status_code == 200 and "Zinc and colds" in page.content.decode()


def test_a_version_its_reviewer_has_not_signed_off_claims_no_review(client):
    article = ArticleFactory(title="Zinc and colds", last_reviewed_on=None)  # Ana Ruiz named, no sign-off
    byline = soup(client.get(article.get_absolute_url())).select_one(".byline")
    people = " ".join(byline.select_one(".byline__people").get_text(" ", strip=True).split())
    assert people == "Written by Citewell Editorial Team · Not yet medically reviewed · How we review"
    assert byline.select_one("a[href='/contributors/ana-ruiz/']") is None
    assert client.get("/contributors/ana-ruiz/").status_code == 404  # she has reviewed nothing readers see


# Content warnings on the change page


def warnings_on(client, article):
    response = client.get(change_url(article))
    assert response.status_code == 200
    return [li.get_text(" ", strip=True) for li in soup(response).select(".content-warnings li")]


CLEAN_BODY = "## Evidence\n\nTrials are small.[^ref1]\n\n### In older adults\n\nFewer trials."


@pytest.mark.parametrize(
    "problem, expected",
    [
        (
            "uncited reference",
            "Reference ref2 is never cited: cite it with [^ref2] in the body or an FAQ answer, or remove it. "
            "Readers see it after the cited references.",
        ),
        (
            "uncited references",
            "References ref2, ref3 are never cited: cite each with [^key] in the body or an FAQ answer, or "
            "remove them. Readers see them after the cited references.",
        ),
        (
            "no meta description",
            "The meta description is missing: search engines and shared links will show the quick summary, cut short.",
        ),
        ("long meta description", "The meta description has 200 characters; search engines cut it after 160."),
        ("no reviewer", "No medical reviewer is chosen: the article cannot be published until one has signed it off."),
        (
            "skipped heading level",
            "The heading “Dosing” is level 4 (####) right after level 2: use ### so screen reader users can "
            "follow the outline.",
        ),
    ],
)
def test_each_content_problem_alone_is_exactly_one_warning(admin_client, problem, expected):
    fields = {"body": CLEAN_BODY, "meta_description": "What trials say."}
    if problem == "no meta description":
        fields["meta_description"] = ""
    if problem == "long meta description":
        fields["meta_description"] = "x" * 200
    if problem == "no reviewer":
        fields.update(medical_reviewer=None, status=Article.Status.DRAFT, published_at=None)
    if problem == "skipped heading level":
        fields["body"] = "## Evidence\n\nTrials are small.[^ref1]\n\n#### Dosing\n\nLow doses."
    article = ArticleFactory(**fields)
    ReferenceFactory(article=article, order=1)
    if problem in ("uncited reference", "uncited references"):
        ReferenceFactory(article=article, order=2)
    if problem == "uncited references":
        ReferenceFactory(article=article, order=3)
    assert warnings_on(admin_client, article) == [expected]


def test_a_long_meta_description_and_an_overdue_review_are_warnings(admin_client):
    article = ArticleFactory(meta_description="x" * 200, last_reviewed_on=datetime.date(2020, 1, 1))
    assert warnings_on(admin_client, article) == [
        "The meta description has 200 characters; search engines cut it after 160.",
        "Medical review is overdue (due 1 January 2021).",
    ]


def test_an_article_without_problems_has_no_warnings_box(admin_client):
    article = ArticleFactory(body=CLEAN_BODY)
    ReferenceFactory(article=article, order=1)
    FAQFactory(article=article, order=1, answer="See the review.[^ref2]")
    ReferenceFactory(article=article, order=2)  # cited by the FAQ only: that counts
    page = soup(admin_client.get(change_url(article)))
    assert page.select_one(".content-warnings") is None


def test_the_seed_article_is_warned_only_of_its_medical_review_and_reading_level(admin_client, seed_article):
    warnings = warnings_on(admin_client, seed_article)
    assert warnings[0] == "No medical reviewer is chosen: choose one, then request the medical review."
    assert warnings[1].startswith("The article reads at grade 13.6, above the plain-language target of grade 8")
    assert warnings[2:] == [
        "No medical reviewer has signed off this article yet: its page says “Not yet medically reviewed”."
    ]


def test_all_problems_together_and_the_warnings_after_a_save(admin_client):
    article = ArticleFactory(
        body="## Evidence\n\nTrials.[^ref1]\n\n#### Too deep\n\nText.",
        meta_description="",
        medical_reviewer=None,
        status=Article.Status.DRAFT,
        published_at=None,
    )
    for order in (1, 2):
        ReferenceFactory(article=article, order=order)
    article.refresh_from_db()
    expected = [
        "Reference ref2 is never cited: cite it with [^ref2] in the body or an FAQ answer, or remove it. "
        "Readers see it after the cited references.",
        "The meta description is missing: search engines and shared links will show the quick summary, cut short.",
        "No medical reviewer is chosen: the article cannot be published until one has signed it off.",
        "The heading “Too deep” is level 4 (####) right after level 2: use ### so screen reader users can "
        "follow the outline.",
    ]
    assert warnings_on(admin_client, article) == expected
    # A save goes through despite them, and says them again, article by article.
    response = admin_client.post(
        change_url(article),
        {
            **current_fields(article, title="Deep headings", published_at_0="", published_at_1=""),
            **inline_data(existing_rows(article)),
        },
        follow=True,
    )
    assert Article.objects.get(pk=article.pk).title == "Deep headings"
    messages = messages_of(response)
    reported = [m for m in messages if m.startswith("“Deep headings”: ")]
    assert reported == [f"“Deep headings”: {warning}" for warning in expected]


def test_warnings_do_not_stop_adding_an_article_and_are_reported_after_it(admin_client):
    response = admin_client.post(ADD_URL, {**article_fields(meta_description=""), **inline_data(NEW_ROWS)}, follow=True)
    assert Article.objects.filter(slug="does-zinc-shorten-colds").exists()
    assert any("The meta description is missing" in m for m in messages_of(response))


def test_a_citation_of_a_missing_reference_still_stops_the_save(admin_client, seed_article):
    response = save_change_page(admin_client, seed_article, body=seed_article.body + "\n\nMore.[^42]")
    assert response.status_code == 200
    assert any(
        "[^42] cites by number; cite a reference by its key instead" in e for e in field_errors(response, "body")
    )
    assert "More." not in Article.objects.get().body


def test_without_a_meta_description_the_page_describes_itself_with_the_summary(client):
    article = ArticleFactory(meta_description="", summary="A summary " * 30)
    description = soup(client.get(article.get_absolute_url())).select_one("meta[name=description]")["content"]
    assert description.startswith("A summary A summary") and description.endswith("…")
    assert len(description) <= 160


# One workflow API: its rules, whoever asks


def test_the_workflow_refuses_what_its_rules_refuse_and_publishes_now_without_a_time(admin_user, reviewer):
    draft = ArticleFactory(draft=True, last_reviewed_on=None)
    assert workflow.problems(draft, Article.Status.PUBLISHED) == {
        "status": [
            "An article is published with the Publish button, once its named medical reviewer has "
            "signed off that exact version from their own account."
        ]
    }
    with pytest.raises(workflow.Refused):
        workflow.move(draft, Article.Status.PUBLISHED)
    assert draft.status == "draft" and draft.published_at is None  # refused: nothing changed
    assert workflow.problems(draft, Article.Status.IN_REVIEW) == {  # review is asked for, not a status set
        "status": ["An article goes to review with the Request review button, which asks its reviewer."]
    }
    with pytest.raises(workflow.Refused) as refused:
        workflow.publish(draft, admin_user)
    assert refused.value.messages == ["Ana Ruiz, MD has not signed off this version; request their review first."]
    assert Article.objects.get(pk=draft.pk).status == "draft"

    signed_off(draft, reviewer)
    before = timezone.now()
    published = workflow.publish(draft, admin_user)
    stored = Article.objects.get(pk=draft.pk)
    assert stored.status == "published" and before <= stored.published_at <= timezone.now()
    assert stored.last_reviewed_on == timezone.localdate() and published.is_published
