"""References from files: BibTeX, RIS and PubMed (MEDLINE) records read into reference rows, and the
admin's endpoint that answers the article form with them.

The reading's work is counted, never timed (as in test_markdown_bounds): the Python steps it takes
for a hostile text four times as long are about four times as many, never sixteen.
"""

import gc
import sys

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Reference
from editorial import reference_files
from editorial.reference_files import FileProblem, parse

from .conftest import DATA
from .helpers import ADD_URL, CACHE_DOWN, change_url, signed_in, soup

FILES = DATA / "references"
URL = reverse("admin:articles_article_references_from_file")

CASTIGLIONI = {
    "authors": "Castiglioni S, Cazzaniga A, Albisetti W, Maier JAM",
    "title": "Magnesium and osteoporosis: current state of knowledge and future research directions",
    "publisher": "Nutrients",
    "year": 2013,
    "volume": "5",
    "issue": "8",
    "pages": "3022-3033",
    "doi": "10.3390/nu5083022",
    "pmid": "23912329",
    "url": "",
}
ORCHARD_AUTHORS = (
    "Orchard TS, Larson JC, Alghothani N, Bout-Tabaku S, Cauley JA, Chen Z, LaCroix AZ, Wactawski-Wende J, Jackson RD"
)
ORCHARD_TITLE = (
    "Magnesium intake, bone mineral density, and fractures: results from the Women's Health Initiative "
    "Observational Study"
)


def fields_of(record):
    return {name: record[name] for name in reference_files.FIELDS}


def problem(text):
    with pytest.raises(FileProblem) as raised:
        parse(text)
    return raised.value.message


# Each format


def test_a_pubmed_record_is_read_with_its_authors_in_ama_form_and_its_pages_in_full():
    [record] = parse((FILES / "castiglioni2013.nbib").read_text())
    assert fields_of(record) == CASTIGLIONI  # FAU "Maier, Jeanette A M" -> "Maier JAM"; PG 3022-33; LID/AID [doi]


def test_a_ris_record_is_read_with_the_journal_abbreviation_and_more_than_four_authors():
    [record] = parse((FILES / "orchard2014.ris").read_text())
    assert fields_of(record) == {
        "authors": ORCHARD_AUTHORS,
        "title": ORCHARD_TITLE,  # over two lines in the file
        "publisher": "Am J Clin Nutr",  # J2, not T2's full name
        "year": 2014,
        "volume": "99",
        "issue": "4",
        "pages": "926-933",  # SP and EP
        "doi": "10.3945/ajcn.113.067488",
        "pmid": "24500155",  # AN, from a PubMed database
        "url": "",  # only the DOI's address: the DOI links there already
    }


def test_bibtex_records_are_read_in_order_with_latex_and_braces_decoded():
    castiglioni, orchard, web_page = parse((FILES / "references.bib").read_text())
    assert fields_of(castiglioni) == CASTIGLIONI | {
        "title": "Magnesium and Osteoporosis: Current State of Knowledge and Future Research Directions"
    }
    assert castiglioni["citation_key"] == "castiglioni2013"
    assert fields_of(orchard) | {"citation_key": orchard["citation_key"]} == {
        "authors": ORCHARD_AUTHORS,
        "title": ORCHARD_TITLE,  # {Women's Health Initiative} without its braces
        "publisher": "Am J Clin Nutr",
        "year": 2014,
        "volume": "99",
        "issue": "4",
        "pages": "926-933",
        "doi": "10.3945/ajcn.113.067488",  # without https://doi.org/
        "pmid": "",
        "url": "",
        "citation_key": "Orchard2014",
    }
    assert fields_of(web_page) == {
        "authors": "NIH Office of Dietary Supplements",  # a group's name, kept whole by its braces
        "title": "Magnesium: Fact Sheet for Health Professionals",
        "publisher": "",
        "year": 2022,
        "volume": "",
        "issue": "",
        "pages": "",
        "doi": "",
        "pmid": "",
        "url": "https://ods.od.nih.gov/factsheets/Magnesium-HealthProfessional/",  # from \url{...}
    }


def test_a_ris_web_page_names_its_publisher():
    text = (
        "TY  - ELEC\nAU  - World Health Organization\nTI  - Vitamin and mineral requirements in human nutrition\n"
        "PB  - WHO\nPY  - 2004\nUR  - https://www.who.int/publications/i/item/9241546123\nY2  - 2024/03/01\nER  - \n"
    )
    [record] = parse(text)
    assert (record["authors"], record["publisher"], record["year"]) == ("World Health Organization", "WHO", 2004)
    assert record["url"] == "https://www.who.int/publications/i/item/9241546123"


