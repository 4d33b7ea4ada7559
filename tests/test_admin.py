"""Editing through the Django admin: every inline, clear validation, actions, editors."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import Article

from .factories import ArticleFactory, KeyPointFactory, ReferenceFactory
from .helpers import (
    ADD_URL,
    INLINES,
    NEW_ROWS,
    article_fields,
    change_url,
    draft_of,
    errors_of,
    existing_rows,
    inline_data,
    save_change_page,
    signed_off,
    soup,
)

pytestmark = pytest.mark.django_db

SECTIONS = ["Byline and publishing", "Opening", "Body", "Food amounts", "Disclaimer", "Search and sharing"]


def test_adding_an_article_with_every_inline(admin_client):
    response = admin_client.post(ADD_URL, {**article_fields(), **inline_data(NEW_ROWS)})
    assert response.status_code == 302, errors_of(response)
    article = Article.objects.get(slug="does-zinc-shorten-colds")
    assert [k.title for k in article.key_points.all()] == ["Timing matters"]
    assert article.supplement_forms.get().get_bioavailability_display() == "High"
    assert article.food_sources.get().percent_daily_value == 291
    assert article.faqs.get().answer_html == '<p>Not clearly.<sup class="citation"><a href="#ref-1">[1]</a></sup></p>'
    assert article.references.get().link == "https://doi.org/10.1177/2054270417694291"
    assert article.references.get().key == "hemila2017"
    assert article.citations == {"hemila2017": {"number": 1, "anchors": 1}}
    preview = admin_client.get(article.get_absolute_url())
    assert preview.status_code == 200 and "Oysters" in preview.content.decode()


def test_the_add_page_has_the_markdown_editor_and_every_inline(admin_client):
    page = soup(admin_client.get(ADD_URL))
    assert page.select_one("textarea#id_body.markdownx-editor")
    assert page.select_one("textarea[name='faqs-__prefix__-answer'].markdownx-editor")
    for prefix in INLINES:
        assert page.select_one(f"input[name='{prefix}-TOTAL_FORMS']"), prefix
    legends = [h.get_text(strip=True) for h in page.select("fieldset.module > h2, fieldset.module > legend")]
    assert [name for name in legends if name in SECTIONS] == SECTIONS


def test_changing_an_article_edits_and_removes_rows(admin_client, seed_article):
    rows = existing_rows(seed_article)
    rows["faqs"][0]["question"] = "How does magnesium help bones?"
    rows["key_points"][5]["DELETE"] = "on"
    body = seed_article.body.replace("Conclusion", "In Short")
    response = save_change_page(admin_client, seed_article, rows, body=body)
    assert response.status_code == 302, errors_of(response)
    draft = draft_of(seed_article)  # published: the change waits as a draft
    assert draft.rows["faqs"][0].question == "How does magnesium help bones?"
    assert len(draft.rows["key_points"]) == 5
    assert draft.article.toc[-1] == {"id": "in-short", "title": "In Short"}
    assert seed_article.key_points.count() == 6


def test_citing_a_reference_that_does_not_exist_is_refused(admin_client):
    data = {**article_fields(body="Claim.[^hemila2017] Other claim.[^smith2020]"), **inline_data(NEW_ROWS)}
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "[^smith2020] cites no reference of this article; its references' keys are: hemila2017." in errors_of(
        response
    )
    assert not Article.objects.exists()


def test_citing_a_reference_removed_in_the_same_save_is_refused(admin_client):
    article = ArticleFactory(body="Claim.[^ref1]")
    ReferenceFactory(article=article, order=1)
    rows = existing_rows(article)
    rows["references"][0]["DELETE"] = "on"
    fields = article_fields(slug=article.slug, body="Claim.[^ref1]")
    response = admin_client.post(change_url(article), {**fields, **inline_data(rows)})
    assert response.status_code == 200
    assert "[^ref1] cites no reference of this article; its references' keys are: none yet." in errors_of(response)
    assert article.references.count() == 1


def test_an_faq_answer_citing_an_unknown_reference_is_refused(admin_client):
    rows = {**NEW_ROWS, "faqs": [{"order": "1", "question": "Q?", "answer": "See [^hemila2071]."}]}
    response = admin_client.post(ADD_URL, {**article_fields(), **inline_data(rows)})
    assert response.status_code == 200
    assert "[^hemila2071] cites no reference of this article; its references' keys are: hemila2017." in errors_of(
        response
    )
    assert not Article.objects.exists()


def test_unknown_block_markers_and_title_headings_are_refused(admin_client):
    body = "# My title\n\n[[chart]]\n\nText."
    response = admin_client.post(ADD_URL, {**article_fields(body=body), **inline_data(NEW_ROWS)})
    errors = errors_of(response)
    assert "[[chart]] is not a block this site knows; use [[food-sources]] or [[supplement-forms]]." in errors
    assert "Use ## for section headings: a single # is the article's title." in errors


def test_duplicate_order_numbers_are_refused_with_a_clear_message(admin_client):
    rows = {
        **NEW_ROWS,
        "key_points": [
            {"order": "1", "title": "One", "text": "First."},
            {"order": "1", "title": "Two", "text": "Second."},
        ],
    }
    response = admin_client.post(ADD_URL, {**article_fields(), **inline_data(rows)})
    assert response.status_code == 200
    assert "Two key points share an order number; give each its own." in errors_of(response)
    assert not Article.objects.exists()


def test_a_new_row_reusing_an_existing_order_is_refused(admin_client):
    article = ArticleFactory(body="Text.")
    KeyPointFactory(article=article, order=1)
    rows = existing_rows(article, key_points=[{"order": "1", "title": "Again", "text": "Dup."}])
    response = admin_client.post(
        change_url(article), {**article_fields(slug=article.slug, body="Text."), **inline_data(rows)}
    )
    assert response.status_code == 200
    assert "Two key points share an order number; give each its own." in errors_of(response)
    assert article.key_points.count() == 1


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("doi", "doi:10.3390/nu5083022", "Enter a DOI such as 10.3390/nu5083022 (without https://doi.org/)."),
        (
            "doi",
            "https://doi.org/10.3390/nu5083022",
            "Enter a DOI such as 10.3390/nu5083022 (without https://doi.org/).",
        ),
        ("pmid", "PMID 123", "A PubMed ID is a number such as 23912329."),
        ("pmid", "0123", "A PubMed ID is a number such as 23912329."),
        ("url", "javascript:alert(1)", "Enter a full http:// or https:// address."),
        ("url", "ftp://example.org/paper.pdf", "Enter a full http:// or https:// address."),
        ("url", "data:text/html,hi", "Enter a full http:// or https:// address."),
    ],
)
def test_malformed_reference_identifiers_are_refused(admin_client, field, value, message):
    reference = {**NEW_ROWS["references"][0], field: value}
    response = admin_client.post(ADD_URL, {**article_fields(), **inline_data({**NEW_ROWS, "references": [reference]})})
    assert response.status_code == 200
    assert message in errors_of(response)
    assert not Article.objects.exists()


def test_a_meta_description_beyond_what_search_engines_show_is_refused(admin_client):
    response = admin_client.post(ADD_URL, {**article_fields(meta_description="x" * 321), **inline_data(NEW_ROWS)})
    assert "Ensure this value has at most 320 characters (it has 321)." in errors_of(response)


def test_publishing_without_a_date_publishes_now(admin_client, reviewer):
    response = admin_client.post(ADD_URL, {**article_fields(), **inline_data(NEW_ROWS)})
    assert response.status_code == 302, errors_of(response)
    article = Article.objects.get()
    signed_off(article, reviewer)
    admin_client.post(reverse("admin:articles_article_publish", args=[article.pk]))
    assert Article.objects.published().get().published_at >= article.created_at


def test_publish_and_unpublish_actions(admin_client, reviewer):
    drafts = ArticleFactory.create_batch(2, draft=True, medical_reviewer=reviewer.contributor, last_reviewed_on=None)
    for article in drafts:
        signed_off(article, reviewer)
    changelist = reverse("admin:articles_article_changelist")
    ids = [str(a.pk) for a in drafts]
    admin_client.post(changelist, {"action": "publish", "_selected_action": ids})
    assert Article.objects.published().count() == 2
    admin_client.post(changelist, {"action": "unpublish", "_selected_action": ids[:1]})
    assert Article.objects.published().count() == 1
    assert Article.objects.get(pk=drafts[0].pk).status == "draft"


def test_changelist_shows_live_column_and_supports_search_filter_and_dates(admin_client):
    ArticleFactory(title="Zinc and colds")
    ArticleFactory(title="Iron and fatigue", draft=True)
    changelist = reverse("admin:articles_article_changelist")
    page = soup(admin_client.get(changelist))
    assert len(page.select("#result_list tbody tr")) == 2
    assert {s.get_text() for s in page.select("#result_list td.field-state")} == {"Live", "Draft"}
    assert page.select("nav.toplinks a[href*='published_at__']")  # the date hierarchy
    assert "By state" in page.select_one("#changelist-filter").get_text()
    searched = soup(admin_client.get(changelist, {"q": "zinc"}))
    assert [a.get_text() for a in searched.select("#result_list tbody th a")] == ["Zinc and colds"]
    filtered = soup(admin_client.get(changelist, {"state": "draft"}))
    assert [a.get_text() for a in filtered.select("#result_list tbody th a")] == ["Iron and fatigue"]


def test_view_on_site_opens_drafts_for_staff(admin_client):
    article = ArticleFactory(draft=True)
    page = soup(admin_client.get(change_url(article)))
    link = page.select_one("a.viewsitelink")["href"]
    response = admin_client.get(link, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith(article.get_absolute_url())
    assert "Not published." in response.content.decode()


def test_editors_group_has_exactly_add_change_view_on_the_content_models_and_change_view_on_the_site_pages():
    codenames = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    models = ["article", "keypoint", "supplementform", "foodsource", "faq", "reference", "topic", "contributor"]
    site_pages = {"change_sitepage", "view_sitepage"}
    assert codenames == {f"{action}_{m}" for m in models for action in ("add", "change", "view")} | site_pages


def test_an_editor_edits_an_article(editor_client, seed_article):
    response = editor_client.get(change_url(seed_article))
    assert response.status_code == 200
    response = save_change_page(
        editor_client, seed_article, last_reviewed_on="2026-11-20", summary="Magnesium matters for bones."
    )
    assert response.status_code == 302, errors_of(response)
    assert draft_of(seed_article).article.summary == "Magnesium matters for bones."
    seed_article.refresh_from_db()
    assert seed_article.summary != "Magnesium matters for bones."  # readers see it once signed off and published
    assert seed_article.last_reviewed_on is None  # no form field sets it


def test_an_editor_is_refused_the_user_admin_and_deleting(editor_client, seed_article, django_user_model):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_user_add")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:articles_article_delete", args=[seed_article.pk])).status_code == 403
    index = soup(editor_client.get(reverse("admin:index")))
    assert [a.get_text() for a in index.select("#content-main th a")] == [
        "Articles",
        "Contributors",
        "Topics",
        "Site pages",
    ]


def test_editors_can_add_articles(editor_client):
    response = editor_client.post(ADD_URL, {**article_fields(), **inline_data(NEW_ROWS)})
    assert response.status_code == 302, errors_of(response)
    assert Article.objects.filter(slug="does-zinc-shorten-colds").exists()


def test_slug_help_texts_show_the_address_whole(admin_client):
    page = soup(admin_client.get(ADD_URL))
    assert "The address: /articles/this-slug/." in page.select_one("#id_slug_helptext").get_text()
