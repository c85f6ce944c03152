"""The bridge to FSRS (the `fsrs` package): our rows to its Card and back. Nothing here
schedules; fsrs.Scheduler does. Fuzzing is off so that a schedule recomputed from the review
log is the one stored."""

from datetime import UTC, datetime, timedelta

import fsrs

from study.models import Card, Rating, State


def scheduler_for(*, desired_retention: float = 0.9) -> fsrs.Scheduler:
    return fsrs.Scheduler(desired_retention=desired_retention, enable_fuzzing=False)


def fsrs_card(card: Card, *, now: datetime) -> fsrs.Card:
    if card.state == State.NEW:
        return fsrs.Card(card_id=card.pk or 1, due=_utc(now))
    return fsrs.Card(
        card_id=card.pk or 1,
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=_utc(card.due),
        last_review=_utc(card.last_review) if card.last_review else None,
    )


def state_of(card: Card) -> dict:
    """The schedule fields as the log keeps them (fsrs.Card.to_dict()'s, state 0 for new)."""
    return {
        "state": card.state,
        "step": card.step,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "due": _utc(card.due).isoformat(),
        "last_review": _utc(card.last_review).isoformat() if card.last_review else None,
    }


def state_from_fsrs(scheduled: fsrs.Card) -> dict:
    return {
        "state": scheduled.state.value,
        "step": scheduled.step,
        "stability": scheduled.stability,
        "difficulty": scheduled.difficulty,
        "due": scheduled.due.isoformat(),
        "last_review": scheduled.last_review.isoformat() if scheduled.last_review else None,
    }


def fields_from_state(state: dict) -> dict:
    """The Card model's fields for a logged state."""
    return {
        "state": state["state"],
        "step": state["step"],
        "stability": state["stability"],
        "difficulty": state["difficulty"],
        "due": datetime.fromisoformat(state["due"]),
        "last_review": (
            datetime.fromisoformat(state["last_review"]) if state["last_review"] else None
        ),
    }


def review(
    card: Card, *, rating: int, now: datetime, desired_retention: float = 0.9
) -> tuple[dict, dict]:
    """(state before, state after) of grading the card `rating` at `now`."""
    scheduled, _ = scheduler_for(desired_retention=desired_retention).review_card(
        fsrs_card(card, now=now), fsrs.Rating(rating), review_datetime=_utc(now)
    )
    return state_of(card), state_from_fsrs(scheduled)


def next_intervals(
    card: Card, *, now: datetime, desired_retention: float = 0.9
) -> dict[int, timedelta]:
    """How long until the card comes back for each grade, as fsrs computes it."""
    scheduler = scheduler_for(desired_retention=desired_retention)
    current = fsrs_card(card, now=now)
    return {
        rating: scheduler.review_card(current, fsrs.Rating(rating), review_datetime=_utc(now))[
            0
        ].due
        - _utc(now)
        for rating in Rating.values
    }


def interval_label(interval: timedelta) -> str:
    """ "<1 min", "10 min", "3 h", "4 d", "2.5 mo", "1.2 y": short enough for a button."""
    seconds = interval.total_seconds()
    if seconds < 60:
        return "<1 min"
    if seconds < 3600:
        return f"{round(seconds / 60)} min"
    if seconds < 86400:
        return f"{round(seconds / 3600)} h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)} d"
    if days < 365:
        return f"{days / 30:.1f} mo"
    return f"{days / 365:.1f} y"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
