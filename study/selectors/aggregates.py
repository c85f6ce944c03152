"""Aggregate reads: a member's progress (grades per day, true retention, the due forecast) and
the organizers' anonymous difficulty per term. Both count over the review log and the cards,
never listing one member's rows to anyone but that member."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, Q
from django.utils import timezone

from sessions.selectors import course_members
from study.models import Card, ReviewLog, State
from study.selectors import cards_visible_to, settings_of, start_of_day

# Progress


@dataclass
class DayCount:
    day: object  # a date
    count: int


def reviews_per_day(*, member, now: datetime, days: int = 30) -> list[DayCount]:
    """The member's grades (undone ones aside) on each of the last `days` days, their time zone."""
    first = start_of_day(now) - timedelta(days=days - 1)
    counts = {(first + timedelta(days=n)).date(): 0 for n in range(days)}
    moments = ReviewLog.objects.filter(
        member=member, kind=ReviewLog.Kind.REVIEW, undone_at__isnull=True, reviewed_at__gte=first
    ).values_list("reviewed_at", flat=True)
    for moment in moments:
        day = timezone.localtime(moment).date()
        if day in counts:
            counts[day] += 1
    return [DayCount(day, count) for day, count in counts.items()]


def true_retention(*, member, now: datetime, days: int = 30) -> dict:
    """Of the grades given to cards in review (past learning) in the last `days` days, how many
    were recalled (Hard, Good or Easy): what FSRS's target retention aims at."""
    counts = ReviewLog.objects.filter(
        member=member,
        kind=ReviewLog.Kind.REVIEW,
        undone_at__isnull=True,
        reviewed_at__gte=now - timedelta(days=days),
        state_before__state=State.REVIEW,
    ).aggregate(total=Count("id"), recalled=Count("id", filter=Q(rating__gt=1)))
    total, recalled = counts["total"], counts["recalled"]
    return {
        "total": total,
        "recalled": recalled,
        "retention": recalled / total if total else None,
        "target": settings_of(member=member).desired_retention,
    }


def due_forecast(*, member, now: datetime, days: int = 30) -> list[DayCount]:
    """How many learned cards come due on each of the next `days` days (overdue ones today)."""
    today = start_of_day(now)
    counts = {(today + timedelta(days=n)).date(): 0 for n in range(days)}
    dues = (
        cards_visible_to(member)
        .filter(suspended=False, due__lt=today + timedelta(days=days))
        .exclude(state=State.NEW)
        .values_list("due", flat=True)
    )
    first = today.date()
    for due in dues:
        day = max(timezone.localtime(due).date(), first)
        if day in counts:
            counts[day] += 1
    return [DayCount(day, count) for day, count in counts.items()]


# The organizers' view: aggregates only

MINIMUM_GROUP = 5  # fewer reviewers than this, and a term's figures would describe a person


def term_difficulty(*, course) -> dict:
    """Per term of the course, over its current members' term cards past their first grade:
    how many members, the mean FSRS difficulty (1-10) and the share of grades that were Again.
    Terms with fewer than MINIMUM_GROUP members are counted, never shown."""
    cards = (
        Card.objects.filter(course=course, kind=Card.Kind.TERM)
        .filter(member_id__in=course_members(course).values("user_id"))
        .exclude(state=State.NEW)
    )
    rows = list(
        cards.values("term_id", "term__name", "term__slug")
        .annotate(
            members=Count("member", distinct=True),
            difficulty=Avg("difficulty"),
        )
        .order_by("-difficulty", "term__name")
    )
    shown = [row for row in rows if row["members"] >= MINIMUM_GROUP]
    grades = (
        ReviewLog.objects.filter(
            card__in=cards.filter(term_id__in=[row["term_id"] for row in shown]),
            kind=ReviewLog.Kind.REVIEW,
            undone_at__isnull=True,
        )
        .values("card__term_id")
        .annotate(total=Count("id"), again=Count("id", filter=Q(rating=1)))
    )
    by_term = {row["card__term_id"]: row for row in grades}
    for row in shown:
        counts = by_term.get(row["term_id"], {"total": 0, "again": 0})
        row["grades"] = counts["total"]
        row["again_share"] = counts["again"] / counts["total"] if counts["total"] else 0
    return {"shown": shown, "withheld": len(rows) - len(shown)}
