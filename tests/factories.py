import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from django.utils.text import slugify

from articles.models import FAQ, Article, Contributor, FoodSource, KeyPoint, Reference, SupplementForm


class ContributorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contributor
        django_get_or_create = ["slug"]

    name = "Citewell Editorial Team"
    slug = factory.LazyAttribute(lambda c: slugify(c.name))
    role = Contributor.Role.WRITER
    kind = Contributor.Kind.PERSON


class ReviewerFactory(ContributorFactory):
    name = "Ana Ruiz"
    credentials = "MD"
    role = Contributor.Role.MEDICAL_REVIEWER
    bio = "Ana Ruiz is an endocrinologist who reviews articles on bone and metabolic health."


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Does vitamin {n} help sleep?")
    slug = factory.Sequence(lambda n: f"does-vitamin-{n}-help-sleep")
    lead = "Many people ask whether a vitamin can help them sleep better."
    summary = "The evidence is mixed; food comes first."
    body = "## What the research says\n\nTrials are small.\n\n## Bottom line\n\nAsk a doctor."
    author = factory.SubFactory(ContributorFactory)
    medical_reviewer = factory.SubFactory(ReviewerFactory)
    meta_description = "What research says about vitamins and sleep."
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    last_reviewed_on = factory.LazyFunction(timezone.localdate)

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))
        )


class RowFactory(factory.django.DjangoModelFactory):
    article = factory.SubFactory(ArticleFactory)
    order = factory.Sequence(lambda n: n + 1)


class KeyPointFactory(RowFactory):
    class Meta:
        model = KeyPoint

    title = "Food first"
    text = "Whole foods are the preferred source."


class SupplementFormFactory(RowFactory):
    class Meta:
        model = SupplementForm

    name = "Magnesium glycinate"
    bioavailability = SupplementForm.Bioavailability.HIGH
    common_use = "Sleep support"
    efficacy = "Raises overall levels."
    notes = "Gentle on the gut."


class FoodSourceFactory(RowFactory):
    class Meta:
        model = FoodSource

    name = "Almonds"
    category = "Nuts and seeds"
    serving = "1 oz"
    amount = Decimal("80")


class FAQFactory(RowFactory):
    class Meta:
        model = FAQ

    question = factory.Sequence(lambda n: f"Question number {n}?")
    answer = "A short answer."


class ReferenceFactory(RowFactory):
    class Meta:
        model = Reference

    key = factory.LazyAttribute(lambda reference: f"ref{reference.order}")
    authors = "Doe J, Roe R"
    title = "A trial of something"
    publisher = "J Something"
    year = 2020
    volume = "1"
    issue = "2"
    pages = "3-4"
    doi = "10.1000/xyz123"
    pmid = "12345678"


# A factory for each kind of an article's rows, by the name of the relation.
ROW_FACTORIES = {
    "key_points": KeyPointFactory,
    "supplement_forms": SupplementFormFactory,
    "food_sources": FoodSourceFactory,
    "faqs": FAQFactory,
    "references": ReferenceFactory,
}
