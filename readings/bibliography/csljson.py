"""CSL-JSON, the format of citeproc, Zotero and pandoc: a list of items."""

import json
from collections.abc import Iterable

from django.core.exceptions import ValidationError

from readings.bibliography.common import CSL_TYPES, KIND_FROM_CSL, authors_of, citation_key
from readings.bibliography.importing import Candidate
from readings.models import Reading
from tracker import json_limits


def export_items(readings: Iterable[Reading]) -> list[dict]:
    items, keys = [], set()
    for reading in readings:
        item = {
            "id": citation_key(reading, keys),
            "type": CSL_TYPES.get(reading.kind, "document"),
            "title": reading.title,
            "author": [
                {"given": given, "family": family} if given else {"literal": family}
                for given, family in authors_of(reading)
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
    return items


def export(readings: Iterable[Reading]) -> str:
    return json.dumps(export_items(readings), indent=2, ensure_ascii=False)


def parse(text: str) -> list[Candidate]:
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
    candidates = []
    for number, item in enumerate(items, start=1):
        key = str(item.get("id", f"item {number}")) if isinstance(item, dict) else f"item {number}"
        fields = _fields(item)
        if isinstance(fields, str):
            candidates.append(Candidate(key=key, error=fields))
        else:
            candidates.append(Candidate(key=key, fields=fields))
    return candidates


def _fields(item) -> dict | str:
    if not isinstance(item, dict):
        return "an item must be an object"
    authors = []
    people = item.get("author") or []
    if not isinstance(people, list):
        return "`author` must be a list"
    for person in people:
        if not isinstance(person, dict):
            return "an author must be an object"
        if person.get("family"):
            family = " ".join(
                str(person[p]) for p in ("non-dropping-particle", "family") if person.get(p)
            )
            authors.append((str(person.get("given", "")), family))
        elif person.get("literal"):
            authors.append(("", str(person["literal"])))
    return {
        "title": _text(item.get("title")),
        "kind": KIND_FROM_CSL.get(str(item.get("type", "")), "other"),
        "authors": authors,
        "year": _year(item.get("issued")),
        "source": _text(item.get("container-title") or item.get("publisher")),
        "url": item.get("URL") or "",
        "doi": item.get("DOI") or "",
        "arxiv_id": _text(item.get("archive_location")) if item.get("archive") == "arXiv" else "",
        "isbn": item.get("ISBN") or "",
        "tags": [t.strip() for t in _text(item.get("keyword")).split(",") if t.strip()],
    }


def _text(value) -> str:
    if isinstance(value, list):  # some tools write a list where CSL has one string
        value = value[0] if value else ""
    return str(value or "").strip()


def _year(issued) -> str:
    if not isinstance(issued, dict):
        return _text(issued)
    parts = issued.get("date-parts")
    first = parts[0] if isinstance(parts, list) and parts else None
    if isinstance(first, list) and first:
        return str(first[0])
    return _text(issued.get("raw") or issued.get("literal"))
