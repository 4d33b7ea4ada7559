"""Articles as Markdown files: export_article writes one, import_article reads it back."""

from io import StringIO

import pytest
import yaml
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from articles.models import DERIVED_FIELDS, ROWS, Article, Contributor, SlugRedirect, Topic

from .conftest import SEED_SLUG
from .helpers import draft_of, save_change_page

pytestmark = pytest.mark.django_db

SEED_URL = f"/articles/{SEED_SLUG}/"


def export(slug=SEED_SLUG):
    out = StringIO()
    call_command("export_article", slug, "--output", "-", stdout=out)
    return out.getvalue()


def import_file(path, *args):
    out = StringIO()
    call_command("import_article", str(path), *args, stdout=out)
    return out.getvalue()


def split(text):
    """(front matter as data, body) of an exported file."""
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def join(data, body):
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**6) + "---\n" + body


def everything():
    """What the database holds that an import could touch."""
    state = {
        "contributors": sorted(Contributor.objects.values_list("slug", "name", "bio")),
        "topics": sorted(Topic.objects.values_list("slug", "name")),
        "articles": sorted(Article.objects.values_list("slug", "title", "body", "edit_count", "updated_at")),
    }
    for name, model in ROWS:
        state[name] = sorted(model.objects.values_list(*[f.attname for f in model._meta.concrete_fields]))
    return state


def test_the_export_holds_every_part_of_the_article(seed_article):
    data, body = split(export())
    assert data["title"] == "Does Magnesium Help Osteoporosis?"
    assert data["status"] == "published" and "last_reviewed_on" not in data  # dated by sign-offs alone
    assert data["sign_offs"] == []
    assert data["author"]["name"] == "Citewell Editorial Team" and data["medical_reviewer"] is None
    assert [t["slug"] for t in data["topics"]] == ["bone-health", "minerals", "supplements"]
    for name, _ in ROWS:
        assert len(data[name]) == getattr(seed_article, name).count(), name
    assert data["supplement_forms"][0]["bioavailability"] in {"Low", "Moderate", "Good", "High"}
    assert any(ref["doi"] for ref in data["references"]) and data["faqs"][0]["question"].endswith("?")
    assert body == seed_article.body + "\n"


