"""Citations by key: keys suggested and checked, references numbered by first citation, the old
numeric markers converted, references shown in AMA style, keys through export and import."""

import importlib
import json
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse

from articles import citations
from articles.models import Article

from .conftest import SEED_SLUG
from .factories import ArticleFactory, FAQFactory, ReferenceFactory
from .helpers import (
    ADD_URL,
    NEW_ROWS,
    article_fields,
    change_url,
    current_fields,
    draft_of,
    errors_of,
    existing_rows,
    field_errors,
    inline_data,
    json_ld,
    page_at,
    soup,
)
from .test_import_export import everything, export, import_file, join, refused, split

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parent.parent / "articles" / "fixtures" / "initial_article.json"
SEED_KEYS = ["nih", "castiglioni2013", "farsinejadmarj2016", "orchard2014", "uwitonze2018"]  # in row order


def reference_row(order, key, authors, title):
    return {
        "order": str(order),
        "key": key,
        "authors": authors,
        "title": title,
        "publisher": "J Sleep Res",
        "year": "2020",
        "volume": "12",
        "issue": "3",
        "pages": "100-110",
        "doi": "",
        "pmid": "",
        "url": "",
    }


THREE = [
    reference_row(1, "adams2020", "Adams A", "First in the rows"),
    reference_row(2, "baker2020", "Baker B", "Second in the rows"),
    reference_row(3, "clark2020", "Clark C", "Third in the rows"),
]


def listed_titles(client, article):
    """The reference list as readers see it: (number, title) in page order."""
    page = page_at(client, article.get_absolute_url())
    return [(li["id"], li.select_one(".ref__title").get_text()) for li in page.select("#references li")]


def add_article(client, body, answer, references=THREE):
    rows = {**NEW_ROWS, "faqs": [{"order": "1", "question": "Q?", "answer": answer}], "references": references}
    response = client.post(ADD_URL, {**article_fields(body=body), **inline_data(rows)})
    assert response.status_code == 302, errors_of(response)
    return Article.objects.get(slug="does-zinc-shorten-colds")


# Numbers by first citation, through the admin


def test_references_are_numbered_by_first_citation_body_then_answers(admin_client):
    article = add_article(
        admin_client, "## Evidence\n\nOne.[^clark2020] Two.[^baker2020,clark2020]", "Yes.[^adams2020]"
    )
    # Added first in the rows, cited last (in the FAQ answer): the last number.
    assert listed_titles(admin_client, article) == [
        ("ref-1", "Third in the rows."),
        ("ref-2", "Second in the rows."),
        ("ref-3", "First in the rows."),
    ]
    page = page_at(admin_client, article.get_absolute_url())
    assert [a.get_text() for a in page.select(".article-body sup.citation a")] == ["[1]", "[2]", "[1]"]
    assert [a["href"] for a in page.select(".faq sup.citation a")] == ["#ref-3"]
    assert [a["href"] for a in page.select("#ref-1 a.ref__back")] == ["#cite-1", "#cite-1-2"]


def test_reordering_the_rows_changes_no_number(admin_client):
    article = add_article(admin_client, "## Evidence\n\nOne.[^clark2020] Two.[^adams2020]", "Yes.[^baker2020]")
    before = listed_titles(admin_client, article)
    rows = existing_rows(article)
    for row, order in zip(rows["references"], ["3", "1", "2"], strict=True):
        row["order"] = order
    response = admin_client.post(change_url(article), {**current_fields(article), **inline_data(rows)})
    assert response.status_code == 302, errors_of(response)
    assert list(article.references.values_list("key", flat=True)) == ["baker2020", "clark2020", "adams2020"]
    assert (
        listed_titles(admin_client, article)
        == before
        == [
            ("ref-1", "Third in the rows."),
            ("ref-2", "First in the rows."),
            ("ref-3", "Second in the rows."),
        ]
    )