def test_several_records_of_each_format_are_all_read():
    nbib = (FILES / "castiglioni2013.nbib").read_text()
    two = nbib + nbib.replace("23912329", "26556742").replace("Magnesium and osteoporosis", "Dietary magnesium")
    assert [r["pmid"] for r in parse(two)] == ["23912329", "26556742"]
    ris = (FILES / "orchard2014.ris").read_text()
    assert [r["volume"] for r in parse(ris + "\n" + ris.replace("VL  - 99", "VL  - 100"))] == ["99", "100"]
    assert len(parse((FILES / "references.bib").read_text())) == 3


def test_a_file_saved_on_windows_with_a_byte_order_mark_is_read():
    text = "\ufeff" + (FILES / "orchard2014.ris").read_text().replace("\n", "\r\n")
    assert parse(text)[0]["title"] == ORCHARD_TITLE


@pytest.mark.parametrize(
    "bibtex_author, ama",
    [
        ("Castiglioni, Sara", "Castiglioni S"),
        ("Maier, Jeanette A M", "Maier JAM"),
        ("Maier, Jeanette A. M.", "Maier JAM"),
        ("Jeanette A. M. Maier", "Maier JAM"),
        ("M{\\\"u}ller, J{\\'e}r{\\^o}me", "Müller J"),
        ("M\\\"uller, \\'Emile", "Müller É"),
        ("Wactawski-Wende, Jean-Pierre", "Wactawski-Wende JP"),
        ("Ludwig van Beethoven", "van Beethoven L"),
        ("Smith, Jr, John", "Smith J Jr"),
        ("{World Health Organization}", "World Health Organization"),
        ("Castiglioni, Sara and Maier, Jeanette A M and others", "Castiglioni S, Maier JAM, et al."),
    ],
)
def test_bibtex_authors_are_written_in_ama_form(bibtex_author, ama):
    [record] = parse(f"@article{{k, author = {{{bibtex_author}}}, title = {{T}}}}")
    assert record["authors"] == ama


@pytest.mark.parametrize(
    "ris_author, ama",
    [
        ("Castiglioni, Sara", "Castiglioni S"),
        ("Castiglioni, S.", "Castiglioni S"),
        ("Maier, J.A.M.", "Maier JAM"),
        ("Maier JAM", "Maier JAM"),
        ("Smith, John, Jr.", "Smith J Jr"),
        ("World Health Organization", "World Health Organization"),
    ],
)
def test_ris_authors_are_written_in_ama_form(ris_author, ama):
    [record] = parse(f"TY  - JOUR\nAU  - {ris_author}\nTI  - T\nER  - \n")
    assert record["authors"] == ama


def test_an_author_list_too_long_for_its_field_keeps_the_first_three_and_et_al():
    names = " and ".join(f"Author{n}, Given" for n in range(60))
    [record] = parse(f"@article{{k, author = {{{names}}}, title = {{T}}}}")
    assert record["authors"] == "Author0 G, Author1 G, Author2 G, et al."


@pytest.mark.parametrize(
    "pages, full",
    [
        ("3022--3033", "3022-3033"),
        ("3022-33", "3022-3033"),
        ("926–33", "926-933"),
        ("e1234", "e1234"),
        ("S1-S5", "S1-S5"),
    ],
)
def test_page_ranges_are_written_in_full_with_a_hyphen(pages, full):
    [record] = parse(f"@article{{k, title = {{T}}, pages = {{{pages}}}}}")
    assert record["pages"] == full


def test_a_doi_is_kept_bare_and_a_pubmed_eprint_is_its_pmid():
    [record] = parse(
        "@article{k, title={T}, doi={https://doi.org/10.1000/a\\_b}, eprint={23912329}, eprinttype={pubmed}}"
    )
    assert (record["doi"], record["pmid"]) == ("10.1000/a_b", "23912329")


# What cannot be read: a message saying what is wrong


def test_nothing_to_read_says_so():
    assert problem("") == problem("  \n\n ") == "There is nothing to read: paste the records or choose a file."


