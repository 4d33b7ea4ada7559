"""The supplement forms table's efficacy column is named per article, "Efficacy" when it is not."""

import pytest

from articles.models import Article, SupplementForm

from .conftest import SEED_SLUG
from .helpers import ADD_URL, NEW_ROWS, article_fields, change_url, errors_of, inline_data, page_at, soup
from .test_import_export import export, import_file, join, split

pytestmark = pytest.mark.django_db

ZINC_URL = "/articles/does-zinc-shorten-colds/"  # the slug article_fields() gives
ZINC_BODY = "## The evidence\n\nLozenges may help.[^hemila2017]\n\n[[supplement-forms]]"


def column_headers(client, url):
    table = page_at(client, url).select_one("#supplement-forms")
    return [th.get_text(strip=True) for th in table.select("thead th")], [
        td["data-label"] for td in table.select("tbody td")
    ]


def add_zinc(client, **fields):
    response = client.post(ADD_URL, {**article_fields(body=ZINC_BODY, **fields), **inline_data(NEW_ROWS)})
    assert response.status_code == 302, errors_of(response)
    return Article.objects.get(slug="does-zinc-shorten-colds")


def test_the_seed_article_keeps_its_heading(seed_article, client):
    assert seed_article.efficacy_label == "Bone Health Efficacy"
    headers, labels = column_headers(client, f"/articles/{SEED_SLUG}/")
    assert headers == ["Magnesium Form", "Bioavailability", "Common Use", "Bone Health Efficacy", "Notes"]
    assert labels.count("Bone Health Efficacy") == seed_article.supplement_forms.count() == 4


def test_an_article_without_a_label_says_efficacy(editor_client):
    add_zinc(editor_client)
    headers, labels = column_headers(editor_client, ZINC_URL)
    assert headers == ["Zinc Form", "Bioavailability", "Common Use", "Efficacy", "Notes"]
    assert labels == ["Bioavailability", "Common Use", "Efficacy", "Notes"]
    assert "Bone Health" not in page_at(editor_client, ZINC_URL).get_text()


def test_an_article_with_a_label_shows_it(editor_client):
    article = add_zinc(editor_client, efficacy_label="  Efficacy against colds ")
    assert article.efficacy_label == "Efficacy against colds"
    headers, labels = column_headers(editor_client, ZINC_URL)
    assert headers[3] == "Efficacy against colds" and labels[2] == "Efficacy against colds"


def test_the_admin_labels_are_neutral(editor_client, seed_article):
    page = soup(editor_client.get(change_url(seed_article)))
    assert page.select_one("label[for=id_efficacy_label]").get_text(strip=True) == "Efficacy label:"
    assert page.select_one("#id_efficacy_label")["value"] == "Bone Health Efficacy"
    efficacy = page.select_one("label[for=id_supplement_forms-0-efficacy]")
    assert efficacy.get_text(strip=True) == "Efficacy:"
    assert SupplementForm._meta.get_field("efficacy").verbose_name == "efficacy"


def test_export_and_import_carry_the_label(editor_client, tmp_path):
    add_zinc(editor_client, efficacy_label="Efficacy against colds")
    data, body = split(export("does-zinc-shorten-colds"))
    assert data["efficacy_label"] == "Efficacy against colds"
    Article.objects.all().delete()
    path = tmp_path / "zinc.md"
    path.write_text(join(data, body))
    import_file(path)
    assert Article.objects.get(slug="does-zinc-shorten-colds").efficacy_label == "Efficacy against colds"
    headers, _ = column_headers(editor_client, ZINC_URL)
    assert headers[3] == "Efficacy against colds"