def test_an_uncited_reference_comes_last_and_editors_are_warned_naming_its_key(admin_client):
    article = add_article(admin_client, "## Evidence\n\nOne.[^clark2020]", "Yes.[^baker2020]")
    assert listed_titles(admin_client, article)[-1] == ("ref-3", "First in the rows.")
    page = soup(admin_client.get(change_url(article)))
    shown = page.select_one("#references-0 .field-as_readers_see_it .readonly").get_text()
    assert shown.startswith("Never cited: readers see it after the cited references.")
    warnings = [
        li.get_text(" ", strip=True)
        for li in soup(admin_client.get(change_url(article))).select(".content-warnings li")
    ]
    assert (
        "Reference adams2020 is never cited: cite it with [^adams2020] in the body or an FAQ answer, or remove it. "
        "Readers see it after the cited references." in warnings
    )


def test_an_unknown_key_is_refused_naming_it_and_the_articles_keys(admin_client, seed_article):
    fields = current_fields(seed_article, body=seed_article.body + "\n\nMore.[^smith2020]")
    rows = existing_rows(seed_article)
    rows["faqs"][0]["answer"] = "See [^castiglioni2031]."
    response = admin_client.post(change_url(seed_article), {**fields, **inline_data(rows)})
    assert response.status_code == 200
    keys = "castiglioni2013, farsinejadmarj2016, nih, orchard2014, uwitonze2018"
    assert field_errors(response, "body") == [
        f"[^smith2020] cites no reference of this article; its references' keys are: {keys}."
    ]
    assert f"[^castiglioni2031] cites no reference of this article; its references' keys are: {keys}." in errors_of(
        response
    )
    assert "More." not in Article.objects.get().body


def test_a_numeric_marker_is_refused_asking_for_the_key(admin_client, seed_article):
    response = admin_client.post(
        change_url(seed_article),
        {
            **current_fields(seed_article, body=seed_article.body + "\n\nMore.[^2]"),
            **inline_data(existing_rows(seed_article)),
        },
    )
    assert response.status_code == 200
    [error] = field_errors(response, "body")
    assert error.startswith("[^2] cites by number; cite a reference by its key instead, such as [^castiglioni2013]")


def test_a_new_reference_without_a_key_gets_one_from_its_first_author_and_year(admin_client):
    rows = [
        reference_row(1, "", "Müller H, Roe R", "A trial"),
        reference_row(2, "", "Müller K", "Another trial"),
        {
            **reference_row(3, "", "", "Magnesium: Fact Sheet"),
            "publisher": "NIH Office of Dietary Supplements",
            "volume": "",
            "year": "",
        },
    ]
    article = add_article(admin_client, "## Evidence\n\nOne.[^muller2020]", "Yes.[^muller2020-b] And [^nih].", rows)
    assert list(article.references.values_list("key", flat=True)) == ["muller2020", "muller2020-b", "nih"]
    assert article.citations == {
        "muller2020": {"number": 1, "anchors": 1},
        "muller2020-b": {"number": 2, "anchors": 0},
        "nih": {"number": 3, "anchors": 0},
    }


def test_two_references_may_swap_keys_in_one_save_but_not_share_one(admin_client):
    article = add_article(admin_client, "## Evidence\n\nOne.[^adams2020] Two.[^baker2020] [^clark2020]", "Yes.")
    rows = existing_rows(article)
    rows["references"][0]["key"], rows["references"][1]["key"] = "baker2020", "adams2020"
    response = admin_client.post(change_url(article), {**current_fields(article), **inline_data(rows)})
    assert response.status_code == 302, errors_of(response)
    assert list(article.references.values_list("key", "title")) == [
        ("baker2020", "First in the rows"),
        ("adams2020", "Second in the rows"),
        ("clark2020", "Third in the rows"),
    ]
    article.refresh_from_db()
    rows = existing_rows(article)
    rows["references"][2]["key"] = "adams2020"
    response = admin_client.post(change_url(article), {**current_fields(article), **inline_data(rows)})
    assert response.status_code == 200
    assert (
        "Two references share the key adams2020; give each its own (the text cites a reference by it: [^key])."
        in errors_of(response)
    )
    assert article.references.filter(key="clark2020").exists()


