"""The kinds of rows that are embedded: which model, what text, and who may see a row.

A kind's text is read as plain values (`fields`), so the texts of a batch come in one query per
kind. `visible_to` is the kind's own visibility selector: every result of a meaning search is
filtered through it, whatever found it (the index, the exact search, "related", "similar").
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet

from readings import selectors as reading_selectors
from readings.models import GlossaryTerm, Highlight, Note, Reading
from sessions import selectors as session_selectors
from sessions.models import Reflection, Session
from tracker.visibility import Visibility


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[Model]
    fields: tuple[str, ...]
    visible_to: Callable[..., QuerySet]
    # The field naming the author, for rows that may be private to their author.
    author_field: str | None = None

    def text(self, values: dict) -> str:
        """The text embedded for a row, from its `fields` values: non-empty parts, one a line."""
        return "\n".join(str(values[field]).strip() for field in self.fields if values[field])

    def private_to(self, values: dict) -> int | None:
        if self.author_field and values.get("visibility") == Visibility.PRIVATE:
            return values[self.author_field]
        return None

    def value_fields(self) -> tuple[str, ...]:
        extra = ("visibility", self.author_field) if self.author_field else ()
        return ("pk", *self.fields, *extra)


def _all_readings(user) -> QuerySet[Reading]:
    return Reading.objects.all()  # the library is shared


def _all_terms(user) -> QuerySet[GlossaryTerm]:
    return GlossaryTerm.objects.all()  # the glossary is shared


KINDS: tuple[Kind, ...] = (
    Kind("session", Session, ("title", "abstract"), session_selectors.sessions_visible_to),
    Kind("reading", Reading, ("title", "summary", "source"), _all_readings),
    Kind("term", GlossaryTerm, ("name", "definition"), _all_terms),
    Kind(
        "reflection", Reflection, ("body",), session_selectors.reflections_visible_to, "author_id"
    ),
    Kind("note", Note, ("body",), reading_selectors.notes_visible_to, "author_id"),
    Kind(
        "highlight",
        Highlight,
        ("phrase", "comment"),
        reading_selectors.highlights_visible_to,
        "author_id",
    ),
)
KINDS_BY_NAME = {kind.name: kind for kind in KINDS}
KIND_OF_MODEL = {kind.model: kind for kind in KINDS}
NAMES = tuple(KINDS_BY_NAME)