def test_text_in_no_known_format_names_the_formats_it_can_read():
    message = problem("Castiglioni S, et al. Magnesium and osteoporosis. Nutrients. 2013;5(8):3022-3033.")
    assert message.startswith("This is not a format that can be read. Paste or upload BibTeX (@article{...}), RIS")
    assert "PubMed (MEDLINE) records (PMID- ...)" in message


def test_a_record_without_a_title_is_named():
    assert problem("@article{k, author={Castiglioni, Sara}, year={2013}}") == (
        "BibTeX record 1 of 1 has no title (Castiglioni S, 2013)."
    )
    nbib = (FILES / "castiglioni2013.nbib").read_text()
    without = "\n".join(line for line in nbib.split("\n") if not line.startswith(("TI", "      directions")))
    assert problem(nbib + without) == "PubMed (MEDLINE) record 2 of 2 has no title (Castiglioni S, 2013)."


def test_a_broken_bibtex_record_is_named_by_its_line():
    assert problem("% my file\n@article{k, title={Magnesium}, year=2013\n") == (
        "The BibTeX record on line 2 could not be read: Unexpectedly reached end of file."
    )
    assert problem("@article{k, title={A}, title={B}}") == "The BibTeX record on line 1 has “title” more than once."


def test_a_ris_record_without_its_end_is_named_by_its_line():
    assert problem("\nTY  - JOUR\nTI  - Magnesium\n") == (
        "The RIS record that starts on line 2 has no end: each record ends with a line “ER  - ”."
    )


def test_a_line_that_is_not_medline_is_named():
    message = problem("PMID- 23912329\nTI  - Magnesium\nsomething pasted by mistake\n")
    assert message.startswith("Line 3 is not part of a PubMed (MEDLINE) record")


def test_too_long_a_text_is_refused_before_it_is_read():
    text = "@article{k, title={T}}\n" + "%" * reference_files.MAX_CHARS
    assert problem(text) == (
        f"This text has {len(text):,} characters; at most 200,000 can be read at once. "
        "Add the references in smaller batches."
    )


def test_too_many_records_are_refused():
    assert problem("@article{k, title={T}}\n" * 201) == (
        "This text has 201 records; at most 200 can be added at once. Add them in smaller batches."
    )
    assert len(parse("@article{k, title={T}}\n" * 200)) == 200


def test_too_many_bibtex_blocks_or_latex_commands_are_refused_before_they_are_read():
    assert problem("@string{j = {Nutrients}}\n" * 1001) == (
        "This text has 1,001 BibTeX blocks (records, @string and @comment); at most 1,000 can be read at once. "
        "Add the references in smaller batches."
    )
    accents = "\\'e" * 5001
    assert problem(f"@article{{k, title={{{accents}}}}}") == (
        "These records have 5,001 LaTeX commands in their authors, titles and sources; at most 5,000 can be read "
        "at once. Add the references in smaller batches."
    )
    [record] = parse(f"@article{{k, title={{{accents[:-3]}}}, abstract={{{accents}}}}}")  # an abstract is not read
    assert record["title"] == "é" * 5000


def test_latex_nested_too_deep_is_refused_rather_than_recursed_into():
    assert problem("@article{k, title={\\'" + "{" * 40 + "x" + "}" * 40 + "}}").startswith(
        "The BibTeX record “k” is written in LaTeX too complex to read"
    )


# The work is linear, whatever the text