def test_a_key_is_lowercase_letters_digits_and_hyphens(admin_client):
    rows = [reference_row(1, "Smith 2020", "Smith J", "A trial")]
    response = admin_client.post(
        ADD_URL, {**article_fields(body="## A\n\nText."), **inline_data({**NEW_ROWS, "references": rows, "faqs": []})}
    )
    assert response.status_code == 200
    assert any("lowercase letters, digits and hyphens" in error for error in errors_of(response))
    assert not Article.objects.exists()


def test_the_reference_inline_shows_the_key_first_and_the_reference_as_readers_see_it(admin_client, seed_article):
    page = soup(admin_client.get(change_url(seed_article)))
    row = page.select_one("#references-1")
    first = row.select_one("fieldset .form-row")
    assert "field-key" in first["class"] or first.select_one(".field-key")
    assert "[^key]" in row.select_one(".field-key .help").get_text()
    shown = row.select_one(".field-as_readers_see_it .readonly")
    assert shown.select_one("i").get_text() == "Nutrients"
    assert " ".join(shown.get_text().split()) == (
        "[2] Castiglioni S, Cazzaniga A, Albisetti W, Maier JAM. Magnesium and osteoporosis: current state of "
        "knowledge and future research directions. Nutrients. 2013;5(8):3022-3033. doi:10.3390/nu5083022"
    )
    uwitonze = page.select_one("#references-4 .field-as_readers_see_it .readonly").get_text()
    assert uwitonze.startswith("[3] Uwitonze AM")  # fifth in the rows, third cited
    assert "Cite a reference by its key: [^castiglioni2013]" in page.select_one(".field-body .help").get_text()


# The seed article and the conversion of numeric markers


def test_numeric_markers_become_keys_by_the_reference_with_that_order():
    keys = {1: "nih", 2: "castiglioni2013", 4: "orchard2014"}
    text = "A.[^2] B.[^1, 4] C.[^9] D.[^castiglioni2013] `code`"
    assert (
        citations.numbered_to_keys(text, keys)
        == "A.[^castiglioni2013] B.[^nih,orchard2014] C.[^9] D.[^castiglioni2013] `code`"
    )


def test_the_seed_fixture_is_its_numbered_text_converted():
    data = json.loads(FIXTURE.read_text())
    body = next(item["fields"]["body"] for item in data if item["model"] == "articles.article")
    numbered = body
    for order, key in enumerate(SEED_KEYS, start=1):
        numbered = numbered.replace(f"[^{key}]", f"[^{order}]")
    assert "[^" in numbered and not re.search(r"\[\^[a-z]", numbered)
    assert citations.numbered_to_keys(numbered, dict(enumerate(SEED_KEYS, start=1))) == body


# Where each citation of the seed article points, in reading order: the same references as when it
# cited by number; the numbers are now those of first citation.
SEED_CITATIONS = [
    ("hundreds of enzymatic reactions", 1, "Magnesium: Fact Sheet for Health Professionals"),
    ("bone stiffness and strength", 2, "Magnesium and osteoporosis"),
    ("activation of vitamin D.", 3, "Role of magnesium in vitamin D activation"),
    ("become resistant to it.", 2, "Magnesium and osteoporosis"),
    ("depresses osteoblast function.", 2, "Magnesium and osteoporosis"),
    ("hip and femoral neck.", 4, "Dietary magnesium intake, bone mineral density"),
    ("compared to the lowest.", 5, "Magnesium intake, bone mineral density, and fractures"),
    ("falls in that group.", 5, "Magnesium intake, bone mineral density, and fractures"),
    ("shown to be harmful.", 2, "Magnesium and osteoporosis"),
    ("Office of Dietary Supplements.", 1, "Magnesium: Fact Sheet for Health Professionals"),
]


