"""Readings as bibliographies (BibTeX, CSL-JSON, RIS) and back.

Imports read each entry on its own and report it as added, matched (an existing reading by
DOI, arXiv id, ISBN or normalized title, so importing a file twice adds nothing) or rejected
with the reason and the entry's key. A file with a rejected entry saves nothing until the user
accepts the report; then the good entries are saved, however many the bad ones.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError

from readings.bibliography import bibtex, csljson, importing, ris
from readings.bibliography.importing import EntryReport, ImportReport, normalized_title
from readings.models import Reading
from sessions import selectors as session_selectors

__all__ = ["EntryReport", "ImportReport", "normalized_title"]

FORMATS = ("bibtex", "csljson", "ris")
FORMAT_NAMES = {"bibtex": "BibTeX", "csljson": "CSL-JSON", "ris": "RIS"}
MEDIA_TYPES = {
    "bibtex": "application/x-bibtex; charset=utf-8",
    "csljson": "application/vnd.citationstyles.csl+json; charset=utf-8",
    "ris": "application/x-research-info-systems; charset=utf-8",
}
EXTENSIONS = {"bibtex": "bib", "csljson": "json", "ris": "ris"}
_MODULES = {"bibtex": bibtex, "csljson": csljson, "ris": ris}
# Saving takes about 20 ms an entry on PostgreSQL: a larger file would outlast a web request.
MAX_ENTRIES = 1000


def export(readings: Iterable[Reading], format: str) -> str:
    _check_format(format)
    return _MODULES[format].export(readings)


def export_bibtex(readings: Iterable[Reading]) -> str:
    return bibtex.export(readings)


def export_csljson(readings: Iterable[Reading]) -> str:
    return csljson.export(readings)


def export_ris(readings: Iterable[Reading]) -> str:
    return ris.export(readings)


def may_import_into(user, session) -> bool:
    """Only the course's organizers change a session's reading list."""
    return session_selectors.is_course_organizer(user=user, course=session.course)


def import_readings(
    *,
    text: str,
    format: str,
    user,
    accept_rejections: bool = False,
    dry_run: bool = False,
    session=None,
) -> ImportReport:
    """Parses, checks and matches every entry; saves the good ones unless this is a dry run or
    a rejected entry awaits acceptance. With a session (the caller checked may_import_into),
    the added and matched readings join its reading list too."""
    _check_format(format)
    candidates = _MODULES[format].parse(text)
    if len(candidates) > MAX_ENTRIES:
        message = (
            f"The file holds {len(candidates)} entries; import at most {MAX_ENTRIES} at a time."
        )
        raise ValidationError({"file": message})
    entries = [importing.check(candidate) for candidate in candidates]
    importing.match(entries)
    if dry_run or (any(e.outcome == "rejected" for e in entries) and not accept_rejections):
        return ImportReport(entries=entries, saved=False, session=session)
    importing.save(entries, user=user, session=session)
    return ImportReport(entries=entries, saved=True, session=session)


def _check_format(format: str) -> None:
    if format not in FORMATS:
        raise ValidationError({"format": f"Choose one of: {', '.join(FORMATS)}."})