def steps(text):
    """The Python calls and lines run while reading `text`: a count that no machine changes."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        count += 1
        return tracer

    gc.disable()
    sys.settrace(tracer)
    try:
        parse(text)
    except FileProblem:
        pass
    finally:
        sys.settrace(None)
        gc.enable()
    return count


HOSTILE = {
    "unclosed braces": lambda n: "@article{k, title={" + "{" * n,
    "unclosed quotes": lambda n: "@article{k, title=" + '"' * n,
    "block starts": lambda n: "@a{\n" * (n // 4),
    "fields": lambda n: "@article{k," + "a={b}," * (n // 6) + "title={x}}",
    "string references": lambda n: "@string{a={x}}\n" * (n // 15) + "@article{k, title=a}",
    "accents": lambda n: "@article{k, title={" + "\\'e" * (n // 3) + "}}",
    "authors": lambda n: "@article{k, title={x}, author={" + 'M{\\"u}ller, J and ' * (n // 18) + "}}",
    "commas in a name": lambda n: "@article{k, title={x}, author={" + "," * n + "}}",
    "ris continuations": lambda n: "TY  - JOUR\nTI  - x\n" + "a\n" * (n // 2) + "ER  - \n",
    "ris authors": lambda n: "TY  - JOUR\nTI  - x\n" + "AU  - a, b\n" * (n // 11) + "ER  - \n",
    "medline continuations": lambda n: "PMID- 1\nTI  - x\n" + "      a\n" * (n // 8),
    "medline authors": lambda n: "PMID- 1\nTI  - x\n" + "FAU - a, b\n" * (n // 11),
    "no format": lambda n: "x " * (n // 2),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_reading_takes_steps_in_proportion_to_the_text(name):
    make = HOSTILE[name]
    assert steps(make(12_000)) < 5 * steps(make(3_000))


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_longest_hostile_texts_get_an_answer(name):
    text = HOSTILE[name](reference_files.MAX_CHARS - 100)
    assert len(text) <= reference_files.MAX_CHARS
    try:
        assert isinstance(parse(text), list)
    except FileProblem as problem:
        assert problem.message


# The admin's endpoint


def post(client, **data):
    return client.post(URL, data)


def test_the_endpoint_answers_rows_with_keys_apart_from_the_forms(editor_client):
    text = (FILES / "references.bib").read_text()
    response = post(editor_client, text=text, taken=["castiglioni2013", "ods"])
    assert response.status_code == 200
    answer = response.json()
    assert [row["key"] for row in answer["references"]] == ["castiglioni2013-b", "orchard2014", "ods2022"]
    assert answer["references"][0] | {"key": "castiglioni2013-b"} == {
        **CASTIGLIONI,
        "title": "Magnesium and Osteoporosis: Current State of Knowledge and Future Research Directions",
        "key": "castiglioni2013-b",
    }
    assert answer["skipped"] == [] and answer["notes"] == []
    assert not Reference.objects.filter(title__startswith="Magnesium and Osteoporosis").exists()


def test_keys_are_suggested_from_the_first_author_and_year_when_the_file_has_none(editor_client):
    nbib = (FILES / "castiglioni2013.nbib").read_text()
    answer = post(editor_client, text=nbib, taken="castiglioni2013").json()
    assert [row["key"] for row in answer["references"]] == ["castiglioni2013-b"]
    ris = (FILES / "orchard2014.ris").read_text()
    assert post(editor_client, text=ris).json()["references"][0]["key"] == "orchard2014"


def test_an_uploaded_file_is_read(editor_client):
    upload = SimpleUploadedFile("pubmed-23912329.nbib", (FILES / "castiglioni2013.nbib").read_bytes())
    response = editor_client.post(URL, {"file": upload})
    assert response.status_code == 200
    assert response.json()["references"][0]["pmid"] == "23912329"


def test_records_already_in_the_form_are_skipped_with_a_note(editor_client):
    text = (FILES / "references.bib").read_text()
    answer = post(editor_client, text=text, doi="10.3390/NU5083022", pmid="24500155").json()
    assert [row["key"] for row in answer["references"]] == [
        "orchard2014",
        "ods2022",
    ]  # Orchard's PMID is not in the bib
    assert answer["skipped"] == [
        "“Magnesium and Osteoporosis: Current State of Knowledge and Future Research Directions” is already in the "
        "references (DOI 10.3390/nu5083022)."
    ]
    twice = (FILES / "castiglioni2013.nbib").read_text() * 2
    answer = post(editor_client, text=twice).json()
    assert len(answer["references"]) == 1 and len(answer["skipped"]) == 1


def test_what_save_would_refuse_is_said_with_the_rows(editor_client):
    text = "@article{k, title={" + "Long " * 70 + "}, doi={not-a-doi}}"
    answer = post(editor_client, text=text).json()
    assert len(answer["references"]) == 1
    assert answer["notes"] == [
        "k: Title: Ensure this value has at most 300 characters (it has 349).",
        "k: DOI: Enter a DOI such as 10.3390/nu5083022 (without https://doi.org/).",
    ]


def test_what_cannot_be_read_is_a_400_with_the_message(editor_client):
    response = post(editor_client, text="Just some words.")
    assert response.status_code == 400
    assert response.json()["error"].startswith("This is not a format that can be read.")
    response = post(editor_client, text="@article{k, year={2013}}")
    assert (response.status_code, response.json()) == (400, {"error": "BibTeX record 1 of 1 has no title (2013)."})


def test_a_file_too_large_or_not_text_is_a_400_with_the_message(editor_client):
    big = SimpleUploadedFile("library.bib", b"%" * (reference_files.MAX_FILE_BYTES + 1))
    response = editor_client.post(URL, {"file": big})
    assert (response.status_code, response.json()["error"]) == (
        400,
        "“library.bib” has 200,001 bytes; at most 200,000 can be read at once. Add the references in smaller batches.",
    )
    binary = SimpleUploadedFile("photo.bib", b"\x89PNG\r\n\x1a\n\x00\x00\x81\x8d")
    response = editor_client.post(URL, {"file": binary})
    assert (response.status_code, response.json()["error"]) == (
        400,
        "“photo.bib” is not a text file: choose a .bib, .ris, .nbib or .txt file.",
    )


def test_a_file_from_an_older_windows_program_is_read(editor_client):
    text = "TY  - JOUR\nAU  - Müller, Jérôme\nTI  - Vitamin D\nER  - \n".encode("cp1252")
    response = editor_client.post(URL, {"file": SimpleUploadedFile("export.ris", text)})
    assert response.json()["references"][0]["authors"] == "Müller J"


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_the_endpoint_answers_post_only(editor_client, method):
    response = getattr(editor_client, method)(URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_signing_in_is_required(client):
    response = post(client, text=(FILES / "references.bib").read_text())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_who_may_not_add_or_change_articles_are_refused(django_user_model, editor):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    response = post(signed_in(viewer), text=(FILES / "references.bib").read_text())
    assert response.status_code == 403
    adder = django_user_model.objects.create_user("adder", is_staff=True)
    adder.user_permissions.add(Permission.objects.get(codename="add_article"))
    assert post(signed_in(adder), text=(FILES / "references.bib").read_text()).status_code == 200


def test_the_endpoint_needs_the_forms_csrf_token(editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert post(client, text=(FILES / "references.bib").read_text()).status_code == 403


def test_reading_is_limited_per_account(editor_client, django_user_model, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "reference_file": "2/h"}
    text = (FILES / "orchard2014.ris").read_text()
    assert [post(editor_client, text=text).status_code for _ in range(2)] == [200, 200]
    limited = post(editor_client, text=text)
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) == 3600
    assert "You have added references from files many times in a short while." in limited.content.decode()
    other = django_user_model.objects.create_user("other-editor", is_staff=True)
    other.groups.add(Group.objects.get(name="Editors"))
    assert post(signed_in(other), text=text).status_code == 200


def test_requests_refused_before_reading_are_not_counted(editor_client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "reference_file": "1/h"}
    for _ in range(3):
        assert editor_client.get(URL).status_code == 405
    assert post(editor_client, text=(FILES / "orchard2014.ris").read_text()).status_code == 200


def test_with_the_cache_down_reading_is_served_uncounted(editor_client, settings, monkeypatch):
    from editorial import views

    monkeypatch.setattr(views.REFERENCE_FILE_LIMIT, "paused_until", 0.0)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "reference_file": "1/h"}
    settings.CACHES = CACHE_DOWN
    text = (FILES / "orchard2014.ris").read_text()
    assert [post(editor_client, text=text).status_code for _ in range(3)] == [200, 200, 200]


# The panel on the article's pages


@pytest.mark.parametrize("which", ["add", "change"])
def test_the_add_and_change_pages_have_the_panel_below_the_references(editor_client, seed_article, which):
    response = editor_client.get(ADD_URL if which == "add" else change_url(seed_article))
    page = soup(response)
    panel = page.select_one("#references-group + #reference-file")
    assert panel is not None
    assert panel["data-url"] == URL and panel["data-prefix"] == "references"
    assert panel.select_one("h2").get_text(strip=True) == "Add references from a file"
    assert panel.select_one("label[for=reference-file-text]") and panel.select_one("#reference-file-text")
    assert panel.select_one("#reference-file-upload")["accept"] == ".bib,.ris,.nbib,.txt,text/plain"
    assert panel.select_one("#reference-file-errors")["role"] == "alert"
    assert not panel.select("[name]")  # nothing of it is sent with the article
    assert page.select_one('script[src$="js/admin-reference-import.js"]') is not None
    assert not page.select("script:not([src])")  # no inline script (CSP)
