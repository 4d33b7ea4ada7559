"""The initial article: the fixture loads cleanly and the page carries the whole seed."""

import re

import pytest
from django.core.management import call_command

from articles.models import FAQ, Article, FoodSource, KeyPoint, Reference, SupplementForm

from .conftest import DATA, SEED_SLUG
from .helpers import page_at

# Lines of the capture that are the old site's chrome, not content. The reading time
# is computed from the text (see test_reading_time_is_computed).
DEBRIS = {"Skip to content", "In This Article", "4 min read"}
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")

FAQ_QUESTIONS = [
    "How does magnesium help your bones?",
    "Is magnesium deficiency a risk factor for osteoporosis?",
    "What is the best form of magnesium for bone health?",
    "Which foods are high in magnesium?",
    "Can too much magnesium be bad for your bones?",
    "How do magnesium, calcium and vitamin D work together?",
    "Should I take a magnesium supplement for osteoporosis?",
]
FOODS = [  # name, serving, mg, % daily value computed from 420 mg
    ("Pumpkin seeds, roasted", "1 oz", "156", 37),
    ("Chia seeds", "1 oz", "111", 26),
    ("Almonds, dry roasted", "1 oz", "80", 19),
    ("Spinach, boiled", "1/2 cup", "78", 19),
    ("Cashews, dry roasted", "1 oz", "74", 18),
    ("Black beans, cooked", "1/2 cup", "60", 14),
    ("Rice, brown, cooked", "1/2 cup", "42", 10),
    ("Lentils, boiled", "1/2 cup", "36", 9),
    ("Bread, whole wheat", "1 slice", "23", 5),
    ("Kale, cooked", "1 cup", "23", 5),
    ("Avocado, cubed", "1 cup", "22", 5),
]


def squash(text):
    return re.sub(r"\s+", "", text)


