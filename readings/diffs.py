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
    # (kept, removed, added) runs; a change is a run with kept=None.
    runs: list[list] = []
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            runs.append(["".join(old_tokens[a1:a2]), "", ""])
        else:
            runs.append([None, "".join(old_tokens[a1:a2]), "".join(new_tokens[b1:b2])])
    return _pieces(_merge_changes_split_by_spaces(runs))


def _merge_changes_split_by_spaces(runs: list[list]) -> list[list]:
    """Joins two changes separated only by a space into one, so a rewritten phrase reads as
    the old phrase struck out and then the new one, not as alternating single words."""
    merged: list[list] = []
    for run in runs:
        if (
            run[0] is None
            and len(merged) >= 2
            and merged[-1][0] is not None
            and not merged[-1][0].strip()
            and merged[-2][0] is None
        ):
            space = merged.pop()[0]
            merged[-1][1] += space + run[1]
            merged[-1][2] += space + run[2]
        else:
            merged.append(run)
    return merged


def _pieces(runs: list[list]) -> list[Piece]:
    pieces: list[Piece] = []
    for kept, removed, added in runs:
        if kept is not None:
            pieces.append(Piece("same", kept))
            continue
        if removed:
            pieces.append(Piece("removed", removed))
        if added:
            pieces.append(Piece("added", added))
    return pieces


def _level_label(level: int) -> str:
    return dict(GlossaryTerm.Level.choices).get(level, str(level))


def revision_diff(old: TermRevision, new: TermRevision) -> list[FieldDiff]:
    """Every field of the two revisions, with what changed marked; related terms by name (as
    they are called now; a deleted one by the slug the revision kept)."""
    slugs = {*old.related_slugs, *new.related_slugs}
    names = dict(GlossaryTerm.objects.filter(slug__in=slugs).values_list("slug", "name"))

    def related(revision: TermRevision) -> str:
        return ", ".join(sorted(names.get(slug, slug) for slug in revision.related_slugs))

    return [
        FieldDiff("Name", text_diff(old.name, new.name)),
        FieldDiff("Level", text_diff(_level_label(old.level), _level_label(new.level))),
        FieldDiff("Aliases", text_diff(", ".join(old.aliases), ", ".join(new.aliases))),
        FieldDiff("Related terms", text_diff(related(old), related(new))),
        FieldDiff("Definition", text_diff(old.definition, new.definition)),
    ]
