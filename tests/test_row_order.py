"""Renumbering an article's rows in one save never trips their unique order (swaps, inserts, deletes)."""

import pytest
from django.urls import reverse

from articles.models import Article

from .helpers import current_fields, existing_rows, form_data, inline_data, soup

pytestmark = pytest.mark.django_db

PREFIXES = ["key_points", "supplement_forms", "food_sources", "faqs", "references"]


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def save(client, article, rows):
    data = {**current_fields(article), **inline_data(rows)}
    return client.post(change_url(article), data)


def orders_on_change_page(client, article, prefix):
    """{row id: order} as the change page shows them (a published article's draft included)."""
    data = form_data(soup(client.get(change_url(article))))
    count = int(data[f"{prefix}-TOTAL_FORMS"])
    return {data[f"{prefix}-{i}-id"]: data[f"{prefix}-{i}-order"] for i in range(count) if data[f"{prefix}-{i}-id"]}


@pytest.fixture(params=["published", "draft"])
def article(request, seed_article):
    if request.param == "draft":
        Article.objects.filter(pk=seed_article.pk).update(status=Article.Status.DRAFT)
        seed_article.refresh_from_db()
    return seed_article


@pytest.mark.parametrize("prefix", PREFIXES)
def test_two_rows_swap_their_order_numbers(editor_client, article, prefix):
    rows = existing_rows(article)
    first, second = rows[prefix][0], rows[prefix][1]
    first["order"], second["order"] = second["order"], first["order"]
    response = save(editor_client, article, rows)
    assert response.status_code == 302, [
        e.get_text(" ", strip=True) for e in soup(response).select(".errornote, .errorlist li")
    ]
    shown = orders_on_change_page(editor_client, article, prefix)
    assert (shown[first["id"]], shown[second["id"]]) == (first["order"], second["order"])


@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_new_first_row_moves_every_other_one_down(editor_client, article, prefix):
    rows = existing_rows(article)
    for row in rows[prefix]:
        row["order"] = str(int(row["order"]) + 1)
    new = {key: value for key, value in rows[prefix][0].items() if key != "id"}
    if prefix == "references":
        new["key"] = ""  # a copy of the first; the save suggests it a key of its own
    rows[prefix].append({**new, "order": "1"})
    response = save(editor_client, article, rows)
    assert response.status_code == 302, [
        e.get_text(" ", strip=True) for e in soup(response).select(".errornote, .errorlist li")
    ]
    shown = orders_on_change_page(editor_client, article, prefix)
    assert sorted(map(int, shown.values())) == list(range(1, len(rows[prefix]) + 1))


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("direction", ["last to first", "first to last"])
def test_a_row_dragged_to_the_other_end_moves_the_rest_along(editor_client, article, prefix, direction):
    """As the change page's row handles number them: 1..n in the order shown, each row its place."""
    rows = existing_rows(article)
    shown = (
        rows[prefix][-1:] + rows[prefix][:-1] if direction == "last to first" else rows[prefix][1:] + rows[prefix][:1]
    )
    for place, row in enumerate(shown, start=1):
        row["order"] = str(place)
    response = save(editor_client, article, rows)
    assert response.status_code == 302, [
        e.get_text(" ", strip=True) for e in soup(response).select(".errornote, .errorlist li")
    ]
    stored = orders_on_change_page(editor_client, article, prefix)
    assert stored == {row["id"]: row["order"] for row in shown}


# References aside: the body cites every one of its references by number, so deleting one is refused.
@pytest.mark.parametrize("prefix", [prefix for prefix in PREFIXES if prefix != "references"])
def test_a_deleted_row_s_number_goes_to_another_in_the_same_save(editor_client, article, editor, prefix):
    rows = existing_rows(article)
    rows[prefix][0]["DELETE"] = "on"
    rows[prefix][1]["order"] = rows[prefix][0]["order"]
    editor.is_superuser = True  # editors may not delete rows; an administrator may
    editor.save()
    response = save(editor_client, article, rows)
    assert response.status_code == 302, [
        e.get_text(" ", strip=True) for e in soup(response).select(".errornote, .errorlist li")
    ]
    shown = orders_on_change_page(editor_client, article, prefix)
    assert rows[prefix][0]["id"] not in shown and shown[rows[prefix][1]["id"]] == rows[prefix][0]["order"]


def test_two_rows_given_one_number_are_still_refused(editor_client, seed_article):
    rows = existing_rows(seed_article)
    rows["key_points"][1]["order"] = rows["key_points"][0]["order"]
    response = save(editor_client, seed_article, rows)
    assert response.status_code == 200
    assert "Two key points share an order number; give each its own." in response.content.decode()


def test_order_numbers_stay_below_the_databases_limit(editor_client, seed_article):
    rows = existing_rows(seed_article)
    rows["key_points"][0]["order"] = "40000"
    response = save(editor_client, seed_article, rows)
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 10000." in response.content.decode()


def test_restoring_a_revision_with_the_rows_in_another_order_swaps_them_back(admin_client):
    from reversion.models import Version

    from .factories import ArticleFactory, KeyPointFactory
    from .helpers import errors_of

    article = ArticleFactory(title="Zinc and colds", status=Article.Status.DRAFT, published_at=None)
    KeyPointFactory(article=article, order=1, title="First point")
    KeyPointFactory(article=article, order=2, title="Second point")
    first = save(admin_client, article, existing_rows(article))
    assert first.status_code == 302, errors_of(first)
    before = Version.objects.get_for_object(article).first()
    rows = existing_rows(article)
    rows["key_points"][0]["order"], rows["key_points"][1]["order"] = "2", "1"
    article.refresh_from_db()
    swapped = save(admin_client, article, rows)
    assert swapped.status_code == 302, errors_of(swapped)
    assert list(article.key_points.order_by("order").values_list("title", flat=True)) == ["Second point", "First point"]

    url = reverse("admin:articles_article_revision", args=[article.pk, before.pk])
    restored = admin_client.post(url, form_data(soup(admin_client.get(url))))
    assert restored.status_code == 302, errors_of(restored)
    assert list(article.key_points.order_by("order").values_list("title", flat=True)) == ["First point", "Second point"]
