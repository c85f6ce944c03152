"""Readings as bibliographies (BibTeX through bibtexparser, and CSL-JSON) and back.

Imports match existing readings by DOI, arXiv id or normalized title, so importing a file twice
adds nothing. A file with a broken entry saves nothing until the user accepts the report.
"""

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import bibtexparser
from bibtexparser.bibdatabase import BibDatabase
from bibtexparser.bparser import BibTexParser
from bibtexparser.bwriter import BibTexWriter
from django.core.exceptions import ValidationError
from django.db import transaction

from readings import services
from readings.identifiers import normalize_arxiv_id, normalize_doi, normalize_isbn
from readings.models import Reading
from tracker import bounds, json_limits

FORMATS = ("bibtex", "csljson")
BIBTEX_TYPES = {"paper": "article", "book": "book"}
CSL_TYPES = {
    "paper": "article-journal",
    "blog_post": "post-weblog",
    "video": "motion_picture",
    "podcast_episode": "broadcast",
    "book": "book",
    "talk": "speech",
    "other": "document",
}
KIND_FROM_CSL = {value: key for key, value in CSL_TYPES.items()} | {
    "article": "paper",
    "paper-conference": "paper",
    "report": "paper",
    "webpage": "blog_post",
    "post": "blog_post",
}
KIND_FROM_BIBTEX = {"article": "paper", "inproceedings": "paper", "book": "book", "misc": "other"}


# Export


def export_bibtex(readings: Iterable[Reading]) -> str:
    database = BibDatabase()
    keys: set[str] = set()
    for reading in readings:
        entry = {"ENTRYTYPE": _bibtex_type(reading), "ID": _citation_key(reading, keys)}
        entry["title"] = "{" + reading.title + "}"  # braces keep the title's capitals
        authors = _authors(reading)
        if authors:
            entry["author"] = " and ".join(
                f"{family}, {given}" if given else "{" + family + "}" for given, family in authors
            )
        if reading.year:
            entry["year"] = str(reading.year)
        if reading.source:
            entry["publisher" if reading.kind == "book" else "journal"] = reading.source
        for name, value in (
            ("url", reading.url),
            ("doi", reading.doi),
            ("isbn", reading.isbn),
        ):
            if value:
                entry[name] = value
        if reading.arxiv_id:
            entry.update(eprint=reading.arxiv_id, archiveprefix="arXiv")
        tags = [tag.name for tag in reading.tags.all()]
        if tags:
            entry["keywords"] = ", ".join(sorted(tags))
        database.entries.append(entry)
    writer = BibTexWriter()
    writer.order_entries_by = None
    return bibtexparser.dumps(database, writer)


def export_csljson(readings: Iterable[Reading]) -> str:
    items, keys = [], set()
    for reading in readings:
        item = {
            "id": _citation_key(reading, keys),
            "type": CSL_TYPES.get(reading.kind, "document"),
            "title": reading.title,
            "author": [
                {"given": given, "family": family} if given else {"literal": family}
                for given, family in _authors(reading)
            ],
        }
        if reading.year:
            item["issued"] = {"date-parts": [[reading.year]]}
        optional = {
            "container-title": reading.source,
            "URL": reading.url,
            "DOI": reading.doi,
            "ISBN": reading.isbn,
            "keyword": ", ".join(sorted(tag.name for tag in reading.tags.all())),
        }
        item.update({key: value for key, value in optional.items() if value})
        if reading.arxiv_id:
            item.update(archive="arXiv", archive_location=reading.arxiv_id)
        items.append(item)
    return json.dumps(items, indent=2, ensure_ascii=False)


def _authors(reading: Reading) -> list[tuple[str, str]]:
    return [(a.author.given_name, a.author.family_name) for a in reading.authorships.all()]


def _bibtex_type(reading: Reading) -> str:
    if reading.kind == "paper" and not reading.source and reading.arxiv_id:
        return "misc"
    return BIBTEX_TYPES.get(reading.kind, "misc")


def _citation_key(reading: Reading, taken: set[str]) -> str:
    authors = _authors(reading)
    family = _ascii_word(authors[0][1]) if authors else "anon"
    first_word = next(
        (w for w in map(_ascii_word, reading.title.split()) if len(w) > 3), "untitled"
    )
    base = f"{family}{reading.year or ''}{first_word}"
    key, suffix = base, ord("a")
    while key in taken:
        key, suffix = f"{base}{chr(suffix)}", suffix + 1
    taken.add(key)
    return key


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


# Import


@dataclass
class EntryReport:
    key: str
    title: str
    outcome: str  # "added", "matched" or "rejected"
    reason: str = ""
    reading: Reading | None = None
    fields: dict = field(default_factory=dict, repr=False)


