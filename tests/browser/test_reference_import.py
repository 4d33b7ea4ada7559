"""An editor adds references from pasted BibTeX or a PubMed file: rows filled in, cited by key, saved."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Article, Reference

from .test_editor import CSP_WATCH

pytestmark = pytest.mark.django_db(transaction=True)

FILES = Path(__file__).resolve().parents[1] / "data" / "references"


@pytest.fixture
def admin_page(page, live_server, django_user_model):
    """A superuser signed in to the admin, with the seed article's contributors; CSP violations recorded."""
    call_command("loaddata", "initial_article", verbosity=0)
    page.add_init_script(CSP_WATCH)
    django_user_model.objects.create_superuser("chief", "", "a-long-test-password")
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Articles and editors")).to_be_visible()
    return page


def write_an_article(page):
    page.locator("#id_title").press_sequentially("Does magnesium help muscle cramps?")
    page.locator("#id_lead").fill("Magnesium is often taken for night cramps.")
    page.locator("#id_summary").fill("Trials in older adults find little benefit.")
    page.locator("#id_author").select_option(label="Citewell Editorial Team")
    page.locator("#id_meta_description").fill("What trials say about magnesium for muscle cramps.")


def row_value(page, index, field):
    return page.locator(f"[name='references-{index}-{field}']").input_value()


def paste_and_add(page, text):
    page.locator("#reference-file-text").fill(text)
    page.get_by_role("button", name="Add", exact=True).click()


def check_the_rows(page):
    """The three records of references.bib, as the panel filled in their rows."""
    assert row_value(page, 0, "title") == (
        "Magnesium and Osteoporosis: Current State of Knowledge and Future Research Directions"
    )
    assert row_value(page, 0, "authors") == "Castiglioni S, Cazzaniga A, Albisetti W, Maier JAM"
    assert [row_value(page, 0, field) for field in ("publisher", "year", "volume", "issue", "pages")] == [
        "Nutrients",
        "2013",
        "5",
        "8",
        "3022-3033",
    ]
    assert (row_value(page, 0, "doi"), row_value(page, 0, "pmid")) == ("10.3390/nu5083022", "23912329")
    assert [row_value(page, i, "key") for i in range(3)] == ["castiglioni2013", "orchard2014", "ods2022"]
    assert [row_value(page, i, "order") for i in range(3)] == ["1", "2", "3"]
    assert row_value(page, 2, "url") == "https://ods.od.nih.gov/factsheets/Magnesium-HealthProfessional/"


STORED = [
    (
        "castiglioni2013",
        "Magnesium and Osteoporosis: Current State of Knowledge and Future Research Directions",
        "Castiglioni S, Cazzaniga A, Albisetti W, Maier JAM",
        2013,
        "10.3390/nu5083022",
    ),
    (
        "orchard2014",
        "Magnesium intake, bone mineral density, and fractures: results from the Women's Health Initiative "
        "Observational Study",
        "Orchard TS, Larson JC, Alghothani N, Bout-Tabaku S, Cauley JA, Chen Z, LaCroix AZ, Wactawski-Wende J, "
        "Jackson RD",
        2014,
        "10.3945/ajcn.113.067488",
    ),
    ("ods2022", "Magnesium: Fact Sheet for Health Professionals", "NIH Office of Dietary Supplements", 2022, ""),
]


def test_pasted_bibtex_becomes_reference_rows_that_are_cited_by_key_and_saved(admin_page, live_server, screenshots):
    page = admin_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/admin/articles/article/add/")  # before the first save
    write_an_article(page)
    paste_and_add(page, (FILES / "references.bib").read_text())
    result = page.locator("#reference-file-result")
    expect(result).to_contain_text(
        "Added 3 references: castiglioni2013, orchard2014, ods2022 — cite them as "
        "[^castiglioni2013], [^orchard2014], [^ods2022]."
    )
    expect(page.locator("#reference-file-errors")).to_be_empty()
    check_the_rows(page)
    expect(page.locator("#reference-file-text")).to_have_value("")
    page.locator("#reference-file").screenshot(path=str(screenshots / "reference-import-added.png"))
    page.locator("#references-0").screenshot(path=str(screenshots / "reference-import-row.png"))

    paste_and_add(page, (FILES / "castiglioni2013.nbib").read_text())
    expect(result).to_contain_text("No reference was added.")
    expect(result).to_contain_text("Skipped: “Magnesium and osteoporosis: current state of knowledge")
    assert page.locator("[name='references-3-title']").count() == 0

    paste_and_add(page, "Castiglioni S. Magnesium and osteoporosis. Nutrients. 2013.")
    expect(page.locator("#reference-file-errors")).to_contain_text("This is not a format that can be read.")
    expect(result).to_be_empty()
    page.locator("#reference-file").screenshot(path=str(screenshots / "reference-import-error.png"))

    page.locator("#id_body").fill(
        "## What the trials show\n\nMagnesium matters for bone.[^castiglioni2013] Intake was studied in "
        "women.[^orchard2014]\n\n## Sources\n\nSee the fact sheet.[^ods2022]"
    )
    page.locator("input[name='_continue']").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.locator(".errornote")).to_have_count(0)
    article = Article.objects.get(slug="does-magnesium-help-muscle-cramps")
    assert list(article.references.order_by("order").values_list("key", "title", "authors", "year", "doi")) == STORED
    assert page.evaluate("window.__cspViolations") == []


def test_a_pubmed_file_adds_a_row_and_leaving_unsaved_asks_first(admin_page, live_server, screenshots):
    page = admin_page
    page.set_viewport_size({"width": 768, "height": 1000})
    article = Article.objects.get()
    change = live_server.url + f"/admin/articles/article/{article.pk}/change/"
    page.goto(change)
    before = article.references.count()
    page.locator("#reference-file-upload").set_input_files(str(FILES / "orchard2014.ris"))
    page.get_by_role("button", name="Add", exact=True).click()
    # The seed article cites Orchard 2014 already (same DOI): skipped, nothing added.
    expect(page.locator("#reference-file-result")).to_contain_text("No reference was added.")
    expect(page.locator("#reference-file-result")).to_contain_text("(DOI 10.3945/ajcn.113.067488)")
    page.locator("#reference-file").screenshot(path=str(screenshots / "reference-import-skipped-768.png"))

    page.goto(change)  # nothing was changed: leaves without asking
    nbib = (FILES / "castiglioni2013.nbib").read_text().replace("23912329", "23912330")
    nbib = nbib.replace("10.3390/nu5083022", "10.3390/nu5083099").replace("Magnesium and osteoporosis", "Zinc")
    # Put there by a script, not typed, so that only the rows added count as a change.
    page.locator("#reference-file-text").evaluate("(box, text) => { box.value = text; }", nbib)
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#reference-file-result")).to_contain_text("Added 1 reference: castiglioni2013-b")
    assert row_value(page, before, "title") == "Zinc: current state of knowledge and future research directions"
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.locator("#site-name a").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"] and page.url == change
    assert Reference.objects.filter(article=article).count() == before  # nothing saved

    page.context.clear_cookies(name="sessionid")  # the session ends while the form is open
    paste_and_add(page, (FILES / "references.bib").read_text())
    expect(page.locator("#reference-file-errors")).to_have_text(
        "You have been signed out: sign in again in another tab (to keep this form), then press Add."
    )
    assert page.evaluate("window.__cspViolations") == []
