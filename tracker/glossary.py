"""What the markdown pipeline links to: term names, reading titles, sessions.

The pipeline sits below the apps, so it does not look them up itself: each app that owns
link targets registers a lookup in its AppConfig.ready (readings/glossary.py for terms and
readings, sessions/glossary.py for sessions). A `Glossary` asks every registered lookup for the
targets a batch of documents names and sends all their querysets as one UNION, so one render
(or one batch of a refresh) stays one query.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

WIKI_LINK = re.compile(r"\[\[([^\[\]|\n]{1,200})(?:\|([^\[\]\n]{1,200}))?\]\]")
READING_PREFIX = "reading:"
_SESSION_OF_THIS_COURSE = re.compile(r"session\s*#?\s*(\d{1,9})", re.IGNORECASE)
_SESSION_OF_ANY_COURSE = re.compile(r"([-\w]+)/(\d{1,9})")
# Targets of each kind looked up for one document; past this it is not prose, and the rest show
# as missing, so that one render stays one query of bounded size.
MAX_LOOKUPS = 1000
# The fourth column of a session row when its course is public (any other value: not public).
PUBLIC = "public"


@dataclass(frozen=True)
class Wanted:
    """The targets a batch of documents names that no earlier batch asked for."""

    terms: bool  # every term name, not only some: auto-links find names anywhere
    reading_slugs: frozenset[str]
    reading_titles: frozenset[str]
    sessions: frozenset[tuple[str, int]]  # (course slug, number)


# A lookup gives querysets of rows (kind, key, text, flag), every column text, for one UNION:
# ("term", term slug, folded name, ""), ("reading", slug, title, ""), and
# ("session", course slug, number, PUBLIC or anything else). It returns none for what it lacks.
GlossaryLookup = Callable[[Wanted], Iterable[QuerySet]]
_lookups: list[GlossaryLookup] = []


def register_glossary_lookup(lookup: GlossaryLookup) -> None:
    """For an app's AppConfig.ready; registering the same lookup twice keeps one."""
    if lookup not in _lookups:
        _lookups.append(lookup)


def fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def session_key(target: str, course_slug: str) -> tuple[str, int] | None:
    """(course slug, number) for a target written as a session, else None. `Session 3` in a
    text that belongs to no course gives an empty slug: a session, but never one found."""
    if match := _SESSION_OF_THIS_COURSE.fullmatch(target):
        return course_slug, int(match[1])
    if match := _SESSION_OF_ANY_COURSE.fullmatch(target):
        return match[1], int(match[2])
    return None


@dataclass
class Glossary:
    """What the linking steps need to know: every term name (and alias), and the readings and
    sessions that the documents being rendered link to.

    Built once and passed in when many documents are rendered together (a refresh after a term
    changes), so that rendering a row costs no query; `load` adds each batch's targets.
    """

    slug_by_name: dict[str, str] = field(default_factory=dict)  # folded name → term slug
    reading_titles: dict[str, str] = field(default_factory=dict)  # slug → title
    reading_by_title: dict[str, str] = field(default_factory=dict)  # folded title → slug
    # (course slug, number) → whether the course is public, for the sessions that exist
    session_courses: dict[tuple[str, int], bool] = field(default_factory=dict)
    _asked: set[tuple] = field(default_factory=set, init=False, repr=False)
    _pattern: re.Pattern | None = field(default=None, init=False, repr=False)

    @property
    def pattern(self) -> re.Pattern | None:
        """Every name, longest first so "sparse autoencoder" wins over "autoencoder"."""
        if self._pattern is None and self.slug_by_name:
            names = sorted(self.slug_by_name, key=len, reverse=True)
            alternatives = "|".join(r"\s+".join(map(re.escape, n.split())) for n in names)
            self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        return self._pattern

    def load(self, sources: Iterable[tuple[str, str]], *, with_terms: bool = False) -> None:
        """Adds the readings and sessions that `sources` (pairs of markdown and the slug of the
        course it belongs to, or "") link to, and with `with_terms` every term name: one query
        (a UNION of what the registered lookups give), none when there is nothing new."""
        wanted = self._wanted(sources, with_terms=with_terms)
        if not (wanted.terms or wanted.reading_slugs or wanted.reading_titles or wanted.sessions):
            return
        parts = [part.order_by() for lookup in _lookups for part in lookup(wanted)]
        if not parts:
            return
        rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        wanted_titles = {fold(t) for t in wanted.reading_titles}
        for kind, key, text, flag in rows:
            if kind == "term":
                self.slug_by_name[text] = key
            elif kind == "reading":
                self.reading_titles[key] = text
                folded = fold(text)
                if folded in wanted_titles and key < self.reading_by_title.get(folded, "\uffff"):
                    self.reading_by_title[folded] = key  # the same title twice: the first slug
            elif kind == "session":
                self.session_courses[(key, int(text))] = flag == PUBLIC
        if with_terms:
            self._pattern = None

    def _wanted(self, sources, *, with_terms: bool) -> Wanted:
        slugs: set[str] = set()
        titles: set[str] = set()
        sessions: set[tuple[str, int]] = set()
        for source, course_slug in sources:
            for target, _label in WIKI_LINK.findall(source):
                target = " ".join(target.split())
                if target.startswith(READING_PREFIX):
                    slugs.add(target[len(READING_PREFIX) :].strip())
                elif (key := session_key(target, course_slug)) is not None:
                    if key[0]:
                        sessions.add(key)
                elif with_terms or fold(target) not in self.slug_by_name:
                    titles.add(target)  # terms win: a term's name needs no reading
        new = []
        for kind, targets in (("reading", slugs), ("title", titles), ("session", sessions)):
            fresh = sorted(t for t in targets if (kind, t) not in self._asked)[:MAX_LOOKUPS]
            self._asked.update((kind, t) for t in fresh)
            new.append(frozenset(fresh))
        return Wanted(with_terms, *new)


def glossary_from_database(sources: Iterable[tuple[str, str]] = ()) -> Glossary:
    """Every term name, and the readings and sessions that `sources` link to: one query."""
    glossary = Glossary()
    glossary.load(sources, with_terms=True)
    return glossary
