"""Articles as Markdown files with YAML front matter, out and back in.

The front matter holds everything but the body: metadata, the byline's
contributors, topics, and every row (key points, supplement forms, food
sources, FAQs, references); the body follows the closing `---` line.
`dump` writes that file; `load` reads one, checks all of it, and creates or
updates the article inside one transaction, so a bad file changes nothing.
Errors name the file's line and the field at fault.

Dates: an import that creates an article keeps the file's created and
updated times (the article moves between databases unchanged); an import that
updates an existing article is a new edit, so it is updated now.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import reversion
import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import markdown, revisions
from .models import CHILDREN, Article, Contributor, SupplementForm, Topic

ARTICLE_FIELDS = [
    "title",
    "subtitle",
    "slug",
    "status",
    "published_at",
    "created_at",
    "updated_at",
    "last_reviewed_on",
    "lead",
    "summary",
    "meta_description",
    "nutrient_name",
    "daily_value_mg",
    "disclaimer",
]
REQUIRED = ["slug", "author"]  # needed to find the article; the model's validation covers the rest
CONTRIBUTOR_FIELDS = ["slug", "name", "credentials", "role", "kind", "bio", "profile_url"]
TOPIC_FIELDS = ["slug", "name", "description"]
PEOPLE = ["author", "medical_reviewer"]
ROW_FIELDS = {
    name: [f.name for f in model._meta.concrete_fields if f.editable and f.name not in ("id", "article")]
    for name, model in CHILDREN
}
KNOWN = [*ARTICLE_FIELDS, *PEOPLE, "topics", *ROW_FIELDS]
DATETIMES = {"published_at", "created_at", "updated_at"}
BIOAVAILABILITY = {label.lower(): value for value, label in SupplementForm.Bioavailability.choices}


class ImportFailed(Exception):
    """A file that cannot be imported; `problems` are "line N: field: message" sentences."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = problems


# Writing


class Dumper(yaml.SafeDumper):
    pass


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
        return timezone.localtime(value, datetime.timezone.utc).isoformat()
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
    front = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=1_000_000)
    body = article.body.replace("\r\n", "\n")
    return f"---\n{front}---\n{body}\n"


# Reading


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
        where = ".".join(str(p) if isinstance(p, str) else f"[{p + 1}]" for p in path).replace(".[", "[")
        return (
            f"{self.name}:{self.line(*path)}: {where}: {message}" if where else f"{self.name}:{self.line()}: {message}"
        )


def _mark_lines(node, path, lines, offset, problems, name):
    lines[path] = node.start_mark.line + offset
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            key_name = key.value
            if key_name in seen:
                problems.append(f"{name}:{key.start_mark.line + offset}: {key_name}: appears twice.")
            seen.add(key_name)
            _mark_lines(value, (*path, key_name), lines, offset, problems, name)
            lines[(*path, key_name)] = key.start_mark.line + offset
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _mark_lines(item, (*path, index), lines, offset, problems, name)


def parse(text, name):
    """Split and parse the file; raises ImportFailed on anything but a YAML mapping and a body."""
    text = text.replace("\r\n", "\n")
    if not text.startswith("---\n"):
        raise ImportFailed(
            [f"{name}:1: the file must start with a line of three dashes (---) opening the front matter."]
        )
    closing = text.find("\n---\n", 3)
    if closing == -1:
        raise ImportFailed([f"{name}: no closing --- line ends the front matter."])
    front = text[4 : closing + 1]
    body = text[closing + 5 :]
    body = body[:-1] if body.endswith("\n") else body
    body_line = front.count("\n") + 3
    try:
        root = yaml.compose(front, Loader=yaml.SafeLoader)
        data = yaml.safe_load(front)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(error, "problem", None) or str(error)
        raise ImportFailed([f"{name}:{line}: the front matter is not valid YAML: {problem}."]) from error
    if not isinstance(data, dict):
        raise ImportFailed([f"{name}:2: the front matter must be a set of 'field: value' lines."])
    lines, problems = {}, []
    _mark_lines(root, (), lines, 2, problems, name)
    if problems:
        raise ImportFailed(problems)
    return Source(name, data, lines, body, body_line)


def load(text, name="article.md", dry_run=False):
    """Create or update the article the file describes; returns (article, created).

    Everything is checked before anything is kept: on any problem the
    transaction is rolled back and ImportFailed lists every problem found.
    """
    source = parse(text, name)
    with transaction.atomic():
        existing = Article.objects.filter(slug=str(source.data.get("slug", ""))).values_list("pk", flat=True).first()
        if existing is not None:
            revisions.ensure_baseline(existing)
        with reversion.create_revision():
            reversion.set_comment(f"Imported from {name}.")
            article, created = _apply(source)
        if dry_run:
            transaction.set_rollback(True)
    return article, created


