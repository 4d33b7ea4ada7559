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
from .helpers import draft_of

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
        ("'0001-01-01T00:00:00+05:00'", "'0001-01-01T00:00:00+05:00' cannot be read: date value out of range."),
        (
            "2024-01-01T10:00:00",
            "'2024-01-01T10:00:00' cannot be read: give a time zone, e.g. 2025-03-18T09:00:00+00:00.",
        ),
        ("[2024]", "[2024] cannot be read: give a date and time, e.g. 2025-03-18T09:00:00+00:00."),
    ],
)
def test_an_impossible_date_or_time_is_refused(seed_article, tmp_path, value, message):
    text, line = changed("published_at: '2025-03-18T09:00:00+00:00'", f"published_at: {value}")
    assert problems(text, tmp_path) == [f"bad.md:{line}: published_at: {message}"]


# Topics


@pytest.mark.parametrize("name", ["Bone health", "bone HEALTH", " Bone  health ", "'Bone\thealth'"])
def test_a_new_topic_may_not_take_an_existing_topics_name(seed_article, tmp_path, name):
    text, line = changed("- slug: minerals\n  name: Minerals", f"- slug: bones\n  name: {name}")
    assert problems(text, tmp_path) == [
        f"bad.md:{line + 1}: topics[2].name: the topic 'Bone health' (bone-health) has this name already: "
        "give its slug, or another name."
    ]


