"""RIS, which Zotero, Mendeley, EndNote and publishers write, through rispy. Each reference is
read on its own, so one broken reference is rejected alone."""

import re
from collections.abc import Iterable

import rispy
from django.core.exceptions import ValidationError

from readings.bibliography.common import authors_of
from readings.bibliography.importing import Candidate
from readings.models import Reading

RIS_TYPES = {
    "paper": "JOUR",
    "blog_post": "BLOG",
    "video": "VIDEO",
    "podcast_episode": "SOUND",
    "book": "BOOK",
    "talk": "SLIDE",
    "other": "GEN",
}
KIND_FROM_RIS = {value: key for key, value in RIS_TYPES.items()} | {
    "EJOUR": "paper",
    "CONF": "paper",
    "CPAPER": "paper",
    "RPRT": "paper",
    "THES": "paper",
    "UNPB": "paper",
    "MANSCPT": "paper",
    "EBOOK": "book",
    "EDBOOK": "book",
    "ELEC": "blog_post",
    "MPCT": "video",
}
_END = re.compile(r"^ER  -.*$", re.MULTILINE)
ARXIV_PREFIX = "arXiv:"


def export(readings: Iterable[Reading]) -> str:
    references = []
    for reading in readings:
        reference = {
            "type_of_reference": RIS_TYPES.get(reading.kind, "GEN"),
            "title": reading.title,
        }
        authors = [
            f"{family}, {given}" if given else family for given, family in authors_of(reading)
        ]
        optional = {
            "authors": authors,
            "year": str(reading.year or ""),
            "secondary_title": reading.source,
            "urls": [reading.url] if reading.url else [],
            "doi": reading.doi,
            "issn": reading.isbn,
            "accession_number": f"{ARXIV_PREFIX}{reading.arxiv_id}" if reading.arxiv_id else "",
            "keywords": sorted(tag.name for tag in reading.tags.all()),
        }
        reference.update({key: value for key, value in optional.items() if value})
        references.append(reference)
    return rispy.dumps(references)


def parse(text: str) -> list[Candidate]:
    chunks = [c for c in _chunks(text) if c.strip()]
    if not any(re.search(r"^TY  - ", c, re.MULTILINE) for c in chunks):
        raise ValidationError({"file": "The file has no RIS references (lines `TY  - ...`)."})
    candidates = []
    for number, chunk in enumerate(chunks, start=1):
        if not re.search(r"^TY  - ", chunk, re.MULTILINE):
            continue  # text between references: EndNote's numbering, blank lines
        try:
            references = rispy.loads(chunk, skip_unknown_tags=True)
        except Exception as error:  # rispy raises many kinds; each is this entry's own
            references, problem = [], str(error)
        else:
            problem = "a reference needs its TY line first and one ER line last"
        if len(references) != 1:
            line = text.replace("\r\n", "\n").find(chunk.strip())
            where = f"line {text[:line].count(chr(10)) + 1}: " if line >= 0 else ""
            candidates.append(Candidate(key=f"reference {number}", error=f"{where}{problem}"))
            continue
        candidates.append(Candidate(key=_key(references[0], number), fields=_fields(references[0])))
    return candidates


def _chunks(text: str) -> list[str]:
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    chunks, start = [], 0
    for end in _END.finditer(text):
        chunks.append(text[start : end.end()] + "\n")
        start = end.end()
    chunks.append(text[start:])  # a last reference without ER is still read
    return chunks


def _key(reference: dict, number: int) -> str:
    return str(reference.get("id") or f"reference {number}")


def _fields(reference: dict) -> dict:
    kind = KIND_FROM_RIS.get(str(reference.get("type_of_reference", "")).upper(), "other")
    authors = []
    for name in reference.get("authors") or reference.get("first_authors") or []:
        # "Family, Given"; a name without a comma is one whole name, as Zotero reads it
        # (an organization, or a name a tool could not split).
        family, _, given = (part.strip() for part in name.partition(","))
        if family:
            authors.append((given, family))
    accession = str(reference.get("accession_number", ""))
    return {
        "title": reference.get("title") or reference.get("primary_title") or "",
        "kind": kind,
        "authors": authors,
        "year": reference.get("year") or reference.get("publication_year") or "",
        "source": reference.get("secondary_title")
        or reference.get("journal_name")
        or reference.get("alternate_title3")
        or reference.get("publisher")
        or "",
        "url": reference.get("urls") or [],
        "doi": reference.get("doi", ""),
        "arxiv_id": accession.removeprefix(ARXIV_PREFIX)
        if accession.startswith(ARXIV_PREFIX)
        else "",
        # SN holds an ISSN for a journal article; only books carry an ISBN there.
        "isbn": reference.get("issn", "") if kind == "book" else "",
        "tags": reference.get("keywords") or [],
    }