def test_the_seed_article_cites_the_same_five_references_numbered_by_first_citation(client, seed_article):
    page = page_at(client, seed_article.get_absolute_url())
    marks = page.select(".article-body sup.citation a")
    assert len(marks) == len(SEED_CITATIONS)
    for mark, (sentence, number, title) in zip(marks, SEED_CITATIONS, strict=True):
        assert sentence in mark.find_parent(["p", "li"]).get_text()
        assert mark.get_text() == f"[{number}]" and mark["href"] == f"#ref-{number}"
        assert page.select_one(f"#ref-{number} .ref__title").get_text().startswith(title)
    assert len(page.select("#references li")) == 5
    answer = page.find("summary", string="How do magnesium, calcium and vitamin D work together?").parent
    assert [a["href"] for a in answer.select("sup.citation a")] == ["#ref-3"]


def test_the_migration_converts_markers_splits_sources_and_renders_the_new_numbers():
    article = ArticleFactory(body="## Evidence\n\nFirst.[^2] Then.[^1,2] Unknown.[^7]")
    FAQFactory(article=article, order=1, answer="See [^1].")
    first = ReferenceFactory(
        article=article,
        order=1,
        key="x",
        authors="",
        title="Fact sheet",
        publisher="NIH ODS",
        year=None,
        volume="",
        issue="",
        pages="",
    )
    second = ReferenceFactory(
        article=article,
        order=2,
        key="y",
        authors="Castiglioni S, Maier JAM",
        year=2013,
        publisher="Nutrients 5(8):3022-3033",
        volume="",
        issue="",
        pages="",
    )
    migration = importlib.import_module("articles.migrations.0005_reference_keys")
    migration.keys_and_sources(apps, None)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.key, second.key) == ("nih", "castiglioni2013")
    assert (second.publisher, second.volume, second.issue, second.pages) == ("Nutrients", "5", "8", "3022-3033")
    article.refresh_from_db()
    assert article.body == "## Evidence\n\nFirst.[^castiglioni2013] Then.[^nih,castiglioni2013] Unknown.[^7]"
    assert article.faqs.get().answer == "See [^nih]."
    assert article.citations == {"castiglioni2013": {"number": 1, "anchors": 2}, "nih": {"number": 2, "anchors": 1}}
    assert '<a href="#ref-1" id="cite-1">[1]</a>' in article.body_html
    assert '<a href="#ref-2">[2]</a>' in article.faqs.get().answer_html


# AMA style


class Ref:
    """A reference's fields, as citations.ama_* read them."""

    def __init__(self, **fields):
        defaults = {
            "authors": "",
            "title": "A title",
            "publisher": "",
            "year": None,
            "volume": "",
            "issue": "",
            "pages": "",
            "doi": "",
            "url": "",
        }
        for name, value in {**defaults, **fields}.items():
            setattr(self, name, value)
        self.doi_url = f"https://doi.org/{self.doi}" if self.doi else ""
        self.web_url = self.url


@pytest.mark.parametrize(
    "authors, expected",
    [
        ("Castiglioni S, Cazzaniga A, Albisetti W, Maier JAM", "Castiglioni S, Cazzaniga A, Albisetti W, Maier JAM."),
        ("A A, B B, C C, D D, E E, F F", "A A, B B, C C, D D, E E, F F."),
        ("A A, B B, C C, D D, E E, F F, G G", "A A, B B, C C, et al."),
        ("Orchard TS, Larson JC, Alghothani N, et al.", "Orchard TS, Larson JC, Alghothani N, et al."),
        ("Hemilä H.", "Hemilä H."),
        ("", ""),
    ],
)
def test_ama_lists_six_authors_in_full_and_more_as_three_and_et_al(authors, expected):
    assert citations.ama_authors(authors) == expected