def test_two_new_topics_may_not_share_a_name(seed_article, tmp_path):
    text, line = changed(
        "- slug: minerals\n  name: Minerals", "- slug: sleep\n  name: Sleep\n- slug: rest\n  name: SLEEP"
    )
    assert problems(text, tmp_path) == [
        f"bad.md:{line + 3}: topics[3].name: the topic 'Sleep' (sleep) has this name already: "
        "give its slug, or another name."
    ]


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
    text, _ = changed("nutrient_name: Magnesium", "# padding\nnutrient_name: Magnesium")
    padding = portable.MAX_FILE_SIZE - len(text.encode())  # in a YAML comment: the body holds at most 50,000
    text = text.replace("# padding", "# padding" + " and" * (padding // 4), 1)
    path = tmp_path / "long.md"
    path.write_text(text)
    assert portable.MAX_FILE_SIZE - 4 < path.stat().st_size <= portable.MAX_FILE_SIZE
    call_command("import_article", str(path), "--dry-run", stdout=StringIO())


# Keys and values


def test_unknown_keys_are_named_wherever_they_are(seed_article, tmp_path):
    """(Each change adds a line below the ones before it, so the lines counted before stay right.)"""
    text, top = changed("nutrient_name: Magnesium", "colour: blue\nnutrient_name: Magnesium")
    text, person = changed("  kind: organization\n", "  kind: organization\n  age: 3\n", text)
    text, topic = changed("  name: Minerals\n", "  name: Minerals\n  colour: grey\n", text)
    text, row = changed("  serving: 1 oz\n", "  serving: 1 oz\n  size: big\n", text)
    assert problems(text, tmp_path) == [
        f"bad.md:{top}: colour: is not a field this site knows ({', '.join(portable.KNOWN)}).",
        f"bad.md:{person + 1}: author.age: is not a contributor field ({', '.join(portable.CONTRIBUTOR_FIELDS)}).",
        f"bad.md:{topic + 1}: topics[2].colour: is not a topic field (slug, name, description).",
        f"bad.md:{row + 1}: food_sources[1].size: is not a field of food_sources "
        "(order, name, category, serving, amount, source).",
    ]


TEXT = "must be text (put it in quotes)."
LIST = "must be a list (each item on a line starting with '- ')."
# (what the export has, what the file has instead, the problem on the first line of the change)
WRONG_TYPES = [
    ("title: Does Magnesium Help Osteoporosis?", "title: [a, b]", "title: ['a', 'b'] cannot be read: " + TEXT),
    ("subtitle: Unpacking", "subtitle: {a: 1}\nx: Unpacking", "subtitle: {'a': 1} cannot be read: " + TEXT),
    ("status: published", "status: [published]", "status: ['published'] cannot be read: " + TEXT),
    ("lead: Up to", "lead: 60\nx: Up to", "lead: 60 cannot be read: " + TEXT),
    ("summary: Magnesium is", "summary: true\nx: Magnesium is", "summary: True cannot be read: " + TEXT),
    ("meta_description: Up", "meta_description: 1.5\nx: Up", "meta_description: 1.5 cannot be read: " + TEXT),
    ("nutrient_name: Magnesium", "nutrient_name: [Mg]", "nutrient_name: ['Mg'] cannot be read: " + TEXT),
    ("daily_value: 420.000", "daily_value: [420]", "daily_value: [420] cannot be read: must be a number."),
    ("daily_value: 420.000", "daily_value: lots", "daily_value: 'lots' cannot be read: must be a number."),
    ("disclaimer: ''", "disclaimer: [none]", "disclaimer: ['none'] cannot be read: " + TEXT),
    ("title: Does Magnesium Help Osteoporosis?", "title: null", "title: This field cannot be blank."),
    ("lead: Up to", "lead:\nx: Up to", "lead: This field cannot be blank."),
    ("topics:\n- slug: bone-health", "topics: bone-health\nx:\n- slug: bone-health", "topics: " + LIST),
    ("topics:\n", "topics:\n- bone-health\n", "topics[1]: must be a set of 'field: value' lines."),
    ("key_points:\n- order: 1", "key_points: {order: 1}\nx:\n- order: 1", "key_points: " + LIST),
    ("supplement_forms:\n", "supplement_forms: forms\nx:\n", "supplement_forms: " + LIST),
    ("food_sources:\n", "food_sources: 3\nx:\n", "food_sources: " + LIST),
    ("faqs:\n", "faqs: true\nx:\n", "faqs: " + LIST),
    ("references:\n", "references: ''\nx:\n", "references: " + LIST),
    (
        "- order: 2\n  title: Supports",
        "- order: '2'\n  title: Supports",
        "key_points[2].order: '2' cannot be read: must be a whole number.",
    ),
    (
        "- order: 2\n  title: Supports",
        "- order: null\n  title: Supports",
        "key_points[2].order: This field cannot be null.",
    ),
    (
        "- order: 2\n  title: Supports",
        "- order: 2.5\n  title: Supports",
        "key_points[2].order: 2.5 cannot be read: must be a whole number.",
    ),
    (
        "  title: Supports",
        "  title: [Supports]\n  x: Supports",
        "key_points[2].title: ['Supports'] cannot be read: " + TEXT,
    ),
    ("  text: Approximately", "  text: null\n  x: Approximately", "key_points[1].text: This field cannot be blank."),
    (
        "  bioavailability: High",
        "  bioavailability: Superb",
        "supplement_forms[1].bioavailability: 'Superb' cannot be read: give one of Low, Moderate, Good, High.",
    ),
    (
        "  bioavailability: High",
        "  bioavailability: [4]",
        "supplement_forms[1].bioavailability: [4] cannot be read: must be a whole number.",
    ),
    (
        "  bioavailability: High",
        "  bioavailability: 7",
        "supplement_forms[1].bioavailability: Value 7 is not a valid choice.",
    ),
    ("  amount: 156.000", "  amount: [156]", "food_sources[1].amount: [156] cannot be read: must be a number."),
    (
        "  amount: 156.000",
        "  amount: -1",
        "food_sources[1].amount: Enter an amount greater than 0.",
    ),
    ("  question: How", "  question: [How]\n  x: How", "faqs[1].question: ['How'] cannot be read: " + TEXT),
    ("  year: 2013", "  year: '2013'", "references[2].year: '2013' cannot be read: must be a whole number."),
    ("  pmid: '23912329'", "  pmid: 23912329", "references[2].pmid: 23912329 cannot be read: " + TEXT),
    ("  slug: citewell-editorial-team", "  slug: [a]", "author.slug: ['a'] cannot be read: " + TEXT),
    ("author:\n", "author: [a]\nx:\n", "author: must give the contributor's slug (and name for a new one)."),
    (
        "medical_reviewer: null",
        "medical_reviewer: 12",
        "medical_reviewer: must give the contributor's slug (and name for a new one).",
    ),
    ("- slug: minerals\n", "- slug: null\n", "topics[2].slug: None cannot be read: " + TEXT),
    ("- slug: minerals\n  name: Minerals", "- name: Minerals", "topics[2]: gives no slug: each topic needs one."),
]


@pytest.mark.parametrize("old, new, problem", WRONG_TYPES, ids=[new.split("\n")[0] for _, new, _ in WRONG_TYPES])
def test_a_value_of_the_wrong_type_is_refused_with_its_field_and_line(seed_article, tmp_path, old, new, problem):
    """(A change that splits a line keeps the file valid YAML with the rest under an unknown key, x.)"""
    text, line = changed(old, new)
    line += new.startswith("topics:\n")
    reported = [p for p in problems(text, tmp_path) if "x: is not a" not in p]
    assert reported == [f"bad.md:{line}: {problem}"]


@pytest.mark.parametrize(
    "old, new, problem",
    [
        (
            "- order: 2\n  title: Supports",
            f"- order: {10**30}\n  title: Supports",
            "key_points[2].order: Ensure this value is less than or equal to ",
        ),
        ("  year: 2013", f"  year: {10**20}", "references[2].year: Ensure this value is less than or equal to "),
        (
            "daily_value: 420.000",
            "daily_value: .inf",
            "daily_value: “Infinity” value must be a decimal number.",
        ),
        (
            "daily_value: 420.000",
            "daily_value: 12345678901.5",
            "daily_value: Ensure that there are no more than 10 digits in total.",
        ),
        (
            "  amount: 156.000",
            "  amount: 1.2345",
            "food_sources[1].amount: Ensure that there are no more than 3 decimal places.",
        ),
    ],
    ids=["order 10**30", "year 10**20", "infinity", "too many digits", "too many decimals"],
)
def test_a_number_out_of_range_is_refused(seed_article, tmp_path, old, new, problem):
    """(The largest whole number is the database's: PostgreSQL's smallint, SQLite's 64 bits.)"""
    text, line = changed(old, new)
    (reported,) = problems(text, tmp_path)
    assert reported.startswith(f"bad.md:{line}: {problem}")


@pytest.mark.parametrize(
    "old, new, problem",
    [
        (
            "title: Does Magnesium Help Osteoporosis?",
            "title: " + "t" * 201,
            "title: Ensure this value has at most 200 characters (it has 201).",
        ),
        (
            "  title: Supports Calcium and Vitamin D",
            "  title: " + "k" * 121,
            "key_points[2].title: Ensure this value has at most 120 characters (it has 121).",
        ),
        (
            "- slug: minerals\n  name: Minerals",
            "- slug: minerals-2\n  name: " + "m" * 81,
            "topics[2].name: Ensure this value has at most 80 characters (it has 81).",
        ),
        (
            "  name: Citewell Editorial Team",
            "  name: " + "n" * 121,
            "author.name: Ensure this value has at most 120 characters (it has 121).",
        ),
    ],
    ids=["title", "key point's title", "new topic's name", "contributor's name"],
)
def test_a_string_over_its_fields_length_is_refused(seed_article, tmp_path, old, new, problem):
    text, line = changed(old, new.replace("  slug: citewell-editorial-team", "  slug: new-team"))
    if problem.startswith("author"):
        text, _ = changed("  slug: citewell-editorial-team", "  slug: a-new-team", text)
    line += problem.startswith("topics")
    assert problems(text, tmp_path) == [f"bad.md:{line}: {problem}"]


# Characters no page shows


@pytest.mark.parametrize(
    "old, new, problem",
    [
        (
            "title: Does Magnesium Help Osteoporosis?",
            'title: "Bell\\a"',
            "title: 'Bell\\x07' cannot be read: it holds the character U+0007",
        ),
        (
            f"slug: {SEED_SLUG}",
            'slug: "does\\0magnesium"',
            "slug: 'does\\x00magnesium' cannot be read: it holds the character U+0000",
        ),
        (
            "- slug: minerals",
            '- slug: "min\\0erals"',
            "topics[2].slug: 'min\\x00erals' cannot be read: it holds the character U+0000",
        ),
    ],
    ids=["bell in a title", "nul in the slug", "nul in a topic's slug"],
)
def test_a_control_character_in_a_value_is_refused(seed_article, tmp_path, old, new, problem):
    text, line = changed(old, new)
    assert problems(text, tmp_path) == [f"bad.md:{line}: {problem}, which a page cannot show."]


def test_half_a_character_is_refused(seed_article, tmp_path, parser):
    """libyaml refuses the escape of a lone surrogate as it reads; PyYAML's own parser reads it into the text."""
    text, line = changed("  title: Supports Calcium and Vitamin D", '  title: "\\ud800 Supports"')
    assert problems(text, tmp_path) == [
        f"bad.md:{line}: the front matter is not valid YAML: found invalid Unicode character escape code."
        if parser == "libyaml"
        else f"bad.md:{line}: key_points[2].title: '\\ud800 Supports' cannot be read: it holds the character "
        "U+D800, which a page cannot show."
    ]


def test_a_control_character_in_the_body_is_refused_with_its_line(seed_article, tmp_path):
    text, line = changed("## Conclusion", "## Con\x0bclusion")
    assert problems(text, tmp_path) == [
        f"bad.md:{line}: body: it holds the character U+000B, which a page cannot show; remove it."
    ]


# What the model says


@pytest.mark.parametrize(
    "old, new, problem",
    [
        (f"slug: {SEED_SLUG}", "slug: Not a slug!", "slug: Enter a valid “slug”"),
        ("- slug: minerals", "- slug: min erals", "topics[2].slug: Enter a valid “slug”"),
        ("  slug: citewell-editorial-team", "  slug: the team", "author.slug: Enter a valid “slug”"),
    ],
)
def test_a_slug_that_is_not_a_slug_is_refused(seed_article, tmp_path, old, new, problem):
    text, line = changed(old, new)
    assert problems(text, tmp_path) == [
        f"bad.md:{line}: {problem} consisting of letters, numbers, underscores or hyphens."
    ]


def test_two_rows_with_one_order_are_refused(seed_article, tmp_path):
    text, line = changed("- order: 3\n  name: Almonds", "- order: 2\n  name: Almonds")
    assert problems(text, tmp_path) == [f"bad.md:{line}: food_sources[3].order: 2 is used twice in food_sources."]


def test_a_missing_order_is_reported_once(seed_article, tmp_path):
    text, line = changed("- order: 3\n  name: Almonds", "- name: Almonds")
    text, other = changed("- order: 4\n  name: Spinach", "- name: Spinach", text)
    assert problems(text, tmp_path) == [
        f"bad.md:{line}: food_sources[3].order: This field cannot be null.",
        f"bad.md:{other}: food_sources[4].order: This field cannot be null.",
    ]


def test_a_reference_cited_in_the_body_but_missing_is_refused(seed_article, tmp_path):
    text, line = changed("## Conclusion", "## Conclusion\n\nAs shown before.[^smith2020]")
    assert problems(text, tmp_path) == [
        f"bad.md:{line + 2}: body: [^smith2020] cites no reference of this article; its references' keys are: "
        "castiglioni2013, farsinejadmarj2016, nih, orchard2014, uwitonze2018."
    ]


def test_a_citation_by_number_is_refused_naming_the_keys(seed_article, tmp_path):
    text, line = changed("## Conclusion", "## Conclusion\n\nAs shown before.[^2]")
    assert problems(text, tmp_path) == [
        f"bad.md:{line + 2}: body: [^2] cites by number; cite a reference by its key instead, such as "
        "[^castiglioni2013] (this article's keys: castiglioni2013, farsinejadmarj2016, nih, orchard2014, "
        "uwitonze2018). Each reference's key is at the top of its row."
    ]


def test_a_reference_cited_in_an_answer_but_missing_is_refused(seed_article, tmp_path):
    text, line = changed("  answer: Magnesium is a crucial", "  answer: See [^nih2020]. Magnesium is a crucial")
    assert problems(text, tmp_path) == [
        f"bad.md:{line}: faqs[1].answer: [^nih2020] cites no reference of this article; its references' keys are: "
        "castiglioni2013, farsinejadmarj2016, nih, orchard2014, uwitonze2018."
    ]


def test_a_heading_problem_names_the_headings_line(seed_article, tmp_path):
    text, line = changed("## Conclusion", "# Conclusion")
    assert problems(text, tmp_path) == [
        f"bad.md:{line}: body: Use ## for section headings: a single # is the article's title."
    ]


def test_many_problems_are_listed_up_to_a_hundred(seed_article, tmp_path):
    text, _ = changed("nutrient_name: Magnesium", "".join(f"k{n}: v\n" for n in range(150)) + "nutrient_name: Mg")
    listed = problems(text, tmp_path)
    assert len(listed) == 101 and listed[-1] == "... and 50 more."


def test_a_published_articles_publish_time_is_left_alone(seed_article, tmp_path):
    """As on its change page, a published article's publish time changes by the workflow's buttons: the file's,
    even none at all, is checked and left alone, and its draft is saved."""
    text, _ = changed("published_at: '2025-03-18T09:00:00+00:00'", "published_at: null")
    path = tmp_path / "edited.md"
    path.write_text(text.replace("title: Does Magnesium", "title: Can Magnesium", 1))
    call_command("import_article", str(path), stdout=StringIO())
    article = Article.objects.get()
    assert article.published_at == seed_article.published_at
    assert draft_of(article).article.title == "Can Magnesium Help Osteoporosis?"
    assert draft_of(article).article.published_at == seed_article.published_at
