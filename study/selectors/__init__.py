"""Reads for study: which cards a member may have, which comes next, counts and revisions
(progress and the organizers' aggregates: study/selectors/aggregates.py).

A course's glossary is the terms its description and its sessions' abstracts link to
(`[[Term]]`), introduced from the high-level ideas down (the term's level) and, within a level,
in the order of the first session that links them. A member has cards only in the courses they
belong to now (sessions.selectors.member_course_ids); leaving a course hides its cards.
"""

import functools
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from readings.diffs import revision_diff
from readings.selectors import highlights_visible_to, term_revisions, terms_with_details
from sessions.selectors import courses_visible_to, member_course_ids, sessions_visible_to
from study.models import Card, ReviewLog, State, StudySettings, card_key, highlight_key
from tracker.markdown import term_url

_PLACEHOLDER = "SLUG-PLACEHOLDER"


@functools.cache
def _term_link() -> re.Pattern:
    """Links to terms in stored HTML (the URLconf is read on first use, not at import)."""
    marker = f'href="{term_url(_PLACEHOLDER)}"'
    return re.compile("([-a-zA-Z0-9_]+)".join(map(re.escape, marker.split(_PLACEHOLDER))))


_KEY = re.compile(r"^c([0-9]{1,18})-t([0-9]{1,18})(?:-a([0-9]{1,18}))?$")
_HIGHLIGHT_KEY = re.compile(r"^h([0-9]{1,18})$")


@dataclass
class StudyItem:
    """One card to show: its row when it has one (a new card may not yet)."""

    key: str
    course: object | None  # None for a highlight
    term: object | None
    alias: object | None
    card: Card | None = None
    revised: list = field(default_factory=list)  # readings.diffs FieldDiffs, when revised
    highlight: object | None = None

    @property
    def is_new(self) -> bool:
        return self.card is None or self.card.state == State.NEW

    @property
    def version(self) -> int:
        return self.card.version if self.card else 0

    @property
    def front(self) -> str:
        if self.highlight is not None:
            return self.highlight.phrase
        return self.alias.name if self.alias else self.term.name

    @property
    def kind(self) -> str:
        if self.highlight is not None:
            return Card.Kind.HIGHLIGHT
        return Card.Kind.ALIAS if self.alias else Card.Kind.TERM


def parse_key(key: str) -> tuple[int, int, int | None] | None:
    match = _KEY.match(key or "")
    if not match:
        return None
    course, term, alias = match.groups()
    return int(course), int(term), int(alias) if alias else None


def parse_highlight_key(key: str) -> int | None:
    match = _HIGHLIGHT_KEY.match(key or "")
    return int(match.group(1)) if match else None


def settings_of(*, member) -> StudySettings:
    """The member's settings, or the defaults (unsaved) when they never changed them."""
    return StudySettings.objects.filter(member=member).first() or StudySettings(member=member)


def start_of_day(now: datetime) -> datetime:
    """Midnight of `now`'s day in the active time zone (the member's)."""
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


def cards_visible_to(member) -> QuerySet[Card]:
    """The member's own cards in the courses they belong to now, and of their own highlights
    (a highlight card is only ever made for its author); nobody else's, ever."""
    if not (member and member.is_authenticated):
        return Card.objects.none()
    return Card.objects.filter(member=member).filter(
        Q(course_id__in=member_course_ids(user=member)) | Q(kind=Card.Kind.HIGHLIGHT)
    )


def _studied(member, course) -> QuerySet[Card]:
    cards = cards_visible_to(member)
    return cards.filter(course=course) if course is not None else cards


def due_card(*, member, now: datetime, course=None) -> Card | None:
    """The card most overdue among those learned (not new, suspended or buried): one query."""
    return (
        _studied(member, course)
        .filter(suspended=False, due__lte=now)
        .exclude(state=State.NEW)
        .exclude(buried_until__gt=now)
        .select_related("course", "term", "alias", "highlight__reading")
        .order_by("due", "id")
        .first()
    )


def new_cards_introduced_today(*, member, now: datetime) -> int:
    return ReviewLog.objects.filter(
        member=member,
        kind=ReviewLog.Kind.REVIEW,
        undone_at__isnull=True,
        reviewed_at__gte=start_of_day(now),
        state_before__state=State.NEW,
    ).count()


