"""The renderer: Markdown features, ids, citations, block markers, checks, reading time."""

import pytest

from articles import rendering


def test_tables_render_with_alignment():
    html = rendering.render("| Food | mg |\n|:--|--:|\n| Almonds | 80 |").html
    assert "<table>" in html
    assert '<td align="right">80</td>' in html


def test_heading_ids_are_stable_and_the_toc_lists_level_two_only():
    text = "## First part\n\nText\n\n### Detail\n\n## Second: part & more\n\nText"
    first, second = rendering.render(text), rendering.render(text)
    assert (
        first.toc
        == second.toc
        == [
            {"id": "first-part", "title": "First part"},
            {"id": "second-part-more", "title": "Second: part & more"},
        ]
    )
    assert '<h3 id="detail">Detail</h3>' in first.html


def test_duplicate_headings_get_distinct_ids():
    toc = rendering.render("## Risks\n\n## Risks").toc
    assert [item["id"] for item in toc] == ["risks", "risks_1"]


@pytest.mark.parametrize("heading", ["References", "FAQ", "Summary", "Ref 1", "Disclaimer title"])
def test_body_headings_never_take_the_pages_own_ids(heading):
    section_id = rendering.render(f"## {heading}").toc[0]["id"]
    assert not rendering.is_reserved(section_id)
    assert section_id.endswith("-section")


def test_citations_link_to_references_numbered_by_first_citation_with_anchors_in_document_order():
    rendered = rendering.render("- One.[^smith2020]\n\n- Two.[^smith2020,nih]\n\nThree.[^smith2020]")
    assert rendered.citations == {"smith2020": 3, "nih": 1}
    html = rendered.html
    assert html.index('id="cite-1"') < html.index('id="cite-1-2"') < html.index('id="cite-1-3"')
    assert '<a href="#ref-1" id="cite-1-2">[1]</a><a href="#ref-2" id="cite-2">[2]</a></sup>' in html


def test_citations_in_code_stay_literal():
    rendered = rendering.render("Use `[^smith2020]` to cite.")
    assert rendered.citations == {}
    assert "<code>[^smith2020]</code>" in rendered.html


def test_answers_render_citations_without_anchor_ids():
    html = rendering.render("Yes.[^smith2020]", anchors=False).html
    assert '<a href="#ref-1">[1]</a>' in html


def test_an_articles_texts_share_one_numbering_in_reading_order():
    body = "First.[^b] Then.[^a]"
    rendered, answers, cited = rendering.render_cited(body, ["Again.[^a]", "New.[^c] Unknown.[^zz]"], ["a", "b", "c"])
    assert '<a href="#ref-1" id="cite-1">[1]</a>' in rendered.html
    assert cited == {
        "b": {"number": 1, "anchors": 1},
        "a": {"number": 2, "anchors": 1},
        "c": {"number": 3, "anchors": 0},
    }
    assert '<a href="#ref-2">[2]</a>' in answers[0]
    assert '<a href="#ref-3">[3]</a>' in answers[1]
    assert '<sup class="citation">[?]</sup>' in answers[1]  # no reference has that key: never a link


def test_block_markers_split_the_body_and_unplaced_blocks_follow_it():
    html = rendering.render("Intro.\n\n[[food-sources]]\n\nAfter.").html
    parts = rendering.split_blocks(html, ["food-sources", "supplement-forms"])
    assert [next(iter(p)) for p in parts] == ["html", "block", "html", "block"]
    assert [p.get("block") for p in parts] == [None, "food-sources", None, "supplement-forms"]


def test_a_marker_for_a_block_without_rows_is_dropped():
    html = rendering.render("Intro.\n\n[[supplement-forms]]").html
    assert rendering.split_blocks(html, []) == [{"html": "<p>Intro.</p>\n"}]


def test_preview_shows_where_blocks_go():
    assert "[food sources table appears here]" in rendering.preview("[[food-sources]]")


def test_check_reports_unknown_keys_naming_them_and_the_articles_keys():
    errors = rendering.check("A.[^nih] B.[^smith2020] C.[^Nih]", {"nih", "castiglioni2013"})
    assert errors == [
        "[^smith2020], [^Nih] cite no reference of this article; its references' keys are: castiglioni2013, nih."
    ]


def test_check_refuses_numeric_markers_telling_the_editor_to_use_the_key():
    errors = rendering.check("A.[^2] B.[^1,3]", {"nih"})
    assert errors == [
        "[^2], [^1], [^3] cite by number; cite a reference by its key instead, such as [^nih] (this article's "
        "keys: nih). Each reference's key is at the top of its row."
    ]


def test_check_reports_bad_and_repeated_markers_and_title_headings():
    errors = rendering.check("# Title\n\n[[chart]]\n\n[[food-sources]]\n\n[[food-sources]]", set())
    assert "[[chart]] is not a block this site knows; use [[food-sources]] or [[supplement-forms]]." in errors
    assert "[[food-sources]] appears 2 times; place it once." in errors
    assert "Use ## for section headings: a single # is the article's title." in errors


def test_check_refuses_block_markers_where_they_do_not_belong():
    assert rendering.check("[[food-sources]]", set(), blocks_allowed=False) == [
        "[[food-sources]] can only be used in the article body."
    ]


def test_external_links_get_noopener_and_internal_ones_do_not():
    html = rendering.render("[NIH](https://nih.gov/) and [above](#risks) and [mail](mailto:a@b.org)").html
    assert '<a href="https://nih.gov/" rel="noopener noreferrer">NIH</a>' in html
    assert '<a href="#risks">above</a>' in html
    assert '<a href="mailto:a@b.org">mail</a>' in html


def test_only_images_uploaded_to_the_site_are_kept(settings):
    settings.MEDIA_URL = "/media/"
    html = rendering.render(
        "![a](/media/uploads/x.png) ![b](https://tracker.example/p.gif) ![c](//evil.example/x.png)"
    ).html
    assert 'src="/media/uploads/x.png"' in html
    assert "tracker.example" not in html
    assert "evil.example" not in html


@pytest.mark.parametrize("words, minutes", [(0, 1), (238, 1), (239, 2), (952, 4), (1510, 7)])
def test_reading_time_is_238_words_a_minute_rounded_up(words, minutes):
    assert rendering.minutes_to_read(words) == minutes


def test_words_are_counted_across_all_texts():
    assert rendering.count_words("Vitamin D's role", "is well-documented: 60% of it.") == 8
