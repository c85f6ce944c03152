"""Checking, matching and saving the entries a parser found, one at a time: each entry is
added, matched (an existing reading, or an earlier entry of the file, has its DOI, arXiv id,
ISBN or title) or rejected with the reason, and one bad entry never blocks the others."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from readings import services
from readings.bibliography.common import arxiv_id_inside, first_doi, first_isbn, first_url
from readings.identifiers import normalize_arxiv_id
from readings.models import Author, Reading, Tag
from sessions import services as session_services
from tracker import bounds

# Fields of Reading an import fills; each is checked against the model before anything is saved.
CHECKED_FIELDS = ["title", "kind", "url", "year", "source", "doi", "arxiv_id", "isbn"]
MAX_GIVEN = Author._meta.get_field("given_name").max_length
MAX_FAMILY = Author._meta.get_field("family_name").max_length
MAX_TAG = Tag._meta.get_field("name").max_length


@dataclass
class Candidate:
    """What a parser read from one entry: its fields, or why it could not be read."""

    key: str
    fields: dict | None = None
    error: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class EntryReport:
    key: str
    title: str
    outcome: str  # "added", "matched" or "rejected"
    reason: str = ""
    reading: Reading | None = None
    fields: dict = field(default_factory=dict, repr=False)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    entries: list[EntryReport]
    saved: bool
    session: object = None  # the session whose reading list the readings joined

    def count(self, outcome: str) -> int:
        return sum(1 for entry in self.entries if entry.outcome == outcome)

    @property
    def has_rejections(self) -> bool:
        return self.count("rejected") > 0


def check(candidate: Candidate) -> EntryReport:
    """The entry's fields in the form the model stores, or its rejection with the reason."""
    key, fields, warnings = candidate.key, candidate.fields, list(candidate.warnings)
    if fields is None:
        return EntryReport(key, "", "rejected", candidate.error, warnings=warnings)
    title = str(fields.get("title") or "").strip()
    if not _storable(fields):
        reason = "it holds characters that cannot be stored (a NUL or a lone surrogate)"
        return EntryReport(key, title[:300], "rejected", reason, warnings=warnings)
    if not title:
        return EntryReport(key, "", "rejected", "it has no title", warnings=warnings)
    try:
        fields = _normal_fields(fields, warnings)
    except (ValidationError, ValueError) as error:
        return _rejected(key, title, error, warnings)
    return EntryReport(key, fields["title"], "added", fields=fields, warnings=warnings)


def _normal_fields(fields: dict, warnings: list[str]) -> dict:
    fields = dict(fields, title=str(fields["title"]).strip())
    fields["doi"], _ = first_doi(fields.get("doi", ""))
    fields["isbn"], isbn_warnings = first_isbn(fields.get("isbn", ""))
    warnings += isbn_warnings
    fields["url"] = first_url(fields.get("url", ""))
    fields["arxiv_id"] = normalize_arxiv_id(
        str(fields.get("arxiv_id") or "") or arxiv_id_inside(fields["doi"], fields["url"])
    )
    fields["year"] = _year(fields.get("year"))
    fields["source"] = str(fields.get("source") or "").strip()
    # The model's own limits (lengths, the URL's form, the year's range), named by field.
    Reading(**{name: fields[name] for name in CHECKED_FIELDS}).clean_fields(
        exclude=[f.name for f in Reading._meta.fields if f.name not in CHECKED_FIELDS]
    )
    # One author named twice (a slip some files have) is listed once.
    fields["authors"] = list(dict.fromkeys(tuple(a) for a in fields.get("authors", [])))
    for given, family in fields["authors"]:
        if not family.strip():
            raise ValidationError({"author": "every author needs a family name"})
        if len(given) > MAX_GIVEN or len(family) > MAX_FAMILY:
            raise ValidationError(
                {"author": f"{family[:40]} is longer than an author's name may be"}
            )
    long_tags = [t for t in fields.get("tags", []) if len(" ".join(t.split())) > MAX_TAG]
    if long_tags:
        raise ValidationError({"keywords": f"a keyword is over {MAX_TAG} characters"})
    return fields