def test_export_writes_a_file_named_after_the_slug(seed_article, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = StringIO()
    call_command("export_article", SEED_SLUG, stdout=out)
    assert (tmp_path / f"{SEED_SLUG}.md").read_text() == export()
    assert f"Wrote {SEED_SLUG}.md" in out.getvalue()


def test_exporting_an_unknown_slug_fails():
    with pytest.raises(CommandError, match="No article has the slug 'nope'"):
        call_command("export_article", "nope", "--output", "-")


def test_export_then_import_into_an_empty_database_renders_the_same_page(client, seed_article, tmp_path, reviewer):
    before = client.get(SEED_URL)
    assert before.status_code == 200
    path = tmp_path / "article.md"
    path.write_text(export())
    Article.objects.all().delete()
    Contributor.objects.all().delete()
    Topic.objects.all().delete()
    assert not Article.objects.exists() and not SlugRedirect.objects.exists()
    assert client.get(SEED_URL).status_code == 404

    printed = import_file(path)
    assert "created “Does Magnesium Help Osteoporosis?”" in printed and "as a draft" in printed
    assert client.get(SEED_URL).status_code == 404  # imports never publish
    assert export() == path.read_text().replace("status: published", "status: draft", 1)
    # The import's revision holds the article as the file dates it, and the contributor it made.
    revision = Version.objects.get_for_object(Article.objects.get()).get().revision
    article_version = revision.version_set.get(content_type__model="article")
    assert article_version.field_dict["created_at"].isoformat() == "2025-03-18T09:00:00+00:00"
    assert revision.version_set.filter(content_type__model="contributor").count() == 1
    assert revision.version_set.filter(content_type__model="topic").count() == 3


def test_an_import_records_a_revision(seed_article, tmp_path):
    path = tmp_path / "magnesium.md"
    data, body = split(export())
    path.write_text(join({**data, "title": "Magnesium and bones"}, body))
    assert "updated the draft of “Magnesium and bones”" in import_file(path)
    latest = Version.objects.get_for_object(Article.objects.get()).first()
    assert latest.revision.get_comment() == "Imported from magnesium.md."


def test_an_import_updates_the_article_its_rows_and_topics(seed_article, tmp_path):
    data, body = split(export())
    data["faqs"] = data["faqs"][:2]
    data["faqs"][0]["question"] = "Is magnesium safe?"
    data["topics"] = [{"slug": "healthy-ageing", "name": "Healthy ageing", "description": ""}]
    path = tmp_path / "a.md"
    path.write_text(join(data, body.replace("## Conclusion", "## In short")))
    import_file(path)
    article = Article.objects.get()
    assert article.pk == seed_article.pk
    assert article.faqs.count() == 7  # published: the file is its draft until signed off and published
    draft = draft_of(article)
    assert draft.rows["faqs"][0].question == "Is magnesium safe?"
    assert len(draft.rows["faqs"]) == 2
    assert [t.slug for t in draft.topics] == ["healthy-ageing"]
    assert draft.article.toc[-1]["title"] == "In short"


def test_a_dry_run_checks_and_changes_nothing(seed_article, tmp_path):
    data, body = split(export())
    path = tmp_path / "a.md"
    path.write_text(join({**data, "title": "Changed"}, body))
    state = everything()
    assert "would update the draft of “Changed”" in import_file(path, "--dry-run")
    assert everything() == state


def bad_file(tmp_path, text):
    path = tmp_path / "bad.md"
    path.write_text(text)
    return path


def refused(path):
    with pytest.raises(CommandError) as caught:
        import_file(path)
    return str(caught.value)


def exported_with(change):
    data, body = split(export())
    body = change(data, body) or body
    return join(data, body)


def line_of(text, needle, occurrence=1):
    lines = [number for number, line in enumerate(text.split("\n"), start=1) if needle in line]
    return lines[occurrence - 1]


@pytest.mark.parametrize(
    "change, field, needle, message",
    [
        (
            lambda d, b: d["references"][2].update(doi="doi.org/10.1"),
            "references[3].doi",
            "doi.org/10.1",
            "Enter a DOI such as",
        ),
        (
            lambda d, b: d["food_sources"][1].update(amount="lots"),
            "food_sources[2].amount",
            "amount: lots",
            "'lots' cannot be read",
        ),
        (
            lambda d, b: d["key_points"][1].update(order=1),
            "key_points[2].order",
            ("- order: 1", 2),
            "1 is used twice in key_points",
        ),
        (lambda d, b: d.update(status="gone"), "status", "status: gone", "Value 'gone' is not a valid choice."),
        (
            lambda d, b: d.update(published_at="next week"),
            "published_at",
            "published_at: next week",
            "'next week' cannot be read",
        ),
        (lambda d, b: d.update(colour="blue"), "colour", "colour: blue", "is not a field this site knows"),
        (
            lambda d, b: d["faqs"][0].update(answer="See [^smith2020]."),
            "faqs[1].answer",
            "See [^smith2020].",
            "[^smith2020] cites no reference of this article; its references' keys are: castiglioni2013,",
        ),
        (
            lambda d, b: d["supplement_forms"][0].update(bioavailability="Superb"),
            "supplement_forms[1].bioavailability",
            "bioavailability: Superb",
            "'Superb' cannot be read",
        ),
    ],
)
def test_a_bad_field_is_refused_with_its_line_and_changes_nothing(
    seed_article, tmp_path, *, change, field, needle, message
):
    text = exported_with(change)
    state = everything()
    error = refused(bad_file(tmp_path, text))
    needle, occurrence = needle if isinstance(needle, tuple) else (needle, 1)
    assert f"bad.md:{line_of(text, needle, occurrence)}: {field}: " in error
    assert message in error
    assert "nothing changed" in error
    assert everything() == state


def test_a_citation_in_the_body_without_a_reference_names_its_line(seed_article, tmp_path):
    text = exported_with(lambda d, b: b.replace("## Conclusion", "## Conclusion\n\nAs shown before.[^smith2020]"))
    error = refused(bad_file(tmp_path, text))
    assert f"bad.md:{line_of(text, '[^smith2020]')}: body: [^smith2020] cites no reference of this article" in error


def test_an_import_never_publishes_a_new_article(seed_article, tmp_path, client):
    text = exported_with(lambda d, b: d.update(slug="a-new-article"))  # "status: published", as exported
    printed = import_file(bad_file(tmp_path, text))
    assert "as a draft: it is published once its medical reviewer has signed it off here." in printed
    assert Article.objects.get(slug="a-new-article").status == "draft"
    assert client.get("/articles/a-new-article/").status_code == 404


def test_an_import_over_a_waiting_draft_says_it_replaced_it(seed_article, tmp_path, admin_client):
    save_change_page(admin_client, seed_article, title="The editor's draft", change_note="A new title.")
    printed = import_file(bad_file(tmp_path, exported_with(lambda d, b: d.update(title="The file's title"))))
    assert "updated the draft of “The file's title”" in printed
    assert "The file replaced the draft saved " in printed and "which stays in the article's history" in printed
    assert Article.objects.get().title == "Does Magnesium Help Osteoporosis?"  # readers' version unchanged


def test_every_problem_is_reported_at_once_and_new_contributors_are_not_kept(seed_article, tmp_path):
    def change(data, body):
        data["author"] = {"slug": "new-writer", "name": "New Writer", "role": "writer", "kind": "person"}
        data["title"] = ""
        data["references"][0]["pmid"] = "PMID123"

    state = everything()
    error = refused(bad_file(tmp_path, exported_with(change)))
    assert "title: This field cannot be blank." in error
    assert "pmid: A PubMed ID is a number" in error
    assert "(2 problems" in error
    assert error.index("title:") < error.index("pmid:")  # in the file's order
    assert everything() == state
    assert not Contributor.objects.filter(slug="new-writer").exists()


@pytest.mark.parametrize(
    "text, message",
    [
        ("title: No dashes\n", "bad.md:1: the file must start with a line of three dashes (---)"),
        ("---\ntitle: Never closed\n", "bad.md: no closing --- line ends the front matter."),
        ("---\ntitle: A\nslug: [unclosed\n---\nBody\n", "bad.md:4: the front matter is not valid YAML"),
        ("---\n- a list\n---\nBody\n", "bad.md:2: the front matter must be a set of 'field: value' lines."),
        ("---\ntitle: A\ntitle: B\n---\nBody\n", "bad.md:3: title: appears twice."),
        ("---\ntitle: A\n---\nBody\n", "bad.md:2: slug: is required."),
    ],
)
def test_a_malformed_file_is_refused_with_its_line(seed_article, tmp_path, text, message):
    state = everything()
    assert message in refused(bad_file(tmp_path, text))
    assert everything() == state


def test_a_missing_or_binary_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        import_file(tmp_path / "missing.md")
    path = tmp_path / "image.md"
    path.write_bytes(b"\xff\xd8\xff\xe0 not text")
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        import_file(path)


def test_the_command_line_exits_non_zero_on_a_bad_file(seed_article, tmp_path, capsys):
    path = bad_file(tmp_path, "no front matter\n")
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "import_article", str(path)]).execute()
    assert exit_.value.code == 1
    assert "bad.md:1: the file must start" in capsys.readouterr().err


def test_reimporting_the_seed_article_derives_it_once_in_at_most_110_queries(seed_article, tmp_path):
    path = tmp_path / "magnesium.md"
    path.write_text(export())
    import_file(path)  # its first revision; the pinned figure is for an import like any later one
    before = Article.objects.values(*DERIVED_FIELDS).get()
    with CaptureQueriesContext(connection) as queries:
        import_file(path)
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "articles_article"')]
    assert len(queries) <= 110, len(queries)  # checked, written in a savepoint, then kept as its draft
    # the article's own fields, then what is derived from it and its rows, once; then, the draft kept, its edit count
    assert len(updates) == 3
    assert Article.objects.values(*DERIVED_FIELDS).get() == before
