"""import_article and a hostile or broken file: every problem is a `file:line: field: message` line,
the command exits non-zero, and the database is as it was."""

from io import StringIO

import pytest
import yaml
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from reversion.models import Revision, Version

from articles.models import ROWS, Article, Contributor, HistoryEntry, SlugRedirect, Topic
from editorial import portable
from editorial.models import Draft, SignOff

from .conftest import SEED_SLUG

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["libyaml", "python"])
def parser(request, monkeypatch):
    """The YAML checks hold with libyaml's parser and with PyYAML's own (where libyaml is missing)."""
    if request.param == "python":
        monkeypatch.setattr(portable, "EVENTS_LOADER", yaml.SafeLoader)
    elif portable.EVENTS_LOADER is yaml.SafeLoader:
        pytest.skip("PyYAML was built without libyaml")
    return request.param


def exported():
    out = StringIO()
    call_command("export_article", SEED_SLUG, "--output", "-", stdout=out)
    return out.getvalue()


def changed(old, new, text=None):
    """The seed article's file with `old` replaced by `new` once, and the line `new` starts on."""
    text = exported() if text is None else text
    at = text.index(old)
    return text[:at] + new + text[at + len(old) :], text[:at].count("\n") + 1


def database():
    """Everything an import could change."""
    state = {
        model.__name__: sorted(model.objects.values_list(*[f.attname for f in model._meta.concrete_fields]))
        for model in (Article, Contributor, Topic, *(model for _, model in ROWS))
    }
    state["article topics"] = sorted(Article.topics.through.objects.values_list("article_id", "topic_id"))
    for model in (Version, Revision, Draft, SignOff, HistoryEntry, SlugRedirect):
        state[model.__name__] = model.objects.count()
    return state


def problems(content, tmp_path):
    """The problems the import reports for a file of this text (or bytes), after checking it changed nothing."""
    path = tmp_path / "bad.md"
    (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
    before = database()
    with pytest.raises(CommandError) as refused:
        call_command("import_article", str(path), stdout=StringIO())
    assert database() == before
    first, *listed = str(refused.value).split("\n")
    assert first.endswith("; nothing changed):")
    return [line.strip() for line in listed]


def minimal(front):
    """A file with the given front matter after a slug and an author the seed article has."""
    return f"---\nslug: {SEED_SLUG}\nauthor: citewell-editorial-team\n{front}---\nBody.\n"


# What YAML can do that an article file never needs


BILLION_LAUGHS = "lol: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"lol{n}: &{chr(97 + n)} [{', '.join([f'*{chr(96 + n)}'] * 9)}]\n" for n in range(1, 10)
)


def test_a_billion_laughs_is_refused_at_its_first_anchor(seed_article, tmp_path, parser):
    assert problems(minimal(BILLION_LAUGHS), tmp_path) == [
        "bad.md:4: lol: sets the anchor &a; an article file has no anchors or aliases."
    ]


def test_the_command_line_refuses_a_billion_laughs_with_a_message_not_a_traceback(seed_article, tmp_path, capsys):
    path = tmp_path / "laughs.md"
    path.write_text(minimal(BILLION_LAUGHS))
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "import_article", str(path)]).execute()
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "laughs.md:4: lol: sets the anchor &a" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "front, problem",
    [
        ("topics: &a [*a]\n", "bad.md:4: topics: sets the anchor &a; an article file has no anchors or aliases."),
        (
            "title: *nowhere\n",
            "bad.md:4: title: uses the alias *nowhere; write the value out (an article file has no aliases).",
        ),
        (
            "topics:\n- &t {slug: minerals}\n- *t\n",
            "bad.md:5: topics[1]: sets the anchor &t; an article file has no anchors or aliases.",
        ),
        (
            "title: !!python/object:object {}\n",
            "bad.md:4: title: has the tag tag:yaml.org,2002:python/object:object; an article file has no tags.",
        ),
        ("title: !!str 12\n", "bad.md:4: title: has the tag tag:yaml.org,2002:str; an article file has no tags."),
        ("? [title]\n: x\n", "bad.md:4: a field's name is a word, not a list or a mapping."),
    ],
    ids=["recursive alias", "alias", "anchored item", "python tag", "str tag", "list as a key"],
)
def test_anchors_aliases_and_tags_are_refused(seed_article, tmp_path, parser, front, problem):
    assert problems(minimal(front), tmp_path) == [problem]


DEEP = 3000


@pytest.mark.parametrize(
    "front, problem",
    [
        ("topics: " + "[" * DEEP + "]" * DEEP + "\n", "bad.md:4: topics[1][1][1][1][1]:"),
        ("topics: " + "{a: " * DEEP + "1" + "}" * DEEP + "\n", "bad.md:4: topics.a.a.a.a.a:"),
        ("topics: " + "[\n" * DEEP + "]\n" * DEEP, "bad.md:9: topics[1][1][1][1][1]:"),
        ("topics:\n" + "- " * DEEP + "x\n", "bad.md:5: topics[1][1][1][1][1]:"),
        ("topics:\n" + "".join(" " * n + "-\n" for n in range(600)), "bad.md:10: topics[1][1][1][1][1]:"),
        ("topics:\n" + "".join(" " * n + "a:\n" for n in range(1, 600)), "bad.md:10: topics.a.a.a.a.a:"),
    ],
    ids=["flow lists", "flow mappings", "flow lists on lines", "block lists", "indented lists", "indented mappings"],
)
def test_nesting_thousands_deep_is_refused(seed_article, tmp_path, parser, front, problem):
    assert problems(minimal(front), tmp_path) == [
        f"{problem} is nested more than {portable.MAX_DEPTH} levels deep; an article file never is."
    ]


