"""Build the data the article admin's change form submits, as a browser would."""

from django.urls import reverse
from django.utils import timezone

from .factories import ContributorFactory, ReviewerFactory

ADD_URL = reverse("admin:articles_article_add")
INLINES = ["key_points", "supplement_forms", "food_sources", "faqs", "references"]


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def article_fields(**overrides):
    fields = {
        "title": "Does zinc shorten colds?",
        "subtitle": "What the trials show",
        "slug": "does-zinc-shorten-colds",
        "author": str(ContributorFactory().pk),
        "medical_reviewer": str(ReviewerFactory().pk),
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "last_reviewed_on": "2026-11-01",
        "lead": "Zinc lozenges are sold as a cold remedy.",
        "summary": "Some trials show shorter colds.",
        "body": "## The evidence\n\nLozenges may help.[^1]\n\n[[food-sources]]\n\n## Safety\n\nDo not overdo it.",
        "nutrient_name": "Zinc",
        "daily_value_mg": "11",
        "disclaimer": "",
        "meta_description": "What clinical trials say about zinc and the common cold.",
    }
    fields.update(overrides)
    return fields


def inline_data(rows):
    """Management form and row fields for each inline; rows maps prefix to a list of dicts."""
    data = {}
    for prefix in INLINES:
        items = rows.get(prefix, [])
        initial = sum(1 for item in items if item.get("id"))
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(items)),
                f"{prefix}-INITIAL_FORMS": str(initial),
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for index, item in enumerate(items):
            data.update({f"{prefix}-{index}-{key}": value for key, value in item.items()})
    return data


NEW_ROWS = {
    "key_points": [{"order": "1", "title": "Timing matters", "text": "Start within a day."}],
    "supplement_forms": [
        {
            "order": "1",
            "name": "Zinc acetate",
            "bioavailability": "4",
            "common_use": "Lozenges",
            "efficacy": "Best studied",
            "notes": "",
        }
    ],
    "food_sources": [
        {
            "order": "1",
            "name": "Oysters",
            "category": "Seafood",
            "serving": "3 oz",
            "amount_mg": "32",
            "source": "NIH ODS",
        }
    ],
    "faqs": [{"order": "1", "question": "Does zinc prevent colds?", "answer": "Not clearly.[^1]"}],
    "references": [
        {
            "order": "1",
            "authors": "Hemilä H",
            "title": "Zinc lozenges and the common cold",
            "publisher": "JRSM Open 8(5)",
            "year": "2017",
            "doi": "10.1177/2054270417694291",
            "pmid": "28515951",
            "url": "",
        }
    ],
}


def existing_rows(article, **changes):
    """The submitted rows for an article as the change page shows them."""
    rows = {}
    fields = {
        "key_points": ["order", "title", "text"],
        "supplement_forms": ["order", "name", "bioavailability", "common_use", "efficacy", "notes"],
        "food_sources": ["order", "name", "category", "serving", "amount_mg", "source"],
        "faqs": ["order", "question", "answer"],
        "references": ["order", "authors", "title", "publisher", "year", "doi", "pmid", "url"],
    }
    for prefix, names in fields.items():
        rows[prefix] = [
            {
                "id": str(obj.pk),
                "article": str(article.pk),
                **{name: "" if getattr(obj, name) is None else str(getattr(obj, name)) for name in names},
            }
            for obj in getattr(article, prefix).all()
        ]
        rows[prefix] += changes.get(prefix, [])
    return rows


def current_fields(article, **overrides):
    """The article's own fields as its change page submits them."""
    names = [
        "title",
        "subtitle",
        "slug",
        "lead",
        "summary",
        "body",
        "author_id",
        "medical_reviewer_id",
        "meta_description",
        "nutrient_name",
        "daily_value_mg",
        "status",
        "disclaimer",
    ]
    fields = {
        name.removesuffix("_id"): "" if getattr(article, name) is None else str(getattr(article, name))
        for name in names
    }
    fields["base_version"] = str(article.lock_version)
    published = timezone.localtime(article.published_at)
    fields.update(
        published_at_0=published.date().isoformat(),
        published_at_1=published.time().isoformat(),
        last_reviewed_on=str(article.last_reviewed_on or ""),
    )
    fields.update(overrides)
    return fields
