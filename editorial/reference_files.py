"""References read from the files reference managers and PubMed export: BibTeX, RIS and PubMed (MEDLINE, .nbib).

`parse(text)` finds the format, reads every record and returns them as dicts of
the Reference fields (FIELDS), authors in AMA form ("Castiglioni S, Maier JAM"),
pages in full ("3022-3033") and the DOI bare; or raises `FileProblem` with a
message for the editor. The work is linear in the text, which is at most
MAX_CHARS characters and MAX_RECORDS records: BibTeX is split by bibtexparser 2
(a scanner that reads each character once) and only the fields used here are
decoded from LaTeX (pylatexenc), each with its braces nested a few levels at most;
RIS is read by rispy once its continuation lines are joined here; MEDLINE by hand.
"""

import re

import bibtexparser
import rispy
from bibtexparser.middlewares import RemoveEnclosingMiddleware, ResolveStringReferencesMiddleware
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry, ParsingFailedBlock
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from pylatexenc.latex2text import LatexNodes2Text

from articles import citations
from articles.models import Reference

MAX_CHARS = 200_000
MAX_RECORDS = 200
MAX_BRACE_DEPTH = 8
MAX_BIBTEX_BLOCKS = 1000
MAX_LATEX_COMMANDS = 5000
FIELDS = ("authors", "title", "publisher", "year", "volume", "issue", "pages", "doi", "pmid", "url")
FORMAT_NAMES = {"bibtex": "BibTeX", "ris": "RIS", "medline": "PubMed (MEDLINE)"}
ET_AL = "et al."


class FileProblem(ValueError):
    """What is wrong with a file of references, said for the editor."""

    @property
    def message(self):
        return str(self.args[0])


def parse(text):
    """The reference records in `text` (BibTeX, RIS or MEDLINE), each a dict of FIELDS."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text.strip():
        raise FileProblem("There is nothing to read: paste the records or choose a file.")
    if len(text) > MAX_CHARS:
        raise FileProblem(
            f"This text has {len(text):,} characters; at most {MAX_CHARS:,} can be read at once. "
            "Add the references in smaller batches."
        )
    kind = detect(text)
    records = READERS[kind](text)
    name = FORMAT_NAMES[kind]
    if not records:
        raise FileProblem(f"No {name} record was found in this text.")
    if len(records) > MAX_RECORDS:
        raise FileProblem(
            f"This text has {len(records)} records; at most {MAX_RECORDS} can be added at once. "
            "Add them in smaller batches."
        )
    for number, record in enumerate(records, start=1):
        if not record["title"]:
            raise FileProblem(f"{name} record {number} of {len(records)} has no title{described(record)}.")
    return records


def described(record):
    """Who wrote the record and when, to find it in the file: " (Castiglioni S, 2013)" or ""."""
    first = record["authors"].split(", ")[0] if record["authors"] else ""
    said = ", ".join(str(part) for part in (first, record["year"]) if part)
    return f" ({said})" if said else ""


BIBTEX_START_RE = re.compile(r"@[A-Za-z]+[ \t]*[{(]")


def detect(text):
    """ "bibtex", "ris" or "medline", by the first line that starts a record in one of them."""
    for line in text.split("\n"):
        start = line.lstrip()
        if start.startswith("PMID-"):
            return "medline"
        if start.startswith("TY  -"):
            return "ris"
        if BIBTEX_START_RE.match(start):
            return "bibtex"
    raise FileProblem(
        "This is not a format that can be read. Paste or upload BibTeX (@article{...}), "
        "RIS (TY  - JOUR ... ER  -) or PubMed (MEDLINE) records (PMID- ...), as reference managers "
        "and PubMed's “Send to: Citation manager” export them."
    )


def empty_record():
    """A record with every field blank; `citation_key` is the key the file gives it, if any."""
    return dict.fromkeys(FIELDS, "") | {"year": None, "citation_key": ""}


# Authors in AMA form: family name, then initials without periods, then a suffix.

INITIALS_RE = re.compile(r"[A-Z]{1,4}")
SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "v"}


def initials(given):
    """ "Jeanette A. M." -> "JAM", "Jean-Pierre" -> "JP", "JA" -> "JA"."""
    letters = []
    for word in re.split(r"[\s.\-\u2010\u2011]+", given):
        if INITIALS_RE.fullmatch(word) and len(word) <= 3:
            letters.append(word)  # already initials
        elif word and word[0].isalpha():
            letters.append(word[0].upper())
    return "".join(letters)


def ama_name(family, given="", suffix=""):
    """ "Maier", "Jeanette A M" -> "Maier JAM"; "Smith", "John", "Jr." -> "Smith J Jr"."""
    parts = (squeeze(family), initials(given), squeeze(suffix).rstrip("."))
    return " ".join(part for part in parts if part)


def name_with_commas(name):
    """A RIS or MEDLINE name, "Family, Given" or "Family, Given, Suffix", in AMA form; without a comma,
    one in AMA form already ("Castiglioni S") or a group's ("World Health Organization"), kept as it is."""
    family, _, rest = name.partition(",")
    if not rest.strip():
        return squeeze(family)
    given, _, suffix = rest.partition(",")
    words = given.split()
    if not suffix and len(words) > 1 and words[-1].strip(".").lower() in SUFFIXES:
        given, suffix = " ".join(words[:-1]), words[-1]  # "Smith, John Jr"
    return ama_name(family, given, suffix)


