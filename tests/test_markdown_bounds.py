"""Markdown fields have a size limit, which forms, checks and the preview hold to."""

import pytest
from django.core.exceptions import ValidationError

from articles import rendering
from articles.models import Article
from sitepages.models import SitePage

from .factories import ArticleFactory, FAQFactory
from .helpers import (
    ADD_URL,
    NEW_ROWS,
    article_fields,
    errors_of,
    existing_rows,
    field_errors,
    inline_data,
    save_change_page,
    save_site_page,
)

LIMIT = rendering.MAX_MARKDOWN_CHARS
TOO_LONG = "A sentence of prose.\n\n" * (LIMIT // 22 + 1)


# The size limit


def test_the_limit_is_several_times_the_longest_article(seed_article):
    assert len(seed_article.body) * 5 < LIMIT


def test_an_article_body_over_the_limit_is_refused_naming_the_limit(admin_client, seed_article):
    response = save_change_page(admin_client, seed_article, body=TOO_LONG)
    assert response.status_code == 200
    assert f"Markdown fields hold at most {LIMIT:,}" in " ".join(field_errors(response, "body"))
    assert Article.objects.get(pk=seed_article.pk).body == seed_article.body


def test_an_article_body_at_the_limit_is_saved(admin_client):
    body = ("## Section\n\nText.[^1]\n\n" + "Prose " * LIMIT)[:LIMIT]
    response = admin_client.post(ADD_URL, {**article_fields(body=body), **inline_data(NEW_ROWS)})
    assert response.status_code == 302, errors_of(response)
    assert len(Article.objects.get(slug="does-zinc-shorten-colds").body) == LIMIT


def test_an_faq_answer_over_the_limit_is_refused(admin_client, seed_article):
    rows = existing_rows(seed_article)
    rows["faqs"][0]["answer"] = TOO_LONG
    response = save_change_page(admin_client, seed_article, rows)
    assert response.status_code == 200
    assert any(f"Markdown fields hold at most {LIMIT:,}" in error for error in errors_of(response))
    assert seed_article.faqs.get(order=rows["faqs"][0]["order"]).answer != TOO_LONG.strip()


def test_a_site_page_body_over_the_limit_is_refused(admin_client, site_pages):
    about = site_pages["about"]
    response = save_site_page(admin_client, about, body=TOO_LONG)
    assert response.status_code == 200
    errors = field_errors(response, "body")
    assert len(errors) == 1 and f"at most {LIMIT:,}" in errors[0]
    assert SitePage.objects.get(slug="about").body == about.body


@pytest.mark.django_db
def test_saving_past_the_forms_still_checks_the_limit():
    article = ArticleFactory.build(body=TOO_LONG)
    with pytest.raises(ValidationError) as refused:
        article.full_clean(exclude=["author", "medical_reviewer"])
    assert "body" in refused.value.message_dict
    faq = FAQFactory.build(answer=TOO_LONG)
    with pytest.raises(ValidationError):
        faq.clean_fields(exclude=["article"])


def test_the_checks_and_the_preview_refuse_text_over_the_limit_without_rendering_it(monkeypatch):
    def no_rendering(*args, **kwargs):
        raise AssertionError("rendered")

    monkeypatch.setattr(rendering, "render", no_rendering)
    assert rendering.check(TOO_LONG, set()) == [rendering.length_problem(TOO_LONG)]
    assert f"Markdown fields hold at most {LIMIT:,}" in rendering.preview(TOO_LONG)
    assert rendering.length_problem("x" * LIMIT) == ""