def _rejected(key: str, title: str, error, warnings: list[str]) -> EntryReport:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        reason = "; ".join(
            f"{name.replace('_', ' ')}: {' '.join(messages)}"
            for name, messages in error.message_dict.items()
        )
    else:
        reason = "; ".join(getattr(error, "messages", [str(error)]))
    return EntryReport(key, title[:300], "rejected", reason, warnings=warnings)


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
    found = re.search(r"-?\d+", str(value))  # "2019", "2019-02-14", "2019///"
    if not found:
        raise ValueError(f"{str(value)[:40]} is not a year")
    year = int(found.group(0)[:6])
    if not bounds.publication_year_in_range(year):
        raise ValueError(
            f"{str(value)[:40]} is not a plausible year ({bounds.PUBLICATION_MESSAGE})"
        )
    return year


def normalized_title(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", re.sub(r"[{}]", "", title).lower()).strip()


def match(entries: list[EntryReport]) -> None:
    """Marks entries that an existing reading (or an earlier entry of the file) already covers."""
    existing = {}
    for reading in Reading.objects.only("id", "title", "doi", "arxiv_id", "isbn", "slug"):
        for key in _match_keys(reading.doi, reading.arxiv_id, reading.isbn, reading.title):
            existing.setdefault(key, reading)
    seen = set()
    for entry in entries:
        if entry.outcome != "added":
            continue
        fields = entry.fields
        keys = _match_keys(fields["doi"], fields["arxiv_id"], fields["isbn"], entry.title)
        found = next((existing[k] for k in keys if k in existing), None)
        if found is not None:
            entry.outcome, entry.reading, entry.reason = "matched", found, "already in the library"
        elif seen & set(keys):
            entry.outcome, entry.reason = "matched", "appears earlier in this file"
        seen |= set(keys)


def _match_keys(doi: str, arxiv_id: str, isbn: str, title: str) -> list[str]:
    unversioned_arxiv = re.sub(r"v\d+$", "", arxiv_id)
    keys = [
        f"doi:{doi}" if doi else "",
        f"arxiv:{unversioned_arxiv}" if arxiv_id else "",
        f"isbn:{isbn}" if isbn else "",
    ]
    return [k for k in keys if k] + [f"title:{normalized_title(title)}"]


def save(entries: list[EntryReport], *, user, session=None) -> None:
    """Adds each entry on its own: one the database still refuses (another import took its
    DOI meanwhile) is rejected alone. With a session, the added and matched
    readings join the end of its reading list."""
    with transaction.atomic():
        for entry in entries:
            if entry.outcome != "added":
                continue
            fields = {k: v for k, v in entry.fields.items() if k != "title"}
            try:  # reading_create runs in a savepoint of its own: a failure undoes only it
                entry.reading = services.reading_create(added_by=user, title=entry.title, **fields)
            except ValidationError as error:
                _reject_after_check(entry, error)
            except IntegrityError:
                refused = "another reading took its DOI, arXiv id or ISBN meanwhile"
                _reject_after_check(entry, ValidationError(refused))
        if session is not None:
            _add_to_session(session, entries)


def _reject_after_check(entry: EntryReport, error: ValidationError) -> None:
    rejected = _rejected(entry.key, entry.title, error, entry.warnings)
    entry.outcome, entry.reason, entry.reading = "rejected", rejected.reason, None


def _add_to_session(session, entries: list[EntryReport]) -> None:
    listed = [
        {"reading": attached.reading, "role": attached.role}
        for attached in session.session_readings.select_related("reading")
    ]
    listed_ids = {item["reading"].pk for item in listed}
    for entry in entries:
        reading = entry.reading
        if reading is not None and reading.pk and reading.pk not in listed_ids:
            listed.append({"reading": reading, "role": "optional"})
            listed_ids.add(reading.pk)
    session_services.session_update(session=session, readings=listed)
