"""Models: what "published" means, the rules the database holds, derived fields."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import DERIVED_FIELDS, FAQ, Article, FoodSource, KeyPoint, Reference, SupplementForm

from .factories import (
    ROW_FACTORIES,
    ArticleFactory,
    FAQFactory,
    FoodSourceFactory,
    KeyPointFactory,
    ReferenceFactory,
    SupplementFormFactory,
)

pytestmark = pytest.mark.django_db


def test_published_means_status_published_and_a_time_that_has_come():
    live = ArticleFactory()
    ArticleFactory(draft=True)
    ArticleFactory(status=Article.Status.IN_REVIEW)
    ArticleFactory(scheduled=True)
    assert list(Article.objects.published()) == [live]
    assert live.is_published


def test_a_scheduled_article_goes_live_when_its_time_comes():
    article = ArticleFactory(published_at=timezone.now() + timedelta(seconds=1))
    assert not Article.objects.published().exists()
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert Article.objects.published().get() == article


def test_the_database_refuses_a_published_article_without_a_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(status=Article.Status.PUBLISHED, published_at=None)


def test_the_database_refuses_an_unknown_status():
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(status="archived")


def test_slugs_are_unique():
    ArticleFactory(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(slug="same")


@pytest.mark.parametrize("factory", ROW_FACTORIES.values())
def test_two_rows_of_one_article_cannot_share_an_order(factory):
    article = ArticleFactory()
    factory(article=article, order=1)
    factory(article=ArticleFactory(), order=1)  # another article may use it
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(article=article, order=1)


def test_rows_come_back_in_their_order():
    article = ArticleFactory()
    for order in (3, 1, 2):
        KeyPointFactory(article=article, order=order, title=f"Point {order}")
    assert [p.title for p in article.key_points.all()] == ["Point 1", "Point 2", "Point 3"]


def test_bioavailability_is_an_ordered_scale_the_database_holds():
    assert (
        SupplementForm.Bioavailability.LOW < SupplementForm.Bioavailability.GOOD < SupplementForm.Bioavailability.HIGH
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplementFormFactory(bioavailability=9)


def test_percent_daily_value_is_derived_and_rounded_half_up():
    article = ArticleFactory(daily_value=Decimal("420"))
    assert FoodSourceFactory(article=article, amount=Decimal("156")).percent_daily_value == 37
    assert FoodSourceFactory(article=article, amount=Decimal("23")).percent_daily_value == 5
    assert FoodSourceFactory(article=article, amount=Decimal("2.1")).percent_daily_value == 1  # 0.5 rounds up
    assert FoodSourceFactory(article=ArticleFactory(daily_value=None)).percent_daily_value is None


def test_negative_amounts_are_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        FoodSourceFactory(amount=Decimal("-1"))


def test_reference_links_come_from_url_then_doi_then_pmid():
    assert ReferenceFactory(url="https://ods.od.nih.gov/x", doi="10.1/x").link == "https://ods.od.nih.gov/x"
    assert ReferenceFactory(url="", doi="10.3390/nu5083022").link == "https://doi.org/10.3390/nu5083022"
    assert ReferenceFactory(url="", doi="", pmid="23912329").link == "https://pubmed.ncbi.nlm.nih.gov/23912329/"
    assert ReferenceFactory(url="javascript:alert(1)", doi="", pmid="").link == ""


def test_derived_fields_are_stored_on_save():
    article = ArticleFactory(body="## One\n\nText.[^smith2020]\n\n## Two\n\nMore.")
    stored = Article.objects.filter(pk=article.pk).values("body_html", "toc", "citations", "word_count").get()
    assert '<h2 id="one">One</h2>' in stored["body_html"]
    assert stored["toc"] == [{"id": "one", "title": "One"}, {"id": "two", "title": "Two"}]
    assert stored["citations"] == {}  # the article has no reference of that key yet
    assert '<sup class="citation">[?]</sup>' in stored["body_html"]
    assert stored["word_count"] > 0
    ReferenceFactory(article=article, key="smith2020")  # a row's save derives its article again
    stored = Article.objects.filter(pk=article.pk).values("body_html", "citations").get()
    assert stored["citations"] == {"smith2020": {"number": 1, "anchors": 1}}
    assert '<a href="#ref-1" id="cite-1">[1]</a>' in stored["body_html"]


def test_derived_fields_follow_the_body_when_saved_from_a_partial_load():
    article = ArticleFactory(body="## Before")
    partial = Article.objects.defer("body", "toc", "body_html").get(pk=article.pk)
    partial.body = "## After"
    partial.save()
    assert Article.objects.get(pk=article.pk).toc == [{"id": "after", "title": "After"}]
    partial.save(update_fields=["body"])
    assert '<h2 id="after">' in Article.objects.get(pk=article.pk).body_html


def test_articles_loaded_together_are_each_derived_once_with_their_rows(tmp_path):
    import json

    from django.core.management import call_command

    from articles.derivation import deriving_once

    first, second = ArticleFactory(body="## First\n\nOne two."), ArticleFactory(body="## Second\n\nThree.")
    for article in (first, second):
        FAQFactory(article=article, order=1, answer="word " * 300)
    expected = {a.slug: Article.objects.values(*DERIVED_FIELDS).get(pk=a.pk) for a in (first, second)}
    fixture = tmp_path / "two.json"
    labels = ["articles.contributor", "articles.article", "articles.faq"]
    call_command("dumpdata", *labels, natural_foreign=True, natural_primary=True, output=str(fixture))
    objects = json.loads(fixture.read_text())
    for item in objects:  # as the initial fixture is written: what is derived is left to the site
        for name in [*DERIVED_FIELDS, "answer_html"]:
            item["fields"].pop(name, None)
    fixture.write_text(json.dumps(objects))
    Article.objects.all().delete()
    with deriving_once():
        call_command("loaddata", str(fixture), verbosity=0)
    assert {
        a["slug"]: {k: a[k] for k in DERIVED_FIELDS} for a in Article.objects.values("slug", *DERIVED_FIELDS)
    } == expected


def test_saving_a_row_updates_the_articles_reading_time_and_updated_date():
    article = ArticleFactory(body="Short.")
    before = Article.objects.get(pk=article.pk)
    faq = FAQFactory(article=article, order=1, answer="word " * 600)
    after = Article.objects.get(pk=article.pk)
    assert after.word_count >= before.word_count + 600
    assert after.reading_minutes == 3
    assert after.updated_at > before.updated_at
    faq.delete()
    assert Article.objects.get(pk=article.pk).word_count == before.word_count


def test_faq_answers_are_rendered_and_cleaned_on_save():
    faq = FAQFactory(answer="**Yes**, mostly.<script>alert(1)</script>")
    assert FAQ.objects.get(pk=faq.pk).answer_html == "<p><strong>Yes</strong>, mostly.</p>"


def test_deleting_an_article_deletes_its_rows():
    article = ArticleFactory()
    KeyPointFactory(article=article)
    FAQFactory(article=article)
    article.delete()
    assert not KeyPoint.objects.exists() and not FAQ.objects.exists()


def test_natural_keys_identify_articles_and_rows():
    reference = ReferenceFactory(order=4, article=ArticleFactory(slug="zinc"))
    assert reference.natural_key() == (4, "zinc")
    assert Reference.objects.get_by_natural_key(4, "zinc") == reference
    assert Article.objects.get_by_natural_key("zinc") == reference.article


def test_absolute_url_uses_the_slug():
    assert ArticleFactory(slug="zinc-and-colds").get_absolute_url() == "/articles/zinc-and-colds/"


def test_food_source_str_and_models_names():
    assert str(FoodSourceFactory(name="Almonds")) == "Almonds"
    assert FAQ._meta.verbose_name_plural == "FAQs"
    assert FoodSource._meta.get_field("amount").verbose_name == "amount (in the article's unit)"