def author_list(names):
    """The names joined with ", "; past the field's length, the first three and "et al." as AMA style has it."""
    names = [name for name in names if name]
    joined = ", ".join(names)
    limit = Reference._meta.get_field("authors").max_length
    if len(joined) > limit and len(names) > 3:
        joined = ", ".join([*names[:3], ET_AL])
    return joined


# Values

YEAR_RE = re.compile(r"\d{4}")
DOI_PREFIX_RE = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)
PAGE_RANGE_RE = re.compile(r"(\d+)-(\d+)")


def squeeze(value):
    """Whitespace (no-break spaces too) collapsed to single spaces."""
    return " ".join(str(value or "").split())


def year_of(value):
    """The first four-digit number in a date ("2013 Jul 31", "2013///", "2013-07-31"), or None."""
    match = YEAR_RE.search(str(value or ""))
    return int(match.group()) if match and 1000 <= int(match.group()) <= 2999 else None


def bare_doi(value):
    """ "https://doi.org/10.3390/nu5083022" -> "10.3390/nu5083022"."""
    value = squeeze(value)
    if DOI_PREFIX_RE.match(value):
        value = value[DOI_PREFIX_RE.match(value).end() :].strip()
    return value


def full_pages(value):
    """Page ranges in full with a hyphen: "3022--3033" and "3022-33" -> "3022-3033"; "e1234" as it is."""
    value = squeeze(value)
    for dash in ("--", "\u2013", "\u2014", "\u2212"):
        value = value.replace(dash, "-")
    value = value.replace(" -", "-").replace("- ", "-")
    match = PAGE_RANGE_RE.fullmatch(value)
    if match and len(match.group(2)) < len(match.group(1)):
        first, last = match.groups()
        value = f"{first}-{first[: len(first) - len(last)]}{last}"
    return value


def pages_from(start, end):
    start, end = squeeze(start), squeeze(end)
    return full_pages(f"{start}-{end}" if start and end and "-" not in start else start or end)


# BibTeX

LATEX = LatexNodes2Text()
UNESCAPED_RE = re.compile(r"(?<!\\)([&%#])")
ESCAPE_RE = re.compile(r"\\([^A-Za-z0-9\s])")
URL_COMMAND_RE = re.compile(r"\\(?:url|href)\s*")


def brace_depth(value):
    depth = deepest = 0
    for char in value:
        if char == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif char == "}":
            depth -= 1
    return deepest


