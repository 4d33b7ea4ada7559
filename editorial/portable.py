"""Articles as Markdown files with YAML front matter, out and back in.

The front matter holds everything but the body: metadata, the byline's
contributors, topics, and every row (key points, supplement forms, food
sources, FAQs, references); the body follows the closing `---` line.
`dump` writes that file; `load` reads one, checks all of it, and creates or
updates the article inside one transaction, so a bad file changes nothing.
Errors name the file's line and the field at fault.

A file is untrusted input, read with bounded work: at most MAX_FILE_SIZE bytes;
its YAML read event by event, refusing anchors and aliases, tags and nesting
deeper than MAX_DEPTH before they cost anything (an export never has them);
each value converted to what its field holds and checked by the model's own
validation; a slug checked before it is looked up; a new topic refused when an
existing one has its name, whatever the case or spacing.

Dates: an import that creates an article keeps the file's created and
updated times (the article moves between databases unchanged); an import that
updates an existing article is a new edit, so it is updated now.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

import reversion
import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles import citations, derivation, rendering
from articles.derivation import deriving_once
from articles.fields import CONTROLS
from articles.models import ROWS, Article, Contributor, SupplementForm, Topic

from . import drafts, revisions, signoffs, workflow
from .fields import written_fields

REQUIRED = ["slug", "author"]  # needed to find the article; the model's validation covers the rest
CONTRIBUTOR_FIELDS = ["slug", "name", "credentials", "role", "kind", "bio", "profile_url"]
TOPIC_FIELDS = ["slug", "name", "description"]
IMPORTED_FIELDS = {Contributor: CONTRIBUTOR_FIELDS, Topic: TOPIC_FIELDS}
PEOPLE = ["author", "medical_reviewer"]
# The article's own fields; its contributors, topics and rows come after them, the body last. A hero
# image's description, caption and credit are carried, its file is not (nor is a contributor's photo):
# an import keeps the image the article has, and a new article has none until one is uploaded.
_OWN = {*written_fields(Article, exclude=[*PEOPLE, "topics", "body", "hero_image"]), "created_at", "updated_at"}
ARTICLE_FIELDS = [field.name for field in Article._meta.concrete_fields if field.name in _OWN]
ROW_FIELDS = {name: written_fields(model, exclude=["article"]) for name, model in ROWS}
# Exported as a record of who signed off what; an import never creates a sign-off, so it reads none.
SIGN_OFFS = "sign_offs"
KNOWN = [*ARTICLE_FIELDS, *PEOPLE, "topics", *ROW_FIELDS, SIGN_OFFS]
BIOAVAILABILITY = {label.lower(): value for value, label in SupplementForm.Bioavailability.choices}
# Files exported before the nutrient had a unit: these fields held milligrams.
FORMER_NAMES = {"daily_value_mg": "daily_value", "amount_mg": "amount"}


class ImportFailed(Exception):
    """A file that cannot be imported; `problems` are "line N: field: message" sentences."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = problems


# Writing


class Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True  # every value written out in full: an import refuses anchors and aliases


def _represent_str(dumper, text):
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _represent_decimal(dumper, number):
    return dumper.represent_scalar("tag:yaml.org,2002:float", str(number))


Dumper.add_representer(str, _represent_str)
Dumper.add_representer(Decimal, _represent_decimal)


def exported_value(instance, name):
    value = getattr(instance, name)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value, datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if name == "bioavailability":
        return instance.get_bioavailability_display()
    return value


