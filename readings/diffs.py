"""A readable difference between two revisions of a glossary term, word by word."""

import difflib
import re
from dataclasses import dataclass

from readings.models import GlossaryTerm, TermRevision

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class Piece:
    """A run of text that is the same in both (`same`), or only in the older (`removed`) or
    only in the newer (`added`) revision."""

    kind: str
    text: str


@dataclass(frozen=True)
class FieldDiff:
    label: str
    pieces: list[Piece]

    @property
    def changed(self) -> bool:
        return any(piece.kind != "same" for piece in self.pieces)


def text_diff(old: str, new: str) -> list[Piece]:
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    pieces: list[Piece] = []
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            pieces.append(Piece("same", "".join(old_tokens[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(Piece("removed", "".join(old_tokens[a1:a2])))
        if b2 > b1:
            pieces.append(Piece("added", "".join(new_tokens[b1:b2])))
    return pieces


def _level_label(level: int) -> str:
    return dict(GlossaryTerm.Level.choices).get(level, str(level))


def revision_diff(old: TermRevision, new: TermRevision) -> list[FieldDiff]:
    """Every field of the two revisions, with what changed marked."""
    return [
        FieldDiff("Name", text_diff(old.name, new.name)),
        FieldDiff("Level", text_diff(_level_label(old.level), _level_label(new.level))),
        FieldDiff("Aliases", text_diff(", ".join(old.aliases), ", ".join(new.aliases))),
        FieldDiff(
            "Related terms", text_diff(", ".join(old.related_slugs), ", ".join(new.related_slugs))
        ),
        FieldDiff("Definition", text_diff(old.definition, new.definition)),
    ]