def seed_sentences():
    for raw in (DATA / "seed_article.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip().lstrip("•").strip()
        if not line or line in DEBRIS or re.fullmatch(r"\d+\.?\s*\d*", line):
            continue
        yield from SENTENCE_END.split(line)


@pytest.fixture
def seed_page(client, seed_article):
    return page_at(client, seed_article.get_absolute_url())


def test_fixture_loads_into_an_empty_database(db):
    assert not Article.objects.exists()
    call_command("loaddata", "initial_article", verbosity=0)
    article = Article.objects.get()
    assert article.slug == SEED_SLUG
    assert article.is_published


def test_loading_twice_leaves_one_article_and_the_same_rows(db):
    call_command("loaddata", "initial_article", verbosity=0)
    models = [Article, KeyPoint, SupplementForm, FoodSource, FAQ, Reference]
    first = {m: sorted(m.objects.values_list("pk", flat=True)) for m in models}
    body_html = Article.objects.get().body_html
    call_command("loaddata", "initial_article", verbosity=0)
    second = {m: sorted(m.objects.values_list("pk", flat=True)) for m in models}
    assert first == second
    assert [len(first[m]) for m in models] == [1, 6, 4, 11, 7, 5]
    assert Article.objects.get().body_html == body_html


def test_every_sentence_of_the_seed_is_on_the_page(seed_page):
    text = squash(seed_page.get_text())
    missing = [s for s in seed_sentences() if squash(s) not in text]
    assert missing == []
    assert len(list(seed_sentences())) > 80


def test_seed_sections_come_in_the_seed_order(seed_page):
    headings = [h.get_text(strip=True) for h in seed_page.select("main h1, main h2, main h3")]
    expected = [
        "Does Magnesium Help Osteoporosis?",
        "Quick Summary",
        "Key Points",
        "In This Article",
        "The Crucial Role of Magnesium in Bone Health",
        "How Magnesium Impacts Bone Metabolism",
        "Direct and Indirect Mechanisms",
        "Clinical Evidence: Magnesium and Bone Density",
        "The Link Between Deficiency and Disease",
        "Dietary Sources vs. Supplements",
        "Important Considerations and Risks",
        "Magnesium Supplementation: Forms and Absorption",
        "Conclusion",
        "Frequently Asked Questions",
        "References",
        "Medical Disclaimer",
        "Article history",
    ]
    assert headings == expected


def test_faq_questions_are_on_the_page_in_order(seed_page):
    assert [s.get_text(strip=True) for s in seed_page.select(".faq summary")] == FAQ_QUESTIONS


def test_references_have_titles_and_doi_and_pubmed_links(seed_page):
    items = seed_page.select("#references li")
    assert [li["id"] for li in items] == [f"ref-{n}" for n in range(1, 6)]
    links = {a["href"] for a in seed_page.select("#references a[href^='https://']")}
    assert "https://ods.od.nih.gov/factsheets/Magnesium-HealthProfessional/" in links
    assert "https://doi.org/10.3390/nu5083022" in links
    assert "https://pubmed.ncbi.nlm.nih.gov/23912329/" in links
    assert "https://doi.org/10.1007/s00198-015-3400-y" in links
    assert "https://pubmed.ncbi.nlm.nih.gov/26556742/" in links
    assert "https://doi.org/10.3945/ajcn.113.067488" in links
    assert "https://pubmed.ncbi.nlm.nih.gov/24500155/" in links
    assert "https://doi.org/10.7556/jaoa.2018.037" in links
    text = seed_page.select_one("#references").get_text(" ")
    assert "Magnesium and osteoporosis: current state of knowledge" in text
    assert "Women's Health Initiative" in text


def test_every_reference_is_cited_inline_and_links_back(seed_page):
    for number in range(1, 6):
        citations = seed_page.select(f".article-body sup.citation a[href='#ref-{number}']")
        assert citations, f"reference {number} is never cited"
        back = seed_page.select(f"#ref-{number} a.ref__back")
        assert [a["href"] for a in back] == [f"#{c['id']}" for c in citations]
    # Numbered by first citation: Uwitonze (fifth row, cited third) is 3, Farsinejad-Marj 4.
    meta = seed_page.find(string=re.compile("meta-analysis involving older adults")).parent
    assert meta.select_one("a[href='#ref-4']")
    assert "Farsinejad-Marj M" in seed_page.select_one("#ref-4").get_text()
    assert "Uwitonze AM" in seed_page.select_one("#ref-3").get_text()


def test_food_amounts_and_percent_of_daily_value(seed_page):
    rows = seed_page.select("#food-sources tbody tr")
    cells = [[c.get_text(strip=True) for c in row.select("th, td")] for row in rows]
    assert [(c[0], c[2], c[3], c[4]) for c in cells] == [
        (name, serving, mg, f"{pct}%") for name, serving, mg, pct in FOODS
    ]
    assert "420 mg" in seed_page.select_one("#food-sources figcaption").get_text()


def test_food_table_and_supplement_table_sit_in_their_sections(seed_page):
    body = seed_page.select_one(".article-body")
    order = [
        el.get("id")
        for el in body.find_all(True)
        if el.get("id")
        in {
            "dietary-sources-vs-supplements",
            "food-sources",
            "important-considerations-and-risks",
            "magnesium-supplementation-forms-and-absorption",
            "supplement-forms",
            "conclusion",
        }
    ]
    assert order == [
        "dietary-sources-vs-supplements",
        "food-sources",
        "important-considerations-and-risks",
        "magnesium-supplementation-forms-and-absorption",
        "supplement-forms",
        "conclusion",
    ]


def test_supplement_forms_keep_an_ordered_bioavailability(seed_article):
    forms = list(seed_article.supplement_forms.all())
    assert [f.get_bioavailability_display() for f in forms] == ["High", "High", "Low", "Good"]
    best_first = sorted(forms, key=lambda f: -f.bioavailability)
    assert best_first[-1].name == "Magnesium Oxide"


def test_reading_time_is_computed(seed_page, seed_article):
    # 238 words a minute over everything a reader reads, rounded up.
    assert seed_article.reading_minutes == -(-seed_article.word_count // 238)
    assert 1400 < seed_article.word_count < 1700
    assert f"{seed_article.reading_minutes} min read" in seed_page.get_text()


def test_disclaimer_is_the_site_default(seed_page, settings):
    assert seed_page.select_one(".disclaimer p").get_text(strip=True) == settings.DEFAULT_DISCLAIMER