def dump(article):
    """The article as one Markdown file with YAML front matter."""
    data = {name: exported_value(article, name) for name in ARTICLE_FIELDS}
    for name in PEOPLE:
        person = getattr(article, name)
        data[name] = {field: getattr(person, field) for field in CONTRIBUTOR_FIELDS} if person else None
    data["topics"] = [{field: getattr(topic, field) for field in TOPIC_FIELDS} for topic in article.topics.all()]
    for name, fields in ROW_FIELDS.items():
        data[name] = [{field: exported_value(row, field) for field in fields} for row in getattr(article, name).all()]
    data[SIGN_OFFS] = [
        {
            "reviewer": signed.reviewer.slug,
            "signed_at": signed.signed_at.isoformat(),
            "version": signed.digest,
            **({"note": signed.note} if signed.note else {}),
        }
        for signed in article.sign_offs.select_related("reviewer").order_by("signed_at", "pk")
    ]
    front = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=1_000_000)
    body = article.body.replace("\r\n", "\n")
    return f"---\n{front}---\n{body}\n"


# Reading

MAX_FILE_SIZE = 500_000  # bytes; an article file is some 15,000
MAX_DEPTH = 5  # an article file nests three levels deep: a list of rows, a row, its fields
MAX_NUMBER_LENGTH = 40  # characters; no field holds a longer number, and YAML reads some (1:2:3:...) in quadratic time
FRONT_LINE = 2  # the front matter's first line in the file
NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
VALUE_TAGS = {*NUMBER_TAGS, "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}  # the rest is read as text


def decoded(data, name):
    """The text of a file read as bytes (MAX_FILE_SIZE + 1 of them are enough); raises ImportFailed."""
    if len(data) > MAX_FILE_SIZE:
        raise ImportFailed(
            [f"{name}: the file is larger than {MAX_FILE_SIZE:,} bytes, the most an article file may be."]
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - data.rfind(b"\n", 0, error.start)
        byte = data[error.start]
        raise ImportFailed(
            [f"{name}:{line}: the file is not UTF-8 text (byte 0x{byte:02x} at column {column}); save it as UTF-8."]
        ) from None


def _shown(step):
    """A key or an index of the file, as an error message names it (a key is shortened, and escaped if
    it holds what a terminal cannot show)."""
    if isinstance(step, int):
        return f"[{step + 1}]"
    text = step if step.isprintable() else ascii(step)[1:-1]
    return text if len(text) <= 60 else text[:59] + "…"


def _where(path):
    return "".join(
        step if step.startswith("[") or not index else f".{step}" for index, step in enumerate(map(_shown, path))
    )


def _problem(name, line, path, message):
    if len(message) > 1000:  # Django's messages may quote the value
        message = message[:999] + "…"
    return f"{name}:{line}: {_where(path)}: {message}" if path else f"{name}:{line}: {message}"


@dataclass
class Source:
    """The parsed file, with the line of every key and list item for error messages."""

    name: str
    data: dict
    lines: dict
    body: str
    body_line: int

    def line(self, *path):
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def problem(self, path, message):
        return _problem(self.name, self.line(*path), path, message)


# libyaml's parser where PyYAML has it (ten times as fast), read event by event: nothing is composed
# or constructed before it is checked.
EVENTS_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Refused(Exception):
    """YAML an article file never holds, at `path` and `line` of the file: reading stops there."""

    def __init__(self, path, line, message):
        super().__init__(message)
        self.path, self.line, self.message = path, line, message


@dataclass
class Open:
    """A list or mapping being read: where it is, and for a mapping, the key whose value comes next."""

    value: list | dict
    path: tuple
    key: str | None = None


def unwanted(event, depth):
    """Why a YAML node (its first event) has no place in an article file, or "" if it has."""
    if isinstance(event, yaml.AliasEvent):
        return f"uses the alias *{_shown(event.anchor)}; write the value out (an article file has no aliases)."
    if event.anchor is not None:
        return f"sets the anchor &{_shown(event.anchor)}; an article file has no anchors or aliases."
    if event.tag is not None:
        return f"has the tag {_shown(event.tag)}; an article file has no tags."
    if depth > MAX_DEPTH:
        return f"is nested more than {MAX_DEPTH} levels deep; an article file never is."
    return ""


class FrontMatter:
    """The front matter read into data, with the line of every key and list item.

    It stops at the first thing an article file never holds: an anchor or an alias (a
    few lines of them can stand for billions of values, or for a list inside itself), a
    tag, or nesting deeper than MAX_DEPTH. A mapping's keys are text; of the other
    values, numbers, true/false and null are read as YAML reads them, the rest (dates
    and times too: the fields read them) as text.
    """

    def __init__(self):
        self.lines, self.problems, self.open, self.root = {}, [], [], None
        self.resolver, self.constructor = yaml.resolver.Resolver(), yaml.constructor.SafeConstructor()

    def read(self, front):
        for event in yaml.parse(front, Loader=EVENTS_LOADER):
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                self.open.pop()
            elif isinstance(event, yaml.NodeEvent):
                self.node(event)
        return self.root

    def node(self, event):
        line = event.start_mark.line + FRONT_LINE
        parent = self.open[-1] if self.open else None
        if parent is not None and isinstance(parent.value, dict) and parent.key is None:
            self.key(parent, event, line)
            return
        path = () if parent is None else (*parent.path, parent.key if parent.key is not None else len(parent.value))
        problem = unwanted(event, len(self.open))
        if problem or (parent is None and self.root is not None):
            raise Refused(path, line, problem or "the front matter must be one YAML document.")
        self.lines.setdefault(path, line)  # a key's line stands for its value
        if isinstance(event, yaml.ScalarEvent):
            value = self.scalar(event, path, line)
        else:
            value = {} if isinstance(event, yaml.MappingStartEvent) else []
        if parent is None:
            self.root = value
        elif isinstance(parent.value, dict):
            parent.value[parent.key], parent.key = value, None
        else:
            parent.value.append(value)
        if not isinstance(event, yaml.ScalarEvent):
            self.open.append(Open(value, path))

    def key(self, mapping, event, line):
        problem = unwanted(event, 0)
        if problem or not isinstance(event, yaml.ScalarEvent):
            raise Refused(mapping.path, line, problem or "a field's name is a word, not a list or a mapping.")
        if event.value in mapping.value:
            self.problems.append((line, (*mapping.path, event.value), "appears twice."))
        mapping.key = event.value
        self.lines[(*mapping.path, event.value)] = line

    def scalar(self, event, path, line):
        tag = self.resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag not in VALUE_TAGS:
            return event.value
        if tag in NUMBER_TAGS and len(event.value) > MAX_NUMBER_LENGTH:
            self.problems.append((line, path, f"is more than {MAX_NUMBER_LENGTH} characters long for a number."))
            return None
        return self.constructor.construct_object(yaml.ScalarNode(tag, event.value))


def _front_matter(front, name):
    """The front matter as data, and the line of each of its keys and items; raises ImportFailed."""
    unreadable = yaml.reader.Reader.NON_PRINTABLE.search(front)
    if unreadable:
        line = front.count("\n", 0, unreadable.start()) + FRONT_LINE
        character = f"U+{ord(unreadable.group()):04X}"
        raise ImportFailed(
            [f"{name}:{line}: the front matter holds the character {character}, which YAML does not allow."]
        )
    reader = FrontMatter()
    try:
        data = reader.read(front)
    except Refused as refused:
        raise ImportFailed([_problem(name, refused.line, refused.path, refused.message)]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + FRONT_LINE if mark else FRONT_LINE
        problem = getattr(error, "problem", None) or str(error)
        raise ImportFailed([f"{name}:{line}: the front matter is not valid YAML: {problem}."]) from None
    if not isinstance(data, dict):
        raise ImportFailed([f"{name}:{FRONT_LINE}: the front matter must be a set of 'field: value' lines."])
    if reader.problems:
        raise ImportFailed([_problem(name, *problem) for problem in reader.problems])
    return data, reader.lines


def parse(text, name):
    """Split and parse the file; raises ImportFailed on anything but a YAML mapping and a body."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if len(text) > MAX_FILE_SIZE:
        raise ImportFailed(
            [f"{name}: the file is longer than {MAX_FILE_SIZE:,} characters, the most an article file may be."]
        )
    if not text.strip():
        raise ImportFailed([f"{name}:1: the file is empty."])
    if not text.startswith("---\n"):
        raise ImportFailed(
            [f"{name}:1: the file must start with a line of three dashes (---) opening the front matter."]
        )
    closing = text.find("\n---\n", 3)
    if closing == -1 and text.endswith("\n---"):
        closing = len(text) - 4
    if closing == -1:
        raise ImportFailed([f"{name}: no closing --- line ends the front matter."])
    front = text[4 : closing + 1]
    body = text[closing + 5 :]
    body = body[:-1] if body.endswith("\n") else body
    data, lines = _front_matter(front, name)
    return Source(name, data, lines, body, body_line=front.count("\n") + 3)


def load(text, name="article.md", dry_run=False):
    """Create or update the article the file describes; returns (article, created).

    Everything is checked before anything is kept: on any problem the
    transaction is rolled back and ImportFailed lists every problem found.
    """
    source = parse(text, name)
    slug, problems = _checked_file(source)
    existing = Article.objects.filter(slug=slug).values_list("pk", flat=True).first()
    # Into a published article, the file becomes its draft: readers see it once signed off and published.
    with drafts.workspace(None if dry_run else existing, start_from_draft=False), transaction.atomic(), deriving_once():
        if existing is not None:
            revisions.ensure_baseline(existing)
        with reversion.create_revision(manage_manually=True):  # the article is added once, whole, when saved
            reversion.set_comment(f"Imported from {name}.")
            article, created = _apply(source, slug, problems)
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run and not created:
        signoffs.withdraw_if_reviewer_changed(Article.objects.get(pk=article.pk))
    return article, created


def _apply(source, slug, problems):
    """Check the whole file, then write the article, its rows and topics; raises ImportFailed."""
    people = {name: _contributor(source, name, problems) for name in PEOPLE}
    topics = _topics(source, problems)
    article = Article.objects.filter(slug=slug).first() or Article()
    created = article.pk is None
    # A draft never changes a published article's place in the workflow: the file's publish time is
    # checked and otherwise left alone, as its status is (the change page shows them disabled).
    kept = {name: getattr(article, name) for name in drafts.KEPT_FROM_LIVE} if drafts.is_drafted(article) else {}
    failed = {
        name
        for name in ARTICLE_FIELDS
        if name in source.data
        and name != "status"
        and not _set(source, article, name, source.data[name], (name,), problems=problems)
    }
    for name, value in kept.items():
        setattr(article, name, value)
    article.body = source.body
    article.author, article.medical_reviewer = people["author"], people["medical_reviewer"]
    status = _status(source, article, problems)
    rows = {name: _rows(source, name, model, article, problems) for name, model in ROWS}
    _reference_keys(source, article, rows, problems)
    failed |= {name for name in PEOPLE if source.data.get(name) is not None and people[name] is None}
    _validate(source, article, (), problems, exclude=["topics", *failed])
    for field, messages in workflow.problems(article, status).items():
        problems.extend(source.problem((field or "status",), message) for message in messages)
    if not problems:
        _check_markdown(source, article, rows, problems)
    if problems:
        raise ImportFailed(_in_file_order(source, problems))
    _save(article, status, rows, topics, keep_dates=created)
    return article, created


def _in_file_order(source, problems):
    skip = len(source.name) + 1  # each problem starts "name:line:"
    return sorted(problems, key=lambda problem: int(problem[skip:].split(":", 1)[0]))


def _checked_file(source):
    """The article's slug, and the problems with the file's keys and body; raises ImportFailed when
    the file cannot even name its article."""
    problems = _former_names(source)
    problems += [
        source.problem((key,), f"is not a field this site knows ({', '.join(KNOWN)}).")
        for key in source.data
        if key not in KNOWN
    ]
    absent = [key for key in REQUIRED if source.data.get(key) in (None, "")]
    problems += [source.problem((key,), "is required.") for key in absent]
    slug = None if "slug" in absent else _slug(source, Article, source.data["slug"], ("slug",), problems)
    if not source.body.strip():
        problems.append(_problem(source.name, source.body_line, ("body",), "the article's Markdown body is empty."))
    control = CONTROLS.search(source.body)
    if control:
        line = source.body_line + source.body.count("\n", 0, control.start())
        problems.append(_problem(source.name, line, ("body",), f"{_unshowable(control.group())}; remove it."))
    if absent or slug is None:
        raise ImportFailed(_in_file_order(source, problems))
    return slug, problems


def _former_names(source):
    """A file from before the nutrient had a unit gives daily_value_mg and amount_mg, in milligrams: read
    them as daily_value and amount in mg. Returns the problems (a field given twice, another unit)."""
    problems, found = [], []
    foods = source.data.get("food_sources")
    mappings = [((), source.data)]
    if isinstance(foods, list):
        mappings += [(("food_sources", index), item) for index, item in enumerate(foods) if isinstance(item, dict)]
    for path, mapping in mappings:
        for old, new in FORMER_NAMES.items():
            if old not in mapping:
                continue
            if new in mapping:
                problems.append(source.problem((*path, old), f"is the former name of {new}: give only {new}."))
                continue
            mapping[new] = mapping.pop(old)
            source.lines[(*path, new)] = source.line(*path, old)
            found.append((*path, old))
    unit = source.data.get("nutrient_unit")
    if found and unit is None:
        source.data["nutrient_unit"] = Article.Unit.MG
        source.lines[("nutrient_unit",)] = source.line(*found[0])
    elif found and unit != Article.Unit.MG:
        problems.append(
            source.problem(
                found[0],
                f"gives milligrams, but nutrient_unit is {_brief(unit)}: give daily_value and each amount "
                "in that unit instead, or make nutrient_unit mg.",
            )
        )
    return problems


def _status(source, article, problems):
    """The status the article gets: a new one is a draft, an existing one keeps its own.

    The file's status says where the article stood where it was exported; here only
    the workflow's buttons change a status (a published article's import is a draft
    of it), so the value is checked and otherwise left alone.
    """
    if "status" in source.data:
        value = source.data["status"]
        try:
            article._meta.get_field("status").clean(_text(value), article)
        except ValueError as error:
            problems.append(source.problem(("status",), f"{_brief(value)} cannot be read: {error}."))
        except ValidationError as error:
            problems.extend(source.problem(("status",), message) for message in error.messages)
    return article.status if article.pk else Article.Status.DRAFT


def _rows(source, name, model, article, problems):
    """The rows of one kind the file lists, each checked, unsaved."""
    rows, orders = [], set()
    for index, item in _items(source, name, problems):
        row, failed = model(article=article), set()
        for field, value in item.items():
            if field not in ROW_FIELDS[name]:
                known = ", ".join(ROW_FIELDS[name])
                problems.append(source.problem((name, index, field), f"is not a field of {name} ({known})."))
            elif not _set(source, row, field, value, (name, index, field), problems=problems):
                failed.add(field)
        failed |= _validate(source, row, (name, index), problems, exclude=["article", *failed])
        row.refresh_derived()
        if "order" not in failed and row.order in orders:
            problems.append(source.problem((name, index, "order"), f"{row.order} is used twice in {name}."))
        orders.add(row.order)
        rows.append(row)
    return rows


def _save(article, status, rows, topics, keep_dates):
    """Write the checked article with its rows and topics, deriving it once; a new article keeps the
    file's created and updated times."""
    dates = {name: getattr(article, name) for name in ("created_at", "updated_at") if getattr(article, name)}
    workflow.move(article, status)
    article.save()
    for name, model in ROWS:
        getattr(article, name).all().delete()
        for row in rows[name]:
            row.article = article
        model.objects.bulk_create(rows[name])
    article.topics.set(topics)
    derivation.store(article, rows)
    if keep_dates and dates:
        Article.objects.filter(pk=article.pk).update(**dates)
        for name, value in dates.items():
            setattr(article, name, value)
    reversion.add_to_revision(article)


def _items(source, name, problems):
    """Each item (number, mapping) the file lists under `name`; none if it has no such list."""
    items = source.data.get(name)
    if items is None:
        return []
    if not isinstance(items, list):
        problems.append(source.problem((name,), "must be a list (each item on a line starting with '- ')."))
        return []
    good = []
    for index, item in enumerate(items):
        if isinstance(item, dict):
            good.append((index, item))
        else:
            problems.append(source.problem((name, index), "must be a set of 'field: value' lines."))
    return good


# The file's values, as the model's fields hold them; each raises ValueError (or the like) for a value
# that cannot be one; the model's validation then checks what could.

SURROGATES = re.compile("[\ud800-\udfff]")


def _unshowable(character):
    return f"it holds the character U+{ord(character):04X}, which a page cannot show"


def _text(value):
    if not isinstance(value, str):
        raise ValueError("must be text (put it in quotes)")
    found = CONTROLS.search(value) or SURROGATES.search(value)
    if found:
        raise ValueError(_unshowable(found.group()))
    return value.strip()  # as the admin's forms do


def _moment(value):
    if not isinstance(value, str):
        raise ValueError("give a date and time, e.g. 2025-03-18T09:00:00+00:00")
    value = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        raise ValueError("give a time zone, e.g. 2025-03-18T09:00:00+00:00")
    return value.astimezone(datetime.UTC)  # OverflowError at the very ends of the calendar


def _decimal(value):
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        try:
            return Decimal(str(value).strip())
        except ArithmeticError:
            pass
    raise ValueError("must be a number")


def _whole_number(value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number")
    return value


def _bioavailability(value):
    if isinstance(value, str) and value.strip().lower() in BIOAVAILABILITY:
        return int(BIOAVAILABILITY[value.strip().lower()])
    if isinstance(value, str):
        raise ValueError(f"give one of {', '.join(SupplementForm.Bioavailability.labels)}")
    return _whole_number(value)


CONVERTERS = {
    "DateTimeField": _moment,
    "DecimalField": _decimal,
    "PositiveSmallIntegerField": _whole_number,
    "PositiveIntegerField": _whole_number,
}


def _brief(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _in_places(value, model_field):
    """A number with the decimal places its field stores (156.0 is 156.000), as the database gives it
    back: what a revision records then says the same as the stored article. Never rounds."""
    places = getattr(model_field, "decimal_places", None)
    if not isinstance(value, Decimal) or places is None or not value.is_finite():
        return value
    digits, exponent = len(value.as_tuple().digits), value.as_tuple().exponent
    if exponent > -places and digits + exponent + places <= model_field.max_digits:  # as many as it may hold
        return value.quantize(Decimal(1).scaleb(-places))
    return value


def _set(source, instance, name, value, path, *, problems):
    """Set a field from the file's value, converted to what the model stores; False if it cannot be."""
    model_field = instance._meta.get_field(name)
    try:
        if value is None:
            value = "" if model_field.empty_strings_allowed and not model_field.null else None
        elif name == "bioavailability":
            value = _bioavailability(value)
        else:
            value = _in_places(CONVERTERS.get(model_field.get_internal_type(), _text)(value), model_field)
    except (ValueError, TypeError, ArithmeticError) as error:
        problems.append(source.problem(path, f"{_brief(value)} cannot be read: {error}."))
        return False
    setattr(instance, model_field.attname, value)
    return True


def _validate(source, instance, path, problems, *, exclude, unique=False):
    """The model's own validation of `instance`; returns the names of the fields at fault."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=unique, validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            where = (*path, field) if field != "__all__" else path
            problems.extend(source.problem(where, message) for message in messages)
        return set(error.message_dict)
    return set()


def _slug(source, model, value, path, problems):
    """The value if it is a slug `model` may have (checked before it is looked up), else None."""
    try:
        return model._meta.get_field("slug").clean(_text(value), None)
    except ValueError as error:
        problems.append(source.problem(path, f"{_brief(value)} cannot be read: {error}."))
    except ValidationError as error:
        problems.extend(source.problem(path, message) for message in error.messages)
    return None


def _contributor(source, role, problems):
    item = source.data.get(role)
    if item is None:
        return None
    if isinstance(item, str):
        item = {"slug": item}
    if not isinstance(item, dict) or not item.get("slug"):
        problems.append(source.problem((role,), "must give the contributor's slug (and name for a new one)."))
        return None
    return _found_or_made(source, Contributor, item, (role,), problems)


def _folded(name):
    return " ".join(name.split()).casefold()


def _topics(source, problems):
    """The topics the file lists; a new one may not take an existing topic's name, whatever its case
    or spacing."""
    named = {_folded(topic.name): topic for topic in Topic.objects.only("name", "slug")}
    topics = []
    for index, item in _items(source, "topics", problems):
        topic = _found_or_made(source, Topic, item, ("topics", index), problems, named=named)
        if topic is not None:
            named.setdefault(_folded(topic.name), topic)
            topics.append(topic)
    return topics


def _found_or_made(source, model, item, path, problems, *, named=None):
    """The contributor or topic with the item's slug, or a new one from the item (kept only if valid)."""
    fields = IMPORTED_FIELDS[model]
    unknown = [field for field in item if field not in fields]
    noun = model._meta.verbose_name
    problems.extend(source.problem((*path, f), f"is not a {noun} field ({', '.join(fields)}).") for f in unknown)
    if "slug" not in item:
        problems.append(source.problem(path, f"gives no slug: each {noun} needs one."))
        return None
    slug = _slug(source, model, item["slug"], (*path, "slug"), problems)
    found = None if slug is None else model.objects.filter(slug=slug).first()
    if found is not None or slug is None or unknown:
        return found
    made = model()
    failed = {
        field
        for field, value in item.items()
        if not _set(source, made, field, value, (*path, field), problems=problems)
    }
    if named is not None and "name" not in failed and _folded(made.name) in named:
        same = named[_folded(made.name)]
        message = f"the topic {same.name!r} ({same.slug}) has this name already: give its slug, or another name."
        problems.append(source.problem((*path, "name"), message))
        failed.add("name")
    failed |= _validate(source, made, path, problems, exclude=failed, unique=True)
    if failed:
        return None
    made.save()
    reversion.add_to_revision(made)
    return made


def _reference_keys(source, article, rows, problems):
    """Each reference's key, once in the article; a reference without one gets a suggested key. A
    file written before keys (none has one) cites by number: its texts are brought to the keys."""
    references = rows["references"]
    seen = set()
    for index, reference in enumerate(references):
        if reference.key and reference.key in seen:
            message = f"{reference.key!r} is the key of another reference too: give each reference its own."
            problems.append(source.problem(("references", index, "key"), message))
        seen.add(reference.key)
    if references and not any(reference.key for reference in references):
        citations.bring_to_keys(article, references, rows["faqs"])
    citations.fill_keys(references)


def _check_markdown(source, article, rows, problems):
    keys = {row.key for row in rows["references"]}
    lines = _body_lines(source.body)
    for message in rendering.check(article.body, keys):
        token = message.split(" ", 1)[0].rstrip(",;:.")
        problems.append(_problem(source.name, source.body_line + lines.get(token, 0), ("body",), message))
    for index, faq in enumerate(rows["faqs"]):
        for message in rendering.check(faq.answer, keys, blocks_allowed=False):
            problems.append(source.problem(("faqs", index, "answer"), message))


MARKED = re.compile(r"\[\^[^\]\s]+\]|\[\[[^\]\n]*\]\]|^#(?= |$)")


def _body_lines(body):
    """The line (from the body's first, 0) where each [^key], [[block]] and # heading first appears: the
    messages of rendering.check start with one."""
    first = {}
    for number, text in enumerate(body.split("\n")):
        for mark in MARKED.findall(text):
            first.setdefault("Use" if mark == "#" else mark, number)  # "Use ## for section headings..."
    return first
