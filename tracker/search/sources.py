"""The kinds of things search looks through, each starting from its visibility selector.

A source names its model, the queryset of rows the user may see, which fields hold its title
and its body (the same split as the weighted search columns in the migrations), and how one of
its rows reads as a result. A result line is read as plain values (`line`: a name for each
field path), so the lines of every kind on a page come in one query; the title and link are
made from those values (no model instance: building one costs more than the rest of a line).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet
from django.urls import reverse

from readings import selectors as reading_selectors
from readings.models import GlossaryTerm, Highlight, Note, Reading
from sessions import selectors as session_selectors
from sessions.models import Reflection, Session


@dataclass(frozen=True)
class SearchSource:
    type: str
    label: str
    model: type[Model]
    visible_to: Callable[..., QuerySet]
    # Weighted above the body in ranking (weight A on PostgreSQL).
    title_fields: tuple[str, ...]
    body_fields: tuple[str, ...]
    # The text a snippet is cut from.
    snippet_fields: tuple[str, ...]
    # What a result line reads: a name for each field path (a row of the page needs no more).
    line: dict[str, str]
    # The title and link of a result, from its id and its `line` values.
    result: Callable[[int, dict], tuple[str, str]]

    @property
    def table(self) -> str:
        return self.model._meta.db_table


def _readings_visible_to(user) -> QuerySet[Reading]:
    # The library is shared; its authors and tags are not needed for a result line.
    return reading_selectors.readings_with_details().prefetch_related(None)


def _terms_visible_to(user) -> QuerySet[GlossaryTerm]:
    return reading_selectors.terms_with_names().prefetch_related(None)


def _session_line(path: str = "") -> dict[str, str]:
    """What a session's title and link read, from the session or a row that points to one."""
    return {
        "session_title": f"{path}title",
        "session_number": f"{path}number",
        "course_slug": f"{path}course__slug",
        "course_title": f"{path}course__title",
    }


def _session_title(line: dict) -> str:
    # As Session.__str__ reads.
    return f"{line['course_title']} #{line['session_number']}: {line['session_title']}"


def _session_url(line: dict) -> str:
    return reverse(
        "session_detail", kwargs={"slug": line["course_slug"], "number": line["session_number"]}
    )


def _reading_url(line: dict) -> str:
    return reverse("reading_detail", kwargs={"slug": line["reading_slug"]})


def _term_url(line: dict) -> str:
    return reverse("term_detail", kwargs={"slug": line["term_slug"]})


def _note_target(line: dict) -> tuple[str, str]:
    """The title and link of what a note is on: the session, reading or term whose values are
    there (a note is on exactly one)."""
    if line["session_number"] is not None:
        return _session_title(line), _session_url(line)
    if line["reading_slug"] is not None:
        return line["reading_title"], _reading_url(line)
    return line["term_name"], _term_url(line)


def _note_result(pk: int, line: dict) -> tuple[str, str]:
    title, url = _note_target(line)
    return f"Note on {title}", f"{url}#note-{pk}"


SOURCES: tuple[SearchSource, ...] = (
    SearchSource(
        type="session",
        label="Sessions",
        model=Session,
        visible_to=session_selectors.sessions_visible_to,
        title_fields=("title",),
        body_fields=("abstract",),
        snippet_fields=("abstract",),
        line=_session_line(),
        result=lambda pk, line: (_session_title(line), _session_url(line)),
    ),
    SearchSource(
        type="reading",
        label="Readings",
        model=Reading,
        visible_to=_readings_visible_to,
        title_fields=("title",),
        body_fields=("summary", "source"),
        snippet_fields=("summary", "source"),
        line={"reading_title": "title", "reading_slug": "slug"},
        result=lambda pk, line: (line["reading_title"], _reading_url(line)),
    ),
    SearchSource(
        type="term",
        label="Glossary",
        model=GlossaryTerm,
        visible_to=_terms_visible_to,
        title_fields=("name",),
        body_fields=("definition",),
        snippet_fields=("definition",),
        line={"term_name": "name", "term_slug": "slug"},
        result=lambda pk, line: (line["term_name"], _term_url(line)),
    ),
    SearchSource(
        type="reflection",
        label="Reflections",
        model=Reflection,
        visible_to=session_selectors.reflections_visible_to,
        title_fields=(),
        body_fields=("body",),
        snippet_fields=("body",),
        line=_session_line("session__"),
        result=lambda pk, line: (
            f"Reflection on {_session_title(line)}",
            f"{_session_url(line)}#reflection-{pk}",
        ),
    ),
    SearchSource(
        type="note",
        label="Notes",
        model=Note,
        visible_to=reading_selectors.notes_visible_to,
        title_fields=(),
        body_fields=("body",),
        snippet_fields=("body",),
        line={
            **_session_line("session__"),
            "reading_title": "reading__title",
            "reading_slug": "reading__slug",
            "term_name": "term__name",
            "term_slug": "term__slug",
        },
        result=_note_result,
    ),
    SearchSource(
        type="highlight",
        label="Highlights",
        model=Highlight,
        visible_to=reading_selectors.highlights_visible_to,
        title_fields=("phrase",),
        body_fields=("comment",),
        snippet_fields=("phrase", "comment"),
        line={"reading_title": "reading__title", "reading_slug": "reading__slug"},
        result=lambda pk, line: (
            f"Highlight in {line['reading_title']}",
            f"{_reading_url(line)}#highlight-{pk}",
        ),
    ),
)

SOURCES_BY_TYPE = {source.type: source for source in SOURCES}
TYPES = tuple(SOURCES_BY_TYPE)
TYPE_ORDER = {source.type: position for position, source in enumerate(SOURCES)}