def _apply(source):
    data, problems = source.data, []
    for key in data:
        if key not in KNOWN:
            problems.append(source.problem((key,), f"is not a field this site knows ({', '.join(KNOWN)})."))
    for key in REQUIRED:
        if data.get(key) in (None, ""):
            problems.append(source.problem((key,), "is required."))
    if not source.body.strip():
        problems.append(f"{source.name}:{source.body_line}: body: the article's Markdown body is empty.")
    if any(data.get(key) in (None, "") for key in REQUIRED):
        raise ImportFailed(problems)

    people = {name: _contributor(source, name, problems) for name in PEOPLE}
    topics = [_topic(source, index, item, problems) for index, item in enumerate(_items(source, "topics", problems))]
    article = Article.objects.filter(slug=str(data["slug"])).first()
    created = article is None
    if created:
        article = Article()
    for name in ARTICLE_FIELDS:
        if name in data:
            _set(source, article, name, data[name], (name,), problems)
    article.body = source.body
    article.author, article.medical_reviewer = people["author"], people["medical_reviewer"]

    rows = {}
    for name, model in CHILDREN:
        rows[name] = []
        orders = set()
        for index, item in enumerate(_items(source, name, problems)):
            row = model(article=article)
            for field, value in item.items():
                if field not in ROW_FIELDS[name]:
                    problems.append(
                        source.problem(
                            (name, index, field), f"is not a field of {name} ({', '.join(ROW_FIELDS[name])})."
                        )
                    )
                    continue
                _set(source, row, field, value, (name, index, field), problems)
            _validate(source, row, (name, index), problems, exclude=["article"])
            if row.order in orders:
                problems.append(source.problem((name, index, "order"), f"{row.order} is used twice in {name}."))
            orders.add(row.order)
            rows[name].append(row)

    failed = [name for name in PEOPLE if source.data.get(name) is not None and people[name] is None]
    _validate(source, article, (), problems, exclude=["topics", *failed])
    if not problems:
        _check_markdown(source, article, rows, problems)
    if problems:
        skip = len(source.name) + 1  # each problem starts "name:line:"
        raise ImportFailed(sorted(problems, key=lambda problem: int(problem[skip:].split(":", 1)[0])))

    keep = {name: getattr(article, name) for name in ("created_at", "updated_at")} if created else {}
    article.save()
    for name, model in CHILDREN:
        getattr(article, name).all().delete()
        for row in rows[name]:
            row.article = article
            row.save()
    article.topics.set(topics)
    if keep:
        Article.objects.filter(pk=article.pk).update(**{k: v for k, v in keep.items() if v})
    article = Article.objects.for_detail().get(pk=article.pk)
    reversion.add_to_revision(article)
    return article, created


def _items(source, name, problems):
    items = source.data.get(name) or []
    if not isinstance(items, list):
        problems.append(source.problem((name,), "must be a list (each item on a line starting with '- ')."))
        return []
    good = []
    for index, item in enumerate(items):
        if isinstance(item, dict):
            good.append(item)
        else:
            problems.append(source.problem((name, index), "must be a set of 'field: value' lines."))
    return good


def _set(source, instance, name, value, path, problems):
    """Set a field from the file's value, converted to what the model stores."""
    model_field = instance._meta.get_field(name)
    try:
        if value is None:
            value = None if model_field.null else ""
        elif name in DATETIMES:
            value = datetime.datetime.fromisoformat(str(value))
            if timezone.is_naive(value):
                raise ValueError("give a time zone, e.g. 2025-03-18T09:00:00+00:00")
        elif model_field.get_internal_type() == "DateField":
            value = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
        elif model_field.get_internal_type() == "DecimalField":
            value = Decimal(repr(value) if isinstance(value, float) else str(value))
        elif name == "bioavailability":
            value = BIOAVAILABILITY.get(str(value).lower(), value)
            value = int(value)
        elif model_field.get_internal_type() in ("PositiveSmallIntegerField", "PositiveIntegerField"):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError("must be a whole number")
        elif not isinstance(value, str):
            raise ValueError("must be text (put it in quotes)")
    except (ValueError, TypeError, InvalidOperation) as error:
        problems.append(source.problem(path, f"{value!r} cannot be read: {error}."))
        return
    setattr(instance, model_field.attname, value)


def _validate(source, instance, path, problems, exclude):
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            where = (*path, field) if field != "__all__" else path
            problems.extend(source.problem(where, message) for message in messages)


def _contributor(source, role, problems):
    item = source.data.get(role)
    if item is None:
        return None
    if isinstance(item, str):
        item = {"slug": item}
    if not isinstance(item, dict) or not item.get("slug"):
        problems.append(source.problem((role,), "must give the contributor's slug (and name for a new one)."))
        return None
    found = Contributor.objects.filter(slug=str(item["slug"])).first()
    if found is not None:
        return found
    person = Contributor()
    for field, value in item.items():
        if field not in CONTRIBUTOR_FIELDS:
            problems.append(
                source.problem((role, field), f"is not a contributor field ({', '.join(CONTRIBUTOR_FIELDS)}).")
            )
            continue
        _set(source, person, field, value, (role, field), problems)
    before = len(problems)
    _validate(source, person, (role,), problems, exclude=[])
    if len(problems) == before:
        person.save()
        return person
    return None


def _topic(source, index, item, problems):
    found = Topic.objects.filter(slug=str(item.get("slug", ""))).first()
    if found is not None:
        return found
    topic = Topic()
    for field, value in item.items():
        if field not in TOPIC_FIELDS:
            problems.append(
                source.problem(("topics", index, field), f"is not a topic field ({', '.join(TOPIC_FIELDS)}).")
            )
            continue
        _set(source, topic, field, value, ("topics", index, field), problems)
    before = len(problems)
    _validate(source, topic, ("topics", index), problems, exclude=[])
    if len(problems) == before:
        topic.save()
    return topic


def _check_markdown(source, article, rows, problems):
    numbers = {row.order for row in rows["references"]}
    for message in markdown.check(article.body, numbers):
        problems.append(f"{source.name}:{_body_line(source, message)}: body: {message}")
    for index, faq in enumerate(rows["faqs"]):
        for message in markdown.check(faq.answer, numbers, blocks_allowed=False):
            problems.append(source.problem(("faqs", index, "answer"), message))


def _body_line(source, message):
    """The body line holding the first [^N] or [[block]] a message names, else the body's first line."""
    token = message.split(" ", 1)[0].rstrip(",;:.")
    for number, text in enumerate(source.body.split("\n")):
        if token and token in text:
            return source.body_line + number
    return source.body_line
