"""Writes for study: grading a card, undoing the last grade, suspending, burying, resetting and
the member's settings. Every change of a schedule appends to the review log; nothing in the log
is overwritten (an undone review gets `undone_at`)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from study import scheduling, selectors
from study.models import Card, Rating, ReviewLog, State, StudySettings
from tracker.concurrency import StateConflict

STALE = "This card changed since it was shown (graded in another tab?); here it is as it is now."


def _card_for(*, member, key: str, now: datetime) -> Card:
    """The member's card for `key`, locked; created (new) when the course offers it and it has
    no row yet. A key that is not the member's is a validation error, as if it did not exist."""
    locked = (
        selectors.cards_visible_to(member)
        .select_for_update(of=("self",))
        .select_related("course", "term", "alias", "highlight")
    )
    highlight_id = selectors.parse_highlight_key(key)
    parsed = selectors.parse_key(key)
    if highlight_id is not None:
        locked = locked.filter(kind=Card.Kind.HIGHLIGHT, highlight_id=highlight_id)
    elif parsed is not None:
        course_id, term_id, alias_id = parsed
        locked = locked.filter(course_id=course_id, term_id=term_id, alias_id=alias_id).filter(
            kind=Card.Kind.ALIAS if alias_id else Card.Kind.TERM
        )
    else:
        raise ValidationError({"card": "No such card among your courses."})
    card = locked.first()
    if card is not None:
        return card
    item = selectors.item_for_key(member=member, key=key)
    if item is None:
        raise ValidationError({"card": "No such card among your courses."})
    Card.objects.bulk_create(
        [
            Card(
                member=member,
                course=item.course,
                kind=item.kind,
                term=item.term,
                alias=item.alias,
                highlight=item.highlight,
                due=now,
            )
        ],
        ignore_conflicts=True,  # another request created it first: lock that one
    )
    return locked.get()


@transaction.atomic
def review_submit(
    *,
    member,
    key: str,
    rating: int,
    version: int,
    now: datetime | None = None,
    duration_ms: int | None = None,
) -> ReviewLog:
    """Grades the card as fsrs schedules it and logs the change. `version` is the card's
    version the member saw: another is a StateConflict (a double submit, another tab)."""
    if rating not in Rating.values:
        raise ValidationError({"rating": "Grade 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)."})
    now = now or timezone.now()
    card = _card_for(member=member, key=key, now=now)
    if card.version != version:
        raise StateConflict(STALE)
    if card.suspended:
        raise StateConflict("This card is suspended; unsuspend it to review it.")
    settings = selectors.settings_of(member=member)
    before, after = scheduling.review(
        card, rating=rating, now=now, desired_retention=settings.desired_retention
    )
    revision = selectors.current_revision_of(card.term)
    _apply(card, after, seen_revision=revision)
    return ReviewLog.objects.create(
        card=card,
        member=member,
        rating=rating,
        reviewed_at=now,
        duration_ms=duration_ms,
        state_before=before,
        state_after=after,
        card_version=card.version,
        term_revision=revision,
    )


def _apply(card: Card, state: dict, **extra) -> None:
    fields = {**scheduling.fields_from_state(state), **extra}
    for name, value in fields.items():
        setattr(card, name, value)
    card.version += 1
    card.buried_until = None
    card.save(update_fields=[*fields, "version", "buried_until"])


@transaction.atomic
def review_undo(*, member, now: datetime | None = None) -> ReviewLog:
    """Puts the card of the member's last grade back as it was before it, and marks that
    review undone (it stays in the log). Refused when the card changed since."""
    log = selectors.last_undoable(member=member)
    if log is None:
        raise StateConflict("There is no grade to undo.")
    log = ReviewLog.objects.select_for_update().get(pk=log.pk)
    card = Card.objects.select_for_update().get(pk=log.card_id)
    if log.undone_at is not None or card.version != log.card_version:
        raise StateConflict("That card changed after this grade; it can no longer be undone.")
    seen = (
        ReviewLog.objects.filter(card=card, undone_at__isnull=True, kind=ReviewLog.Kind.REVIEW)
        .exclude(pk=log.pk)
        .order_by("-reviewed_at", "-id")
        .values_list("term_revision", flat=True)
        .first()
    )
    _apply(card, log.state_before, seen_revision=seen or 0)
    log.undone_at = now or timezone.now()
    log.save(update_fields=["undone_at"])
    return log


@transaction.atomic
def card_reset(*, member, key: str, now: datetime | None = None) -> ReviewLog:
    """Forgets the card's schedule: it is new again (and no longer suspended). Logged, so the
    history stays whole."""
    now = now or timezone.now()
    card = _card_for(member=member, key=key, now=now)
    before = scheduling.state_of(card)
    after = {**before, "state": State.NEW, "step": None, "stability": None, "difficulty": None}
    after["due"], after["last_review"] = now.isoformat(), None
    _apply(card, after, suspended=False)
    return ReviewLog.objects.create(
        card=card,
        member=member,
        kind=ReviewLog.Kind.RESET,
        reviewed_at=now,
        state_before=before,
        state_after=after,
        card_version=card.version,
        term_revision=card.seen_revision,
    )


@transaction.atomic
def card_suspend(*, member, key: str, suspended: bool = True) -> Card:
    card = _card_for(member=member, key=key, now=timezone.now())
    card.suspended = suspended
    card.save(update_fields=["suspended"])
    return card


@transaction.atomic
def card_bury(*, member, key: str, now: datetime | None = None) -> Card:
    """Hides the card until tomorrow (the member's midnight)."""
    now = now or timezone.now()
    card = _card_for(member=member, key=key, now=now)
    card.buried_until = selectors.start_of_day(now) + selectors.ONE_DAY
    card.save(update_fields=["buried_until"])
    return card


def settings_update(
    *, member, new_per_day: int, desired_retention: float, study_highlights: bool = False
) -> StudySettings:
    """Turning highlights off stops new highlight cards; those already learned stay (suspend
    them one by one to stop them)."""
    settings = selectors.settings_of(member=member)
    settings.new_per_day = new_per_day
    settings.desired_retention = desired_retention
    settings.study_highlights = study_highlights
    settings.full_clean()
    settings.save()
    return settings