def test_a_row_nests_three_levels_deep_so_the_limit_leaves_room(seed_article, tmp_path):
    """The limit is above what an export holds: a list in a row's field is a type error, not a depth error."""
    text, line = changed("  authors: ''", "  authors: [[a]]")
    assert problems(text, tmp_path) == [
        f"bad.md:{line}: references[1].authors: [['a']] cannot be read: must be text (put it in quotes)."
    ]


def test_a_long_number_is_refused_before_yaml_reads_it(seed_article, tmp_path, parser):
    """YAML reads 1:2:3:... as a base-60 number, in time that grows with the square of its length."""
    text, line = changed("- order: 2\n", "- order: 1" + ":1" * 20_000 + "\n")
    assert problems(text, tmp_path) == [
        f"bad.md:{line}: key_points[2].order: is more than {portable.MAX_NUMBER_LENGTH} characters long for a number."
    ]
    text, line = changed("- order: 2\n", "- order: " + "9" * 5000 + "\n")
    assert problems(text, tmp_path) == [
        f"bad.md:{line}: key_points[2].order: is more than {portable.MAX_NUMBER_LENGTH} characters long for a number."
    ]


def test_an_export_holds_no_anchor_alias_or_tag(seed_article):
    events = list(yaml.parse(exported().split("---\n")[1]))
    assert not [e for e in events if isinstance(e, yaml.AliasEvent) or getattr(e, "anchor", None)]
    assert not [e for e in events if getattr(e, "tag", None)]


# Dates and times


@pytest.mark.parametrize(
    "value, message",
    [
        ("2024-02-30", "'2024-02-30' cannot be read: day is out of range for month."),
        ("'2024-02-30T10:00:00+00:00'", "'2024-02-30T10:00:00+00:00' cannot be read: day is out of range for month."),
        ("2024-01-01T24:00:00Z", "'2024-01-01T24:00:00Z' cannot be read: hour must be in 0..23."),
        ("2024-01-01 25:61:00", "'2024-01-01 25:61:00' cannot be read: hour must be in 0..23."),
        ("2024-01-01T10:61:00+00:00", "'2024-01-01T10:61:00+00:00' cannot be read: minute must be in 0..59."),
        ("25:61", "'25:61' cannot be read: Invalid isoformat string: '25:61'."),
        (
            "2024-01-01T10:00:00",
            "'2024-01-01T10:00:00' cannot be read: give a time zone, e.g. 2025-03-18T09:00:00+00:00.",
        ),
    ],
)
def test_an_impossible_date_or_time_is_refused(seed_article, tmp_path, value, message):
    text, line = changed("published_at: '2025-03-18T09:00:00+00:00'", f"published_at: {value}")
    assert problems(text, tmp_path) == [f"bad.md:{line}: published_at: {message}"]


# The file as a whole


def test_a_file_that_is_not_utf8_names_its_line(seed_article, tmp_path):
    data = exported().encode()
    at = data.index(b"nutrient_name: ") + len(b"nutrient_name: ")
    line = data[:at].count(b"\n") + 1
    assert problems(data[:at] + b"Magn\xe9sium" + data[at + 9 :], tmp_path) == [
        f"bad.md:{line}: the file is not UTF-8 text (byte 0xe9 at column 20); save it as UTF-8."
    ]


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "bad.md:1: the file is empty."),
        ("\n \n", "bad.md:1: the file is empty."),
        ("---\n- title\n- slug\n---\nBody\n", "bad.md:2: the front matter must be a set of 'field: value' lines."),
        ("---\njust words\n---\nBody\n", "bad.md:2: the front matter must be a set of 'field: value' lines."),
        ("---\n---\nBody\n", "bad.md:2: the front matter must be a set of 'field: value' lines."),
        (
            "---\nslug: a\n--- more\ntitle: b\n---\nBody\n",
            "bad.md:3: the front matter must be one YAML document.",
        ),
        (
            "---\ntitle: a\x07b\n---\nBody\n",
            "bad.md:2: the front matter holds the character U+0007, which YAML does not allow.",
        ),
    ],
    ids=["empty", "blank", "a list", "a scalar", "nothing", "two documents", "raw control character"],
)
def test_a_file_that_is_not_one_mapping_and_a_body_is_refused(seed_article, tmp_path, parser, text, problem):
    assert problems(text, tmp_path) == [problem]


def test_a_file_over_the_size_limit_is_refused(seed_article, tmp_path):
    text, _ = changed("## Conclusion", "## Conclusion\n\n" + "Magnesium matters. " * 30_000)
    assert len(text.encode()) > portable.MAX_FILE_SIZE
    assert problems(text, tmp_path) == [
        f"bad.md: the file is larger than {portable.MAX_FILE_SIZE:,} bytes, the most an article file may be."
    ]


def test_a_file_at_the_size_limit_is_read(seed_article, tmp_path):
    text, _ = changed("## Conclusion", "## Conclusion\n\nMagnesium matters.\n")
    padding = portable.MAX_FILE_SIZE - len(text.encode())
    text = text.replace("Magnesium matters.", "Magnesium matters." + " and" * (padding // 4), 1)
    path = tmp_path / "long.md"
    path.write_text(text)
    assert portable.MAX_FILE_SIZE - 4 < path.stat().st_size <= portable.MAX_FILE_SIZE
    call_command("import_article", str(path), "--dry-run", stdout=StringIO())


def test_many_problems_are_listed_up_to_a_hundred(seed_article, tmp_path):
    text, _ = changed("nutrient_name: Magnesium", "".join(f"k{n}: v\n" for n in range(150)) + "nutrient_name: Mg")
    listed = problems(text, tmp_path)
    assert len(listed) == 101 and listed[-1] == "... and 50 more."
