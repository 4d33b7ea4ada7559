"""The preview of an unsaved article form: the body beside the text (chart and tables at their
markers, the errors Save would give) and the whole page in a new tab; neither saves anything."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from reversion.models import Revision

from articles import rendering
from articles.models import ROWS, Article
from editorial.models import Draft
from pagecache.models import ContentVersion

from .helpers import (
    NEW_ROWS,
    article_fields,
    current_fields,
    existing_rows,
    form_data,
    inline_data,
    save_change_page,
    signed_in,
    soup,
)

pytestmark = pytest.mark.django_db

LIVE_ADD = reverse("admin:articles_article_live_preview_add")
PAGE_ADD = reverse("admin:articles_article_preview_add")


def live_url(article):
    return reverse("admin:articles_article_live_preview", args=[article.pk])


def page_url(article):
    return reverse("admin:articles_article_preview", args=[article.pk])


def new_article_form(**fields):
    return {**article_fields(**fields), **inline_data(NEW_ROWS)}


def seed_form(article, rows=None, **fields):
    return {**current_fields(article, **fields), **inline_data(existing_rows(article) if rows is None else rows)}


def stored_state():
    """What a preview must leave as it was: every table it could write, and the content version."""
    return {
        "articles": list(Article.objects.values_list("pk", "title", "edit_count", "body_html")),
        **{name: model.objects.count() for name, model in ROWS},
        "revisions": Revision.objects.count(),
        "drafts": list(Draft.objects.values_list("pk", "revision_id")),
        "version": list(ContentVersion.objects.values_list("value", flat=True)),
    }


def test_the_body_preview_draws_the_chart_from_rows_not_yet_saved(editor_client):
    data = new_article_form()  # its writer and reviewer exist already
    before = stored_state()
    response = editor_client.post(LIVE_ADD, data)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    html = BeautifulSoup(response.json()["html"], "html.parser")
    figure = html.select_one("figure#food-sources")
    assert figure is not None
    assert "Oysters" in figure.select_one("svg.chart desc").get_text()
    assert "32 mg" in figure.select_one("svg.chart").get_text()
    assert figure.select_one("tbody th").get_text() == "Oysters"
    assert "291%" in figure.get_text()  # 32 mg of an 11 mg daily value, as typed in the form
    # The chart sits where the marker is: after the first section, before the second.
    headings = [h.get_text() for h in html.select("h2")]
    assert headings == ["The evidence", "Safety"]
    assert figure.find_previous("h2").get_text() == "The evidence"
    assert "appears here" not in response.json()["html"]
    # The supplement table has no marker: it follows the body, as on the page.
    assert html.select_one("figure#supplement-forms td[data-label='Common Use']").get_text() == "Lozenges"
    assert response.json()["errors"] == []
    assert stored_state() == before


def test_the_body_preview_follows_the_rows_as_typed_on_a_stored_article(admin_client, seed_article):
    rows = existing_rows(seed_article)
    rows["food_sources"][0]["name"] = "Pumpkin seeds, typed just now"
    rows["food_sources"][1]["DELETE"] = "on"
    removed = rows["food_sources"][1]["name"]
    before = stored_state()
    response = admin_client.post(live_url(seed_article), seed_form(seed_article, rows, nutrient_name="Magnesium!"))
    html = response.json()["html"]
    assert "Pumpkin seeds, typed just now" in html
    assert removed not in html
    assert "Magnesium! in common foods" in html
    assert response.json()["errors"] == []
    assert stored_state() == before
    assert "Pumpkin seeds, typed just now" not in Article.objects.get(pk=seed_article.pk).search_text


def test_a_published_article_s_preview_is_of_its_draft_as_its_change_page_shows_it(editor_client, seed_article):
    food = {"order": "99", "name": "Draft-only seeds", "category": "Seeds", "serving": "1 oz", "amount": "150"}
    rows = existing_rows(seed_article, food_sources=[food])
    assert save_change_page(editor_client, seed_article, rows=rows).status_code == 302
    assert Draft.objects.filter(article=seed_article).exists()
    data = form_data(soup(editor_client.get(reverse("admin:articles_article_change", args=[seed_article.pk]))))
    before = stored_state()
    response = editor_client.post(live_url(seed_article), data)
    assert response.json()["errors"] == []
    assert "Draft-only seeds" in response.json()["html"]
    assert stored_state() == before
    assert not seed_article.food_sources.filter(name="Draft-only seeds").exists()  # readers' rows


def test_the_body_preview_gives_the_errors_save_would_and_still_renders(editor_client):
    body = "# Title\n\nClaimed.[^smith2020]\n\n[[food-sorces]]"
    faqs = [{"order": "1", "question": "Why?", "answer": "Because.[^2]"}]
    response = editor_client.post(LIVE_ADD, {**article_fields(body=body), **inline_data({**NEW_ROWS, "faqs": faqs})})
    assert response.status_code == 200
    errors = response.json()["errors"]
    assert errors == [
        "Body: [^smith2020] cites no reference of this article; its references' keys are: hemila2017.",
        "Body: [[food-sorces]] is not a block this site knows; use [[food-sources]] or [[supplement-forms]].",
        "Body: Use ## for section headings: a single # is the article's title.",
        "FAQ 1, answer: [^2] cites by number; cite a reference by its key instead, such as [^hemila2017] "
        "(this article's keys: hemila2017). Each reference's key is at the top of its row.",
    ]
    assert "Claimed." in response.json()["html"]
    fixed = editor_client.post(LIVE_ADD, new_article_form(body="## Fine\n\nClaimed.[^hemila2017]"))
    assert fixed.json()["errors"] == []


def test_a_row_save_would_refuse_is_left_out_of_the_chart_and_its_error_shown(editor_client):
    rows = {**NEW_ROWS, "food_sources": [{**NEW_ROWS["food_sources"][0], "amount": "lots"}]}
    response = editor_client.post(LIVE_ADD, {**article_fields(), **inline_data(rows)})
    assert response.json()["errors"] == ["Food source 1, amount (in the article's unit): Enter a number."]
    assert "Oysters" not in response.json()["html"]


def test_the_body_preview_leaves_out_fields_the_editor_has_not_reached(editor_client):
    response = editor_client.post(LIVE_ADD, {**inline_data({}), "body": "## Start\n\nA first line."})
    assert response.json()["errors"] == []
    assert "A first line." in response.json()["html"]


def test_the_body_preview_says_when_the_page_is_stale(editor_client, seed_article):
    response = editor_client.post(live_url(seed_article), seed_form(seed_article, edit_count="0"))
    (error,) = response.json()["errors"]
    assert "after you opened it, so your changes were not saved" in error
    assert "<a" not in error


def test_an_oversized_value_is_refused_with_a_message(editor_client):
    limit = rendering.MAX_MARKDOWN_CHARS
    for url in (LIVE_ADD, PAGE_ADD):
        response = editor_client.post(url, new_article_form(body="x" * (limit + 1)))
        assert response.status_code == 400
        assert response.content.decode() == (
            f"Body: This text has {limit + 1:,} characters; Markdown fields hold at most {limit:,}. "
            "Shorten it by 1 character."
        )


def test_an_oversized_faq_answer_is_named(editor_client):
    faqs = [{"order": "1", "question": "Why?", "answer": "x" * (rendering.MAX_MARKDOWN_CHARS + 5)}]
    response = editor_client.post(LIVE_ADD, {**article_fields(), **inline_data({**NEW_ROWS, "faqs": faqs})})
    assert response.status_code == 400
    assert response.content.decode().startswith("FAQ 1, answer: This text has")


def test_the_body_preview_answers_post_only(editor_client):
    assert editor_client.get(LIVE_ADD).status_code == 405


def test_previews_are_limited_per_account(editor_client, settings, seed_article):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "preview": "3/h"}
    assert editor_client.post(LIVE_ADD, new_article_form()).status_code == 200
    assert editor_client.post(PAGE_ADD, new_article_form()).status_code == 303
    assert editor_client.get(PAGE_ADD).status_code == 200
    limited = editor_client.post(live_url(seed_article), seed_form(seed_article))
    assert limited.status_code == 429
    assert "The editor has asked for many previews in a short while." in limited.content.decode()
    assert editor_client.get(PAGE_ADD).status_code == 429


def test_the_page_preview_of_a_new_article_shows_it_as_readers_would(editor_client):
    data = new_article_form()
    before = stored_state()
    posted = editor_client.post(PAGE_ADD, data)
    assert posted.status_code == 303
    assert posted["Location"] == PAGE_ADD
    response = editor_client.get(PAGE_ADD)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    page = soup(response)
    assert page.select_one("meta[name=robots]")["content"] == "noindex"
    assert "Preview — not published." in page.select_one(".staff-banner").get_text()
    assert page.select_one("#article-title").get_text(strip=True) == "Does zinc shorten colds?"
    assert page.select_one("figure#food-sources svg.chart") is not None
    assert "Zinc lozenges and the common cold" in page.select_one("#references").get_text()
    assert page.select_one("#ref-1") is not None and page.select_one("#cite-1") is not None
    assert page.select_one("#disclaimer") is not None
    assert "Does zinc prevent colds?" in page.select_one("#faq").get_text()
    # The tab can be reloaded: the form is kept for it.
    again = editor_client.get(PAGE_ADD)
    assert again.status_code == 200 and "Oysters" in again.content.decode()
    assert stored_state() == before
    assert not Article.objects.filter(slug="does-zinc-shorten-colds").exists()


def test_the_page_preview_of_a_published_article_leaves_readers_page_as_it_was(editor_client, seed_article):
    public = seed_article.get_absolute_url()
    client = Client()  # a reader
    assert client.get(public).status_code == 200  # stored in the page cache
    before = stored_state()
    # The change note (for readers, once published) can wait until the editor saves.
    form = seed_form(seed_article, title="A title nobody has saved", change_note="")
    editor_client.post(page_url(seed_article), form)
    response = editor_client.get(page_url(seed_article))
    assert response.status_code == 200
    assert soup(response).select_one("#article-title").get_text(strip=True).startswith("A title nobody has saved")
    assert stored_state() == before
    assert client.get(public)["X-Cache"] == "hit"  # the copy stored before the preview is still the one served
    reader_page = soup(client.get(public))
    assert "A title nobody has saved" not in reader_page.get_text()
    assert reader_page.select_one("#article-title").get_text(strip=True).startswith(seed_article.title)


def test_a_form_save_would_refuse_shows_its_problems_instead_of_a_page(editor_client):
    editor_client.post(PAGE_ADD, new_article_form(title="", body="# Title"))
    response = editor_client.get(PAGE_ADD)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    problems = [item.get_text() for item in soup(response).select("[role=alert] li")]
    assert "Title: This field is required." in problems
    assert "Body: Use ## for section headings: a single # is the article's title." in problems
    assert soup(response).select_one(".staff-banner") is None


def test_each_form_s_preview_shows_what_it_last_sent(editor_client, seed_article):
    editor_client.post(PAGE_ADD, new_article_form(title="First try"))
    editor_client.post(page_url(seed_article), seed_form(seed_article, title="The seed, retitled", change_note=""))
    editor_client.post(PAGE_ADD, new_article_form(title="Second try"))
    assert soup(editor_client.get(PAGE_ADD)).select_one("#article-title").get_text(strip=True) == "Second try"
    seed_title = soup(editor_client.get(page_url(seed_article))).select_one("#article-title").get_text(strip=True)
    assert seed_title.startswith("The seed, retitled")


def test_nothing_to_preview_without_a_posted_form(editor_client):
    assert editor_client.get(PAGE_ADD).status_code == 404


@pytest.mark.parametrize("url", [LIVE_ADD, PAGE_ADD])
def test_staff_without_the_permission_are_refused(url, django_user_model):
    reviewer = django_user_model.objects.create_user("reviewer-only", is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Medical reviewers"))
    assert signed_in(reviewer).post(url, new_article_form()).status_code == 403


def test_staff_who_may_not_change_the_article_are_refused(seed_article, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(*Group.objects.get(name="Editors").permissions.filter(codename="view_article"))
    viewer_client = signed_in(viewer)
    assert viewer_client.post(live_url(seed_article), seed_form(seed_article)).status_code == 403
    assert viewer_client.post(page_url(seed_article), seed_form(seed_article)).status_code == 403


@pytest.mark.parametrize("url", [LIVE_ADD, PAGE_ADD])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.post(url, new_article_form())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_who_may_only_view_are_not_offered_the_preview(seed_article, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(*Group.objects.get(name="Editors").permissions.filter(codename="view_article"))
    page = soup(signed_in(viewer).get(reverse("admin:articles_article_change", args=[seed_article.pk])))
    assert page.select_one("#article_form") is not None
    assert page.select("button.article-preview-button") == []


def test_the_change_page_offers_the_preview(editor_client, seed_article):
    for url, preview in (
        (reverse("admin:articles_article_add"), PAGE_ADD),
        (reverse("admin:articles_article_change", args=[seed_article.pk]), page_url(seed_article)),
    ):
        buttons = soup(editor_client.get(url)).select("button.article-preview-button")
        assert buttons and {button["formaction"] for button in buttons} == {preview}
        assert all(button["formtarget"] == "_blank" for button in buttons)