@dataclass
class ImportReport:
    entries: list[EntryReport]
    saved: bool

    def count(self, outcome: str) -> int:
        return sum(1 for entry in self.entries if entry.outcome == outcome)

    @property
    def has_rejections(self) -> bool:
        return self.count("rejected") > 0


def import_readings(
    *, text: str, format: str, user, accept_rejections: bool = False
) -> ImportReport:
    """Parses, matches and (unless a rejected entry awaits acceptance) saves, all or nothing."""
    if format not in FORMATS:
        raise ValidationError({"format": f"Choose one of: {', '.join(FORMATS)}."})
    candidates = _parse_bibtex(text) if format == "bibtex" else _parse_csljson(text)
    entries = [_check(candidate) for candidate in candidates]
    _match(entries)
    if any(e.outcome == "rejected" for e in entries) and not accept_rejections:
        return ImportReport(entries=entries, saved=False)
    with transaction.atomic():
        for entry in entries:
            if entry.outcome == "added":
                entry.reading = services.reading_create(added_by=user, **entry.fields)
    return ImportReport(entries=entries, saved=True)


def _parse_bibtex(text: str) -> list[tuple[str, dict | str]]:
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False)
    parser.homogenize_fields = True
    try:
        database = bibtexparser.loads(text, parser=parser)
    except Exception as error:  # the parser raises many kinds; each means a broken file
        raise ValidationError({"file": f"This BibTeX could not be read ({error})."}) from error
    # Entries the parser could not read at all vanish from its output: count '@' to notice them.
    declared = len(re.findall(r"^\s*@(?!comment|preamble|string)\w+\s*[{(]", text, re.M | re.I))
    results = [(e.get("ID", "?"), _from_bibtex(e)) for e in database.entries]
    for missing in range(max(0, declared - len(results))):
        results.append((f"entry-{len(results) + 1 + missing}", "this entry could not be parsed"))
    if not results:
        raise ValidationError({"file": "The file has no BibTeX entries."})
    return results


def _from_bibtex(entry: dict) -> dict | str:
    title = _strip_braces(entry.get("title", ""))
    if not title:
        return "it has no title"
    authors = []
    for name in re.split(r"\s+and\s+", (entry.get("author") or "").strip()):
        name = name.strip()
        if not name:
            continue
        if name.startswith("{") and name.endswith("}"):
            authors.append(("", name[1:-1]))
        elif "," in name:
            family, given = (part.strip() for part in name.split(",", 1))
            authors.append((_strip_braces(given), _strip_braces(family)))
        else:
            *given, family = name.split()
            authors.append((_strip_braces(" ".join(given)), _strip_braces(family)))
    arxiv = entry.get("eprint", "") if entry.get("archiveprefix", "").lower() == "arxiv" else ""
    return {
        "title": title,
        "kind": KIND_FROM_BIBTEX.get(entry.get("ENTRYTYPE", "misc").lower(), "other"),
        "authors": authors,
        "year": entry.get("year", ""),
        "source": _strip_braces(
            entry.get("journal") or entry.get("booktitle") or entry.get("publisher", "")
        ),
        "url": entry.get("url", ""),
        "doi": entry.get("doi", ""),
        "arxiv_id": arxiv,
        "isbn": entry.get("isbn", ""),
        "tags": [t.strip() for t in _keywords(entry).split(",") if t.strip()],
    }


def _parse_csljson(text: str) -> list[tuple[str, dict | str]]:
    try:
        items = json_limits.loads(text)
    except json.JSONDecodeError as error:
        message = f"This is not JSON ({error.msg}, line {error.lineno})."
        raise ValidationError({"file": message}) from error
    except json_limits.JSONTooDeep as error:
        raise ValidationError({"file": f"This CSL-JSON cannot be read: {error}."}) from None
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or not items:
        raise ValidationError({"file": "CSL-JSON is a list of items; this file has none."})
    return [
        (
            str(item.get("id", f"item-{n}")) if isinstance(item, dict) else f"item-{n}",
            _from_csl(item),
        )
        for n, item in enumerate(items, start=1)
    ]


