"""The kinds of things search looks through, each starting from its visibility selector.

A source names its model, the queryset of rows the user may see, which fields hold its title
and its body (the same split as the weighted search columns in the migrations), and how one of
its rows reads as a result.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet

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
    related: tuple[str, ...]
    # The fields a result line reads (title, link and the fallback's snippet), loaded with
    # `only`: a row of the page needs no more, and each column costs to fetch and convert.
    loaded: tuple[str, ...]
    result_title: Callable[[Model], str]
    result_url: Callable[[Model], str]

    @property
    def table(self) -> str:
        return self.model._meta.db_table


def _readings_visible_to(user) -> QuerySet[Reading]:
    # The library is shared; its authors and tags are not needed for a result line.
    return reading_selectors.readings_with_details().prefetch_related(None)


def _terms_visible_to(user) -> QuerySet[GlossaryTerm]:
    return reading_selectors.terms_with_names().prefetch_related(None)


# What a session's title and link read, from a row that points to the session.
_SESSION_LINE = (
    "session__title",
    "session__number",
    "session__course__slug",
    "session__course__title",
)


def _note_url(note: Note) -> str:
    return f"{note.target.get_absolute_url()}#note-{note.pk}"


SOURCES: tuple[SearchSource, ...] = (
    SearchSource(
        type="session",
        label="Sessions",
        model=Session,
        visible_to=session_selectors.sessions_visible_to,
        title_fields=("title",),
        body_fields=("abstract",),
        snippet_fields=("abstract",),
        related=("course",),
        loaded=("title", "number", "abstract", "course__slug", "course__title"),
        result_title=str,
        result_url=lambda session: session.get_absolute_url(),
    ),
    SearchSource(
        type="reading",
        label="Readings",
        model=Reading,
        visible_to=_readings_visible_to,
        title_fields=("title",),
        body_fields=("summary", "source"),
        snippet_fields=("summary", "source"),
        related=(),
        loaded=("title", "slug", "summary", "source"),
        result_title=lambda reading: reading.title,
        result_url=lambda reading: reading.get_absolute_url(),
    ),
    SearchSource(
        type="term",
        label="Glossary",
        model=GlossaryTerm,
        visible_to=_terms_visible_to,
        title_fields=("name",),
        body_fields=("definition",),
        snippet_fields=("definition",),
        related=(),
        loaded=("name", "slug", "definition"),
        result_title=lambda term: term.name,
        result_url=lambda term: term.get_absolute_url(),
    ),
    SearchSource(
        type="reflection",
        label="Reflections",
        model=Reflection,
        visible_to=session_selectors.reflections_visible_to,
        title_fields=(),
        body_fields=("body",),
        snippet_fields=("body",),
        related=("session__course",),
        loaded=("body", *_SESSION_LINE),
        result_title=lambda reflection: f"Reflection on {reflection.session}",
        result_url=lambda reflection: (
            f"{reflection.session.get_absolute_url()}#reflection-{reflection.pk}"
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
        related=("session__course", "reading", "term"),
        loaded=(
            "body",
            *_SESSION_LINE,
            "reading__title",
            "reading__slug",
            "term__name",
            "term__slug",
        ),
        result_title=lambda note: f"Note on {note.target}",
        result_url=_note_url,
    ),
    SearchSource(
        type="highlight",
        label="Highlights",
        model=Highlight,
        visible_to=reading_selectors.highlights_visible_to,
        title_fields=("phrase",),
        body_fields=("comment",),
        snippet_fields=("phrase", "comment"),
        related=("reading",),
        loaded=("phrase", "comment", "reading__title", "reading__slug"),
        result_title=lambda highlight: f"Highlight in {highlight.reading.title}",
        result_url=lambda highlight: (
            f"{highlight.reading.get_absolute_url()}#highlight-{highlight.pk}"
        ),
    ),
)

SOURCES_BY_TYPE = {source.type: source for source in SOURCES}
TYPES = tuple(SOURCES_BY_TYPE)
TYPE_ORDER = {source.type: position for position, source in enumerate(SOURCES)}