def course_glossaries(*, member, course=None) -> list[StudyItem]:
    """Every card the member's courses offer (term and alias cards), in the order new ones
    are introduced; four queries whatever the number of courses and terms."""
    courses = courses_visible_to(member).filter(id__in=member_course_ids(user=member))
    if course is not None:
        courses = courses.filter(pk=course.pk)
    courses = list(courses.order_by("title"))
    positions: dict[tuple[int, str], int] = {}
    for one in courses:
        for slug in _term_link().findall(one.description_html):
            positions.setdefault((one.pk, slug), 0)
    sessions = (
        sessions_visible_to(member)
        .filter(course__in=courses, abstract_html__contains='href="')
        .order_by("number")
        .values_list("course_id", "number", "abstract_html")
    )
    for course_id, number, html in sessions:
        for slug in _term_link().findall(html):
            positions.setdefault((course_id, slug), number)
    slugs = {slug for _, slug in positions}
    terms = {term.slug: term for term in terms_with_details().filter(slug__in=slugs)}
    entries = []
    for one in courses:
        for term in terms.values():
            position = positions.get((one.pk, term.slug))
            if position is None:
                continue
            order = (term.level, position, term.name.casefold(), term.pk)
            entries.append(
                (
                    order,
                    0,
                    StudyItem(
                        card_key(course_id=one.pk, term_id=term.pk, alias_id=None), one, term, None
                    ),
                )
            )
            for name in term.names.all():
                if not name.is_primary:
                    key = card_key(course_id=one.pk, term_id=term.pk, alias_id=name.pk)
                    entries.append((order, 1, StudyItem(key, one, term, name)))
    return [
        item for *_, item in sorted(entries, key=lambda entry: (entry[0], entry[1], entry[2].key))
    ]


def new_items(*, member, now: datetime, course=None, limit: int | None = None) -> list[StudyItem]:
    """The new cards due today, within the member's daily allowance: cards reset or undone back
    to new first, then the glossaries' cards not yet seen, in their order."""
    settings = settings_of(member=member)
    allowance = settings.new_per_day - new_cards_introduced_today(member=member, now=now)
    if allowance <= 0:
        return []
    existing = {
        card.key: card
        for card in _studied(member, course).select_related(
            "course", "term", "alias", "highlight__reading"
        )
    }
    offered = course_glossaries(member=member, course=course)
    if course is None and settings.study_highlights:
        offered += own_highlights(member=member)
    items = []
    for item in offered:
        card = existing.get(item.key)
        if card is not None and (
            card.state != State.NEW or card.suspended or (card.buried_until or now) > now
        ):
            continue
        item.card = card
        items.append(item)
    items.sort(key=lambda item: item.card is None)  # stable: reset ones first, order kept
    return items[: min(allowance, limit or allowance)]


def next_item(*, member, now: datetime, course=None) -> StudyItem | None:
    """What to show next: the most overdue learned card, else the next new one."""
    card = due_card(member=member, now=now, course=course)
    if card is not None:
        return item_for_card(card)
    new = new_items(member=member, now=now, course=course, limit=1)
    return new[0] if new else None


def own_highlights(*, member) -> list[StudyItem]:
    """The member's own highlights as cards, oldest first (after the glossaries' cards)."""
    highlights = (
        highlights_visible_to(member)
        .filter(author=member)
        .select_related("reading")
        .order_by("created_at", "id")
    )
    return [
        StudyItem(highlight_key(highlight.pk), None, None, None, highlight=highlight)
        for highlight in highlights
    ]


def item_for_card(card: Card) -> StudyItem:
    return StudyItem(card.key, card.course, card.term, card.alias, card, highlight=card.highlight)


def item_for_key(*, member, key: str) -> StudyItem | None:
    """The item a key names, among what the member's courses offer; None when it is not theirs."""
    highlight_id = parse_highlight_key(key)
    if highlight_id is not None:
        return _highlight_item(member=member, highlight_id=highlight_id)
    parsed = parse_key(key)
    if parsed is None:
        return None
    course_id, term_id, alias_id = parsed
    existing = (
        cards_visible_to(member)
        .filter(course_id=course_id, term_id=term_id, alias_id=alias_id)
        # the kind names the unique index that finds the card (study_one_*_card_per_…)
        .filter(kind=Card.Kind.ALIAS if alias_id else Card.Kind.TERM)
        .select_related("course", "term", "alias")
        .first()
    )
    if existing is not None:
        return item_for_card(existing)
    course = (
        courses_visible_to(member)
        .filter(id__in=member_course_ids(user=member), pk=course_id)
        .first()
    )
    if course is None:
        return None
    return next(
        (item for item in course_glossaries(member=member, course=course) if item.key == key),
        None,
    )