def _from_csl(item) -> dict | str:
    if not isinstance(item, dict):
        return "an item must be an object"
    title = str(item.get("title", "")).strip()
    if not title:
        return "it has no title"
    authors = []
    for person in item.get("author", []) or []:
        if not isinstance(person, dict):
            return "an author must be an object"
        if person.get("family"):
            authors.append((str(person.get("given", "")), str(person["family"])))
        elif person.get("literal"):
            authors.append(("", str(person["literal"])))
    issued = item.get("issued")
    parts = issued.get("date-parts") if isinstance(issued, dict) else None
    first = parts[0] if isinstance(parts, list) and parts else None
    year = first[0] if isinstance(first, list) and first else None
    arxiv = item.get("archive_location", "") if item.get("archive") == "arXiv" else ""
    return {
        "title": title,
        "kind": KIND_FROM_CSL.get(item.get("type", ""), "other"),
        "authors": authors,
        "year": year or "",
        "source": str(item.get("container-title", "")),
        "url": str(item.get("URL", "")),
        "doi": str(item.get("DOI", "")),
        "arxiv_id": str(arxiv),
        "isbn": str(item.get("ISBN", "")),
        "tags": [t.strip() for t in str(item.get("keyword", "")).split(",") if t.strip()],
    }


def _check(candidate: tuple[str, dict | str]) -> EntryReport:
    key, fields = candidate
    if isinstance(fields, str):
        return EntryReport(key=key, title="", outcome="rejected", reason=fields)
    if not _storable(fields):
        reason = "it holds characters that cannot be stored (a NUL or a lone surrogate)"
        return EntryReport(key=key, title="", outcome="rejected", reason=reason)
    try:
        fields["arxiv_id"] = normalize_arxiv_id(fields["arxiv_id"])
        fields["doi"] = normalize_doi(fields["doi"])
        fields["isbn"] = normalize_isbn(fields["isbn"])
        fields["year"] = _year(fields["year"])
    except (ValidationError, ValueError) as error:
        reason = "; ".join(getattr(error, "messages", [str(error)]))
        return EntryReport(key=key, title=fields["title"], outcome="rejected", reason=reason)
    if not fields["year"]:
        fields["year"] = None
    return EntryReport(key=key, title=fields["title"], outcome="added", fields=fields)


def _storable(value) -> bool:
    """False when a string anywhere in the entry holds a NUL or a lone surrogate, which no
    database column takes."""
    if isinstance(value, str):
        return "\x00" not in value and not re.search("[\ud800-\udfff]", value)
    if isinstance(value, dict):
        return all(_storable(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(_storable(v) for v in value)
    return True


def _year(value) -> int | None:
    if value in ("", None):
        return None
    year = int(str(value).strip()[:4])
    if not bounds.publication_year_in_range(year):
        raise ValueError(
            f"{str(value)[:40]} is not a plausible year ({bounds.PUBLICATION_MESSAGE})"
        )
    return year


def normalized_title(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", _strip_braces(title).lower()).strip()


def _match(entries: list[EntryReport]) -> None:
    """Marks entries that an existing reading (or an earlier entry of the file) already covers."""
    existing = {}
    for reading in Reading.objects.only("id", "title", "doi", "arxiv_id", "slug"):
        for key in _match_keys(reading.doi, reading.arxiv_id, reading.title):
            existing.setdefault(key, reading)
    seen = set()
    for entry in entries:
        if entry.outcome != "added":
            continue
        keys = _match_keys(entry.fields["doi"], entry.fields["arxiv_id"], entry.title)
        match = next((existing[k] for k in keys if k in existing), None)
        if match is not None:
            entry.outcome, entry.reading, entry.reason = "matched", match, "already in the library"
        elif seen & set(keys):
            entry.outcome, entry.reason = "matched", "appears earlier in this file"
        seen |= set(keys)


def _match_keys(doi: str, arxiv_id: str, title: str) -> list[str]:
    unversioned_arxiv = re.sub(r"v\d+$", "", arxiv_id)
    keys = [f"doi:{doi}" if doi else "", f"arxiv:{unversioned_arxiv}" if arxiv_id else ""]
    return [k for k in keys if k] + [f"title:{normalized_title(title)}"]


def _strip_braces(text: str) -> str:
    return re.sub(r"[{}]", "", text or "").strip()


def _keywords(entry: dict) -> str:
    # bibtexparser's field homogenizing renames `keywords` to `keyword`.
    return entry.get("keyword") or entry.get("keywords") or ""


# Downloads: what a page or the API sends for each format.

MEDIA_TYPES = {
    "bibtex": "application/x-bibtex; charset=utf-8",
    "csljson": "application/vnd.citationstyles.csl+json; charset=utf-8",
}
EXTENSIONS = {"bibtex": "bib", "csljson": "json"}


def export(readings: Iterable[Reading], format: str) -> str:
    if format not in FORMATS:
        raise ValidationError({"format": f"Choose one of: {', '.join(FORMATS)}."})
    return export_bibtex(readings) if format == "bibtex" else export_csljson(readings)