def latex_text(value, what="A field"):
    """Text of a BibTeX value written in LaTeX: M{\\"u}ller -> Müller, {DNA} -> DNA, $\\alpha$ -> α."""
    value = str(value or "")
    if "\\" not in value and "$" not in value:
        return squeeze(value.replace("{", "").replace("}", "").replace("~", " ").replace("--", "\u2013"))
    if brace_depth(value) > MAX_BRACE_DEPTH or "\\begin" in value:
        raise FileProblem(f"{what} is written in LaTeX too complex to read: {value[:60]}…")
    return squeeze(LATEX.latex_to_text(UNESCAPED_RE.sub(r"\\\1", value)))


def verbatim(value):
    """A URL or DOI as written in BibTeX: braces and \\url dropped, \\_ and \\% unescaped."""
    return squeeze(ESCAPE_RE.sub(r"\1", URL_COMMAND_RE.sub("", str(value or ""))).replace("{", "").replace("}", ""))


def bibtex_authors(value, what):
    """The names in AMA form; only as many as the field can hold are decoded (author_list)."""
    names, length = [], 0
    limit = Reference._meta.get_field("authors").max_length
    for raw in split_multiple_persons_names(str(value or "")):
        if length > limit and len(names) > 3:
            names.append(ET_AL)  # more than fit: the first three and "et al." are kept
            break
        if raw.strip().lower() == "others":
            names.append(ET_AL)
            continue
        parts = parse_single_name_into_parts(raw, strict=False)
        names.append(
            ama_name(
                latex_text(" ".join(parts.von + parts.last), what),
                latex_text(" ".join(parts.first), what),
                latex_text(" ".join(parts.jr), what),
            )
        )
        length += len(names[-1]) + 2
    return author_list(names)


def first_of(fields, *names):
    return next((fields[name] for name in names if str(fields.get(name) or "").strip()), "")


def bibtex_record(entry):
    fields = {field.key.lower(): field.value for field in entry.fields}
    what = f"The BibTeX record “{entry.key}”"
    howpublished = str(fields.get("howpublished") or "")
    url = first_of(fields, "url") or (howpublished if "http" in howpublished else "")
    eprint = first_of(fields, "eprint") if str(fields.get("eprinttype", "")).lower() == "pubmed" else ""
    source = ("shortjournal", "journal", "journaltitle", "booktitle", "publisher", "organization", "institution")
    return empty_record() | {
        "authors": bibtex_authors(first_of(fields, "author", "editor"), what),
        "title": latex_text(first_of(fields, "title"), what).rstrip("."),
        "publisher": latex_text(first_of(fields, *source) or ("" if url else howpublished), what),
        "year": year_of(first_of(fields, "year", "date")),
        "volume": latex_text(first_of(fields, "volume"), what),
        "issue": latex_text(first_of(fields, "number", "issue"), what),
        "pages": full_pages(verbatim(first_of(fields, "pages"))),
        "doi": bare_doi(verbatim(first_of(fields, "doi"))),
        "pmid": verbatim(first_of(fields, "pmid") or eprint),
        "url": verbatim(url),
        "citation_key": entry.key,
    }


def bibtex_entries(text):
    """The entries of a BibTeX text in their order; FileProblem for the first that cannot be read."""
    library = bibtexparser.parse_string(
        text, parse_stack=[ResolveStringReferencesMiddleware(), RemoveEnclosingMiddleware()]
    )
    entries = []
    for each in library.blocks:
        # Two records with one key: both are read.
        block = each.ignore_error_block if isinstance(each, DuplicateBlockKeyBlock) else each
        if isinstance(block, Entry):
            entries.append(block)
        elif isinstance(block, DuplicateFieldKeyBlock):
            twice = ", ".join(f"“{key}”" for key in sorted(block.duplicate_keys))
            raise FileProblem(f"The BibTeX record on line {block.start_line + 1} has {twice} more than once.")
        elif isinstance(block, ParsingFailedBlock):
            reason = getattr(block.error, "abort_reason", None) or str(block.error)
            raise FileProblem(f"The BibTeX record on line {block.start_line + 1} could not be read: {reason.strip()}")
    return entries


