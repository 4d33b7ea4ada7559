"""Reading level: the Flesch-Kincaid grade of the article and its sections, on its change page."""

import pytest
import textstat

from articles.models import Article
from editorial import readability

from .helpers import ADD_URL, NEW_ROWS, article_fields, change_url, errors_of, inline_data, messages_on, page_at, soup

pytestmark = pytest.mark.django_db

LEAD = "Zinc is a mineral that your body needs in small amounts every day."
SUMMARY = "Lozenges may make a cold a little shorter."
PLAIN = (
    "When you have a cold, zinc lozenges taken within a day of the first symptoms may shorten it by about "
    "a day or two. Take them as the label says. Too much zinc for weeks can lower your copper and upset "
    "your stomach."
)
HARD = (
    "Zinc supplementation demonstrably ameliorates symptomatology in immunocompetent populations, "
    "according to contemporary epidemiological investigations of rhinovirus pathophysiology."
)
QUESTION, ANSWER = "Is zinc safe?", "Yes, in the amounts on the label."
FAQ = [{"order": "1", "question": QUESTION, "answer": ANSWER + "[^hemila2017]"}]


def add(client, body):
    fields = article_fields(lead=LEAD, summary=SUMMARY, body=body)
    response = client.post(ADD_URL, {**fields, **inline_data({**NEW_ROWS, "faqs": FAQ})})
    assert response.status_code == 302, errors_of(response)
    return Article.objects.get(slug=fields["slug"])


def grade(text):
    return f"{max(0.0, round(textstat.flesch_kincaid_grade(text), 1)):.1f}"


def reading_panel(client, article):
    return page_at(client, change_url(article)).select_one(".field-reading_level")


def test_a_plain_article_is_within_the_target(editor_client):
    article = add(editor_client, f"## What helps\n\n{PLAIN}[^hemila2017]\n\n- Rest\n- Drink water")
    panel = reading_panel(editor_client, article)
    opening, section, faqs = f"{LEAD} {SUMMARY}", f"{PLAIN} Rest. Drink water.", f"{QUESTION} {ANSWER}"
    whole = grade(f"{opening} {section} {faqs}")
    assert float(whole) <= 8
    status = panel.select_one("p.reading-level")
    assert status.get_text() == f"Reading level: grade {whole} (target: grade 8 or below)"
    assert "reading-level--above" not in status["class"]
    assert [item.get_text() for item in panel.select("ul.reading-levels li")] == [
        f"Lead and quick summary: grade {grade(opening)}",
        f"What helps: grade {grade(section)}",
        f"FAQs: grade {grade(faqs)}",
    ]
    assert not panel.select(".reading-level--above")
    page = page_at(editor_client, change_url(article))
    assert "plain-language target" not in page.get_text()  # no content warning


def test_an_article_above_grade_8_is_flagged_with_its_sections(editor_client):
    article = add(editor_client, f"## What helps\n\n{PLAIN}\n\n## The research\n\n{HARD}[^hemila2017] {HARD}")
    page = page_at(editor_client, change_url(article))
    panel = page.select_one(".field-reading_level")
    whole = grade(f"{LEAD} {SUMMARY} {PLAIN} {HARD} {HARD} {QUESTION} {ANSWER}")
    assert float(whole) > 8
    status = panel.select_one("p.reading-level")
    assert status.get_text() == f"Reading level: grade {whole} (target: grade 8 or below)"
    assert "reading-level--above" in status["class"]
    flagged = [item.get_text() for item in panel.select("li.reading-level--above")]
    assert flagged == [f"The research: grade {grade(f'{HARD} {HARD}')} (above the target)"]
    warnings = page.select_one(".content-warnings").get_text(" ", strip=True)
    assert (
        f"The article reads at grade {whole}, above the plain-language target of grade 8: shorter sentences "
        "and everyday words help. Sections above it: The research." in warnings
    )


def test_the_warning_comes_after_a_save_too(editor_client):
    fields = article_fields(lead=LEAD, summary=SUMMARY, body=f"## The research\n\n{HARD}[^hemila2017]")
    response = editor_client.post(ADD_URL, {**fields, **inline_data({**NEW_ROWS, "faqs": FAQ})}, follow=True)
    assert response.status_code == 200
    assert "above the plain-language target of grade 8" in messages_on(soup(response))


def test_the_text_measured_is_what_readers_read():
    html = (
        '<h2 id="a">Heading words are left out</h2><p>First point<sup class="citation"><a href="#r1">1</a></sup></p>'
        "<ul><li>Eat fish</li><li>Eat nuts!</li></ul><pre><code>code is left out</code></pre>"
        "<p>Last &amp; final.</p>"
    )
    assert readability.prose(html) == "First point. Eat fish. Eat nuts! Last & final."
    sections = readability.body_sections("<p>Intro</p><h2 id='x'>One &amp; two</h2><p>Text</p>")
    assert sections == [("Before the first heading", "Intro."), ("One & two", "Text.")]


def test_the_seed_article_reads_above_the_target(seed_article):
    result = readability.report(seed_article)
    assert result.article.above_target and result.article.words > 1000
    assert [section.name for section in result.sections][:2] == [
        "Lead and quick summary",
        "The Crucial Role of Magnesium in Bone Health",
    ]
    assert result.sections[-1].name == "FAQs"


def test_a_new_article_says_it_is_worked_out_when_saved(editor_client):
    panel = page_at(editor_client, ADD_URL).select_one(".field-reading_level")
    assert panel.select_one(".readonly").get_text(strip=True) == "Worked out when saved."