def _highlight_item(*, member, highlight_id: int) -> StudyItem | None:
    existing = (
        cards_visible_to(member)
        .filter(kind=Card.Kind.HIGHLIGHT, highlight_id=highlight_id)
        .select_related("highlight__reading")
        .first()
    )
    if existing is not None:
        return item_for_card(existing)
    highlight = (
        highlights_visible_to(member)
        .filter(author=member, pk=highlight_id)  # another member's, even public: never
        .select_related("reading")
        .first()
    )
    if highlight is None:
        return None
    return StudyItem(highlight_key(highlight.pk), None, None, None, highlight=highlight)


def with_revision(item: StudyItem) -> StudyItem:
    """Marks the item revised, with the diff, when the term has a revision newer than the one
    the member saw at their last review."""
    card = item.card
    if item.term is None or card is None or not card.seen_revision:
        return item
    current = getattr(item.term, "current_revision", None)
    revisions = {revision.number: revision for revision in term_revisions(term=item.term)[:50]}
    newest = max(revisions) if revisions else current
    if newest and newest > card.seen_revision and card.seen_revision in revisions:
        item.revised = revision_diff(revisions[card.seen_revision], revisions[newest])
    return item


def current_revision_of(term) -> int:
    if term is None:
        return 0
    revision = getattr(term, "current_revision", None)
    if revision is None:
        revision = term_revisions(term=term).values_list("number", flat=True).first()
    return revision or 0


def _due_now(now: datetime) -> Q:
    """Learned cards due by `now`, neither suspended nor buried past it."""
    return (
        Q(suspended=False, due__lte=now)
        & ~Q(state=State.NEW)
        & (Q(buried_until__isnull=True) | Q(buried_until__lte=now))
    )


def study_counts(
    *, member, now: datetime, course=None, new: list[StudyItem] | None = None
) -> dict[str, int]:
    """Due now (learned cards), new today (within the allowance; `new` when the caller has
    them already) and learned (ever graded)."""
    counts = _studied(member, course).aggregate(
        due=Count("id", filter=_due_now(now)),
        learned=Count("id", filter=~Q(state=State.NEW)),
    )
    if new is None:
        new = new_items(member=member, now=now, course=course)
    counts["new"] = len(new)
    return counts


def study_counts_by_course(*, member, now: datetime) -> list[dict]:
    """Due, new and learned per course of the member's: a constant number of queries."""
    rows = {
        row["course_id"]: row
        for row in cards_visible_to(member)
        .values("course_id")
        .annotate(
            due=Count("id", filter=_due_now(now)),
            learned=Count("id", filter=~Q(state=State.NEW)),
        )
    }
    new: dict[int, int] = {}
    for item in new_items(member=member, now=now):
        if item.course is not None:
            new[item.course.pk] = new.get(item.course.pk, 0) + 1
    courses = courses_visible_to(member).filter(id__in=member_course_ids(user=member))
    return [
        {
            "course": course.slug,
            "title": course.title,
            "due": rows.get(course.pk, {}).get("due", 0),
            "learned": rows.get(course.pk, {}).get("learned", 0),
            "new": new.get(course.pk, 0),
        }
        for course in courses.order_by("title")
    ]


def due_counts_by_course(*, member, now: datetime) -> dict[int, int]:
    """Learned cards due now per course id (for the dashboard): one query."""
    rows = (
        cards_visible_to(member)
        .filter(suspended=False, due__lte=now)
        .exclude(state=State.NEW)
        .exclude(buried_until__gt=now)
        .values("course_id")
        .annotate(due=Count("id"))
    )
    return {row["course_id"]: row["due"] for row in rows}


def last_undoable(*, member) -> ReviewLog | None:
    return (
        ReviewLog.objects.filter(member=member, kind=ReviewLog.Kind.REVIEW, undone_at__isnull=True)
        .filter(
            Q(card__course_id__in=member_course_ids(user=member))
            | Q(card__kind=Card.Kind.HIGHLIGHT)
        )
        .order_by("-reviewed_at", "-id")
        .first()
    )


def member_course(*, member, slug: str):
    """The course by slug when the member belongs to it, else None."""
    return (
        courses_visible_to(member).filter(id__in=member_course_ids(user=member), slug=slug).first()
    )


ONE_DAY = timedelta(days=1)
