"""A course's glossary as an Anki deck (.apkg, genanki) and as CSV, for its members; and the
organizers' anonymous table of which terms the cohort forgets.

The deck's, the note type's and each note's ids and guids are derived from the course's and
terms' ids, never random, so importing a newer export into Anki updates the notes it already
has instead of adding copies."""

import csv
import hashlib
import io
import itertools
import tempfile
from pathlib import Path

import genanki
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.html import escape

from sessions.selectors import course_visible_to, is_course_organizer
from study import selectors
from study.selectors import aggregates
from tracker.view_helpers import signed_in_required

# Fixed once: changing it would make Anki see a new note type and duplicate every note.
NOTE_TYPE_ID = 1_734_021_001
NOTE_ID_BASE = 1_000_000_000_000  # Anki's ids are milliseconds; ours sit well before 2001
NOTE_TYPE = genanki.Model(
    NOTE_TYPE_ID,
    "Tracker glossary term",
    fields=[{"name": "Term"}, {"name": "Definition"}, {"name": "Aliases"}, {"name": "Level"}],
    templates=[
        {
            "name": "Term to definition",
            "qfmt": "{{Term}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Definition}}<p>{{Aliases}}</p>',
        }
    ],
)


def deck_id(course) -> int:
    """A stable id per course (Anki wants a positive 63-bit integer)."""
    digest = hashlib.sha256(f"tracker-course-{course.pk}".encode()).digest()
    return int.from_bytes(digest[:7], "big") + 1


def note_guid(term) -> str:
    return genanki.guid_for("tracker-term", term.pk)


class TermNote(genanki.Note):
    """A note whose id is the term's, not the export's clock."""

    def __init__(self, *args, note_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.note_id = note_id

    def write_to_db(self, cursor, timestamp, deck_id, id_gen):
        return super().write_to_db(
            cursor, timestamp, deck_id, itertools.chain([self.note_id], id_gen)
        )


def _course_terms(request, slug):
    """The course's glossary terms in study order, for a member of it (404 for anyone else)."""
    course = selectors.member_course(member=request.user, slug=slug)
    if course is None:
        raise Http404("No such course among yours.")
    items = selectors.course_glossaries(member=request.user, course=course)
    return course, [item.term for item in items if item.alias is None]


def apkg_bytes(course, terms) -> bytes:
    deck = genanki.Deck(deck_id(course), f"Tracker: {course.title}")
    for term in terms:
        aliases = ", ".join(term.aliases)
        deck.add_note(
            TermNote(
                model=NOTE_TYPE,
                fields=[
                    escape(term.name),
                    term.definition_html,
                    escape(f"Also: {aliases}" if aliases else ""),
                    term.get_level_display(),
                ],
                guid=note_guid(term),
                note_id=NOTE_ID_BASE + term.pk,
            )
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "deck.apkg"
        genanki.Package(deck).write_to_file(path)
        return path.read_bytes()


@signed_in_required
def glossary_apkg(request, slug):
    course, terms = _course_terms(request, slug)
    response = HttpResponse(apkg_bytes(course, terms), content_type="application/apkg")
    response["Content-Disposition"] = f'attachment; filename="{course.slug}-glossary.apkg"'
    return response


def _cell(text: str) -> str:
    """A spreadsheet reads a cell starting with = + - @ (or a tab, a return) as a formula:
    a leading apostrophe keeps it text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@signed_in_required
def glossary_csv(request, slug):
    course, terms = _course_terms(request, slug)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["term", "definition", "aliases", "level", "id"])
    for term in terms:
        writer.writerow(
            [
                _cell(term.name),
                _cell(term.definition),
                _cell("; ".join(term.aliases)),
                term.level,
                term.pk,
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{course.slug}-glossary.csv"'
    return response


@signed_in_required
def term_difficulty(request, slug):
    """Organizers only: per term, how often the cohort forgot it, over members who reviewed
    it; a term reviewed by fewer than MINIMUM_GROUP members shows no figures."""
    course = course_visible_to(request.user, slug=slug)
    if not is_course_organizer(user=request.user, course=course):
        raise Http404("Only the course's organizers see this.")
    rows = aggregates.term_difficulty(course=course)
    return render(
        request,
        "study/difficulty.html",
        {"course": course, "rows": rows, "minimum": aggregates.MINIMUM_GROUP},
    )