BLOCK_LINE_RE = re.compile(r"^[ \t]*@[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
DECODED = ("author", "editor", "title", "shortjournal", "journal", "journaltitle", "booktitle", "publisher")
DECODED += ("organization", "institution", "howpublished", "volume", "number", "issue")


def bibtex_records(text):
    blocks = len(BLOCK_LINE_RE.findall(text))
    if blocks > MAX_BIBTEX_BLOCKS:
        raise FileProblem(
            f"This text has {blocks:,} BibTeX blocks (records, @string and @comment); at most "
            f"{MAX_BIBTEX_BLOCKS:,} can be read at once. Add the references in smaller batches."
        )
    entries = bibtex_entries(text)
    if len(entries) > MAX_RECORDS:
        return entries  # parse() says there are too many, before any is decoded
    commands = sum(
        str(field.value).count("\\") for entry in entries for field in entry.fields if field.key.lower() in DECODED
    )
    if commands > MAX_LATEX_COMMANDS:
        raise FileProblem(
            f"These records have {commands:,} LaTeX commands in their authors, titles and sources; at most "
            f"{MAX_LATEX_COMMANDS:,} can be read at once. Add the references in smaller batches."
        )
    return [bibtex_record(entry) for entry in entries]


# RIS

RIS_TAG_RE = re.compile(r"[A-Z][A-Z0-9]  -")
WEB_TYPES = {"ELEC", "WEB", "BLOG"}


def joined_ris_lines(text):
    """The RIS text with each continuation line joined to its tagged line (rispy would join them
    by copying the value once per line); FileProblem for a record that does not end."""
    lines, opened = [], None
    for number, line in enumerate(text.split("\n"), start=1):
        if RIS_TAG_RE.match(line) or not lines:
            lines.append([line.rstrip()])
            tag = line[:2]
            if tag == "TY" and opened:
                raise unended_ris(opened)
            opened = number if tag == "TY" else None if tag == "ER" else opened
        elif line.strip():
            lines[-1].append(line.strip())
    if opened:
        raise unended_ris(opened)
    return "\n".join(" ".join(parts) for parts in lines)


def unended_ris(line):
    return FileProblem(f"The RIS record that starts on line {line} has no end: each record ends with a line “ER  - ”.")


def ris_record(fields):
    def one(*keys):
        value = first_of(fields, *keys)
        return squeeze(value[0] if isinstance(value, list) else value)

    authors = fields.get("authors") or fields.get("first_authors") or []
    doi = bare_doi(one("doi"))
    urls = [url for url in fields.get("urls", []) if url.startswith(("http://", "https://")) and bare_doi(url) != doi]
    database = one("name_of_database").lower()
    accession = one("accession_number")
    web = one("type_of_reference") in WEB_TYPES
    source = ("publisher",) if web else ("alternate_title1", "alternate_title2", "journal_name", "secondary_title")
    return empty_record() | {
        "authors": author_list([name_with_commas(name) for name in authors]),
        "title": one("title", "primary_title", "short_title").rstrip("."),
        "publisher": one(*source, "alternate_title3", "secondary_title", "publisher"),
        "year": year_of(one("year", "publication_year", "date")),
        "volume": one("volume"),
        "issue": one("number"),
        "pages": pages_from(one("start_page"), one("end_page")),
        "doi": doi,
        "pmid": accession if accession.isdigit() and ("pubmed" in database or "medline" in database) else "",
        "url": urls[0] if urls else "",
    }


def ris_records(text):
    return [ris_record(fields) for fields in rispy.loads(joined_ris_lines(text), skip_unknown_tags=True)]


# PubMed (MEDLINE): "TAG - value" lines, values going on in lines indented by six spaces.

MEDLINE_LINE_RE = re.compile(r"([A-Z]{2,4}) *- ?(.*)")
ID_KIND_RE = re.compile(r"(\S+) \[(\w+)\]")


def medline_fields(text):
    """Each record's (tag, value) pairs, its values' lines joined."""
    records = []
    for number, line in enumerate(text.split("\n"), start=1):
        match = MEDLINE_LINE_RE.fullmatch(line.rstrip())
        if match and match.group(1) == "PMID":
            records.append([])
        if not records or not line.strip():
            continue
        if match:
            records[-1].append((match.group(1), [match.group(2).strip()]))
        elif line.startswith("      ") and records[-1]:
            records[-1][-1][1].append(line.strip())
        else:
            raise FileProblem(
                f"Line {number} is not part of a PubMed (MEDLINE) record: each line starts with a tag "
                f"(such as “TI  - ”) or six spaces. It reads: {line[:60]}"
            )
    return [[(tag, " ".join(parts)) for tag, parts in record] for record in records]


def medline_record(pairs):
    fields = {}
    for tag, value in pairs:
        fields.setdefault(tag, []).append(value)

    def one(*tags):
        return squeeze(next((fields[tag][0] for tag in tags if tag in fields), ""))

    ids = [ID_KIND_RE.fullmatch(value.strip()) for value in fields.get("LID", []) + fields.get("AID", [])]
    dois = [match.group(1) for match in ids if match and match.group(2) == "doi"]
    if "FAU" in fields:
        names = [name_with_commas(name) for name in fields["FAU"]]
    else:
        names = [squeeze(name) for name in fields.get("AU", [])]
    return empty_record() | {
        "authors": author_list(names + [squeeze(name) for name in fields.get("CN", [])]),
        "title": one("TI", "BTI").rstrip("."),
        "publisher": one("TA", "JT", "PB"),
        "year": year_of(one("DP")),
        "volume": one("VI"),
        "issue": one("IP"),
        "pages": full_pages(one("PG")),
        "doi": bare_doi(dois[0]) if dois else "",
        "pmid": one("PMID"),
    }


def medline_records(text):
    return [medline_record(pairs) for pairs in medline_fields(text)]


READERS = {"bibtex": bibtex_records, "ris": ris_records, "medline": medline_records}


# Rows for the article's form

MAX_FILE_BYTES = MAX_CHARS


def read_upload(upload):
    """The text of an uploaded file (UTF-8, or Windows-1252 as older reference managers write)."""
    if upload.size > MAX_FILE_BYTES:
        raise FileProblem(
            f"“{upload.name}” has {upload.size:,} bytes; at most {MAX_FILE_BYTES:,} can be read at once. "
            "Add the references in smaller batches."
        )
    content = upload.read()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise FileProblem(f"“{upload.name}” is not a text file: choose a .bib, .ris, .nbib or .txt file.")


def key_for(record, taken):
    """The key the file gives the record, if it is a valid one not taken yet; else one suggested."""
    given = record["citation_key"].strip().lower()
    if given and len(given) <= citations.KEY_MAX_LENGTH and citations.KEY_RE.match(given) and given not in taken:
        return given
    return citations.suggest_key(record["authors"], record["year"], record["title"], taken, record["publisher"])


def problems_of(reference):
    """What the form would refuse in a reference row, as "Field: message" lines."""
    try:
        reference.clean_fields(exclude=["article", "order"])
    except ValidationError as error:
        return [
            f"{capfirst(Reference._meta.get_field(name).verbose_name)}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []


def new_references(records, taken=(), dois=(), pmids=()):
    """The records to add as rows to a form that has references with these keys, DOIs and PMIDs:
    (rows, each with a key of its own; what was skipped as already there; what Save would refuse)."""
    taken, dois, pmids = set(taken), {d.lower() for d in dois if d}, {p for p in pmids if p}
    rows, skipped, notes = [], [], []
    for record in records:
        same = (record["doi"] and record["doi"].lower() in dois and f"DOI {record['doi']}") or (
            record["pmid"] and record["pmid"] in pmids and f"PMID {record['pmid']}"
        )
        if same:
            skipped.append(f"“{record['title']}” is already in the references ({same}).")
            continue
        row = {name: record[name] for name in FIELDS} | {"key": key_for(record, taken)}
        taken.add(row["key"])
        dois.add(row["doi"].lower())
        pmids.add(row["pmid"])
        rows.append(row)
        notes += [f"{row['key']}: {problem}" for problem in problems_of(Reference(**row))]
    return rows, skipped, notes
