"""Lists by meaning, with titles and links: related to a row, similar reflections, passages
about a term that never name it, terms to link from a draft. The nearest rows come from
`meaning.selectors` (already filtered by visibility); this module gives them the result lines
search shows, a query per kind on the list.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils.text import Truncator

from meaning import selectors as meaning_selectors
from meaning.kinds import KINDS_BY_NAME
from readings.models import TermName
from tracker.search.snippets import plain_text
from tracker.search.sources import SOURCES_BY_TYPE

# How the API and the pages name each kind in an address.
PLURALS = {
    "session": "sessions",
    "reading": "readings",
    "term": "terms",
    "reflection": "reflections",
    "note": "notes",
    "highlight": "highlights",
}
KIND_OF_PLURAL = {plural: kind for kind, plural in PLURALS.items()}
PASSAGE_KINDS = ("session", "reading", "reflection", "note", "highlight")
SNIPPET_CHARACTERS = 200
TITLED_KINDS = ("session", "reading", "term")


@dataclass(frozen=True)
class RelatedItem:
    type: str
    id: int
    title: str
    url: str
    snippet: str  # plain text: the start of what was embedded
    score: float


def visible_row(*, user, kind: str, object_id: int) -> bool:
    """Whether `user` may see the row; a related list is only ever asked of a visible row."""
    return KINDS_BY_NAME[kind].visible_to(user).filter(pk=object_id).exists()


def describe(matches) -> list[RelatedItem]:
    """Titles, links and snippets for matches (already visible to the reader), in order."""
    ids_by_kind: dict[str, list[int]] = defaultdict(list)
    for match in matches:
        ids_by_kind[match.kind].append(match.id)
    lines = {}
    for kind, ids in ids_by_kind.items():
        source = SOURCES_BY_TYPE[kind]
        fields = {f"line_{name}": F(path) for name, path in source.line.items()}
        text_fields = KINDS_BY_NAME[kind].fields
        for row in source.model._default_manager.filter(pk__in=ids).values(
            "pk", *text_fields, **fields
        ):
            line = {name: row[f"line_{name}"] for name in source.line}
            title, url = source.result(row["pk"], line)
            # Sessions, readings and terms show their first field as their title already.
            shown = text_fields[1:] if kind in TITLED_KINDS else text_fields
            body = " ".join(str(row[field]) for field in shown if row[field])
            # The words without their markdown: `**Problem:**` and `[[Term]]` read as text.
            snippet = Truncator(" ".join(plain_text(body).split())).chars(SNIPPET_CHARACTERS)
            lines[(kind, row["pk"])] = (title, url, snippet)
    return [
        RelatedItem(match.kind, match.id, *lines[(match.kind, match.id)], match.score)
        for match in matches
        if (match.kind, match.id) in lines
    ]


def related(*, user, kind: str, object_id: int, kinds=None, limit: int = 5) -> list[RelatedItem]:
    matches = meaning_selectors.related_to(
        user=user,
        kind=kind,
        object_id=object_id,
        kinds=kinds or tuple(PLURALS),
        limit=limit,
    )
    return describe(matches)


def similar_reflections(*, user, reflection, limit: int = 5) -> list[RelatedItem]:
    return describe(
        meaning_selectors.similar_reflections(user=user, reflection=reflection, limit=limit)
    )


def passages_about_term(*, user, term, limit: int = 5) -> list[RelatedItem]:
    """Passages nearest in meaning to the term that name it nowhere (nor any alias): what
    the glossary would not find by its words."""
    names = list(TermName.objects.filter(term=term).values_list("name", flat=True)) or [term.name]

    def naming_none(kind: str):
        fields = KINDS_BY_NAME[kind].fields
        naming = Q()
        for name in names:
            for field in fields:
                naming |= Q(**{f"{field}__icontains": name})
        return lambda queryset: queryset.exclude(naming)

    matches = meaning_selectors.related_to(
        user=user,
        kind="term",
        object_id=term.pk,
        kinds=PASSAGE_KINDS,
        limit=limit,
        narrow={kind: naming_none(kind) for kind in PASSAGE_KINDS},
    )
    return describe(matches)


def terms_to_link(*, user, text: str, limit: int = 5) -> list[RelatedItem]:
    """Glossary terms nearest in meaning to a draft that it does not link yet."""
    if not text.strip() or not meaning_selectors.meaning_available():
        return []
    matches = meaning_selectors.search_by_meaning(
        user=user, query=text, kinds=("term",), limit=limit * 2
    )
    items = describe(matches)
    lowered = text.lower()
    return [item for item in items if f"[[{item.title.lower()}" not in lowered][:limit]