@pytest.mark.parametrize(
    "fields, expected",
    [
        (
            {
                "authors": "Doe J",
                "title": "A trial",
                "publisher": "BMJ",
                "year": 2020,
                "volume": "350",
                "pages": "h1234",
                "doi": "10.1136/bmj.h1234",
            },
            "Doe J. A trial. BMJ. 2020;350:h1234. doi:10.1136/bmj.h1234",
        ),
        ({"title": "A trial?", "publisher": "Lancet", "volume": "3", "issue": "2"}, "A trial? Lancet. 3(2)."),
        (
            {
                "title": "Magnesium: Fact Sheet",
                "publisher": "NIH Office of Dietary Supplements",
                "url": "https://ods.od.nih.gov/x",
            },
            "Magnesium: Fact Sheet. NIH Office of Dietary Supplements. https://ods.od.nih.gov/x",
        ),
        ({"title": "A report", "publisher": "WHO", "year": 2021}, "A report. WHO. 2021."),
        ({"title": "Only a title"}, "Only a title."),
    ],
)
def test_ama_text_of_journal_articles_web_pages_and_missing_parts(fields, expected):
    assert citations.ama_text(Ref(**fields)) == expected


def test_the_seed_reference_list_reads_in_ama_style_with_the_journal_in_italics(client, seed_article):
    page = page_at(client, seed_article.get_absolute_url())
    item = page.select_one("#ref-2")
    assert " ".join(item.get_text(" ", strip=True).split()).startswith(
        "Castiglioni S, Cazzaniga A, Albisetti W, Maier JAM. Magnesium and osteoporosis: current state of knowledge "
        "and future research directions. Nutrients . 2013;5(8):3022-3033. doi:10.3390/nu5083022 PubMed 23912329"
    )
    assert item.select_one("i.ref__journal").get_text() == "Nutrients"
    assert item.select_one("a.ref__doi")["href"] == "https://doi.org/10.3390/nu5083022"
    web = page.select_one("#ref-1")
    assert web.select_one("a.ref__url")["href"] == "https://ods.od.nih.gov/factsheets/Magnesium-HealthProfessional/"
    assert "NIH Office of Dietary Supplements." in web.get_text()
    citation = json_ld(page)["Article"]["citation"]
    assert [work["name"] for work in citation][:2] == [
        "Magnesium: Fact Sheet for Health Professionals",
        "Magnesium and osteoporosis: current state of knowledge and future research directions",
    ]
    assert citation[1]["description"].startswith("Castiglioni S, Cazzaniga A, Albisetti W, Maier JAM. Magnesium and")


# Keys suggested


@pytest.mark.parametrize(
    "authors, year, title, publisher, taken, expected",
    [
        ("Castiglioni S, Cazzaniga A", 2013, "x", "", set(), "castiglioni2013"),
        ("Farsinejad-Marj M, Saneei P", 2016, "x", "", set(), "farsinejadmarj2016"),
        ("van der Berg JA", 2001, "x", "", set(), "vanderberg2001"),
        ("Castiglioni S", 2013, "x", "", {"castiglioni2013", "castiglioni2013-b"}, "castiglioni2013-c"),
        ("", None, "Magnesium: Fact Sheet", "NIH Office of Dietary Supplements", set(), "nih"),
        ("", None, "The magnesium story", "Office of Dietary Supplements", set(), "magnesium"),
        ("", 2020, "2020 in review", "", set(), "review2020"),
        ("", None, "2020", "", set(), "ref"),
        ("World Health Organization", 2014, "x", "", set(), "world2014"),
    ],
)
def test_suggested_keys(authors, year, title, publisher, taken, expected):
    key = citations.suggest_key(authors, year, title, taken, publisher)
    assert key == expected and citations.KEY_RE.match(key) and len(key) <= citations.KEY_MAX_LENGTH


# Export and import


def test_keys_and_source_fields_go_through_export_and_import(seed_article, tmp_path):
    data, body = split(export())
    assert [ref["key"] for ref in data["references"]] == SEED_KEYS
    assert {k: data["references"][1][k] for k in ("publisher", "volume", "issue", "pages")} == {
        "publisher": "Nutrients",
        "volume": "5",
        "issue": "8",
        "pages": "3022-3033",
    }
    data["slug"] = "a-copy"
    data["references"][1]["key"] = "castiglioni"
    path = tmp_path / "copy.md"
    path.write_text(join(data, body.replace("[^castiglioni2013]", "[^castiglioni]")))
    import_file(path)
    copy = Article.objects.get(slug="a-copy")
    assert copy.references.get(order=2).key == "castiglioni"
    assert copy.citations["castiglioni"]["number"] == 2 and copy.citations["uwitonze2018"]["number"] == 3


def test_an_import_with_a_key_used_twice_is_refused_and_changes_nothing(seed_article, tmp_path):
    data, body = split(export())
    data["references"][4]["key"] = "nih"
    path = tmp_path / "bad.md"
    path.write_text(join(data, body))
    state = everything()
    error = refused(path)
    assert "references[5].key: 'nih' is the key of another reference too: give each reference its own." in error
    assert "nothing changed" in error and everything() == state


def test_an_import_citing_an_unknown_key_is_refused_and_changes_nothing(seed_article, tmp_path):
    data, body = split(export())
    data["references"][0]["key"] = "ods"
    path = tmp_path / "bad.md"
    path.write_text(join(data, body))
    state = everything()
    error = refused(path)
    assert "body: [^nih] cites no reference of this article; its references' keys are: castiglioni2013," in error
    assert everything() == state


def test_a_file_written_before_keys_is_brought_to_them(seed_article, tmp_path):
    data, body = split(export())
    for order, key in enumerate(SEED_KEYS, start=1):
        body = body.replace(f"[^{key}]", f"[^{order}]")
        for faq in data["faqs"]:
            faq["answer"] = faq["answer"].replace(f"[^{key}]", f"[^{order}]")
    for ref in data["references"]:
        for name in ("key", "volume", "issue", "pages"):
            del ref[name]
    path = tmp_path / "old.md"
    path.write_text(join({**data, "slug": "from-an-old-file"}, body))
    import_file(path)
    article = Article.objects.get(slug="from-an-old-file")
    assert list(article.references.values_list("key", flat=True)) == SEED_KEYS
    assert "[^uwitonze2018]" in article.body and "[^5]" not in article.body
    assert "[^uwitonze2018]" in article.faqs.get(order=6).answer
    assert article.citations == Article.objects.get(slug=SEED_SLUG).citations


# A revision saved before keys


def test_restoring_a_revision_from_before_keys_brings_it_to_them(admin_client, seed_article):
    from reversion.models import Version

    response = admin_client.post(
        change_url(seed_article),
        {**current_fields(seed_article, change_note="Keys."), **inline_data(existing_rows(seed_article))},
    )
    assert response.status_code == 302, errors_of(response)
    draft = draft_of(seed_article)
    revision = Version.objects.get_for_object(seed_article).first().revision
    for version in revision.version_set.all():  # as saved before keys: numbers, no key fields
        item = json.loads(version.serialized_data)
        fields = item[0]["fields"]
        if item[0]["model"] == "articles.reference":
            for name in ("key", "volume", "issue", "pages"):
                fields.pop(name)
        for name in ("body", "answer"):
            if name in fields:
                for order, key in enumerate(SEED_KEYS, start=1):
                    fields[name] = fields[name].replace(f"[^{key}]", f"[^{order}]")
        Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(item))
    assert draft is not None
    url = reverse(
        "admin:articles_article_revision",
        args=[seed_article.pk, Version.objects.get_for_object(seed_article).first().pk],
    )
    page = soup(admin_client.get(url))
    assert "[^castiglioni2013]" in page.select_one("#id_body").get_text()
    assert "[^2]" not in page.select_one("#id_body").get_text()
