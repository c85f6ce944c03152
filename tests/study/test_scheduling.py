"""The stored schedule is the one fsrs computes, review after review, undo included."""

from datetime import UTC, datetime, timedelta

import fsrs
import pytest

from study import selectors, services
from study.models import Card, ReviewLog, State
from tests.study.factories import course_with_glossary

START = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture
def studying(user_factory):
    member = user_factory()
    course_with_glossary([{"name": "Attention", "definition": "Weights."}], members=[member])
    key = selectors.course_glossaries(member=member)[0].key
    return member, key


def _grade(member, key, rating, now):
    item = selectors.item_for_key(member=member, key=key)
    return services.review_submit(
        member=member, key=key, rating=rating, version=item.version, now=now
    )


def _assert_same(card: Card, expected: fsrs.Card):
    assert card.state == expected.state.value
    assert card.step == expected.step
    assert card.stability == pytest.approx(expected.stability, rel=1e-12)
    assert card.difficulty == pytest.approx(expected.difficulty, rel=1e-12)
    assert card.due == expected.due
    assert card.last_review == expected.last_review


def test_stored_schedule_equals_fsrs_for_a_scripted_sequence_with_an_undo(studying):
    member, key = studying
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    expected = fsrs.Card(card_id=1, due=START)
    script = [
        (fsrs.Rating.Good, START),
        (fsrs.Rating.Again, START + timedelta(minutes=12)),
        (fsrs.Rating.Good, START + timedelta(minutes=25)),
        (fsrs.Rating.Good, START + timedelta(days=1, hours=1)),
        (fsrs.Rating.Hard, START + timedelta(days=5)),
        (fsrs.Rating.Easy, START + timedelta(days=20)),
    ]
    for step, (rating, when) in enumerate(script):
        if step == 3:  # a grade given, then undone: the schedule is as if it never happened
            _grade(member, key, fsrs.Rating.Again.value, when)
            services.review_undo(member=member, now=when)
        expected, _ = scheduler.review_card(expected, rating, review_datetime=when)
        _grade(member, key, rating.value, when)
        _assert_same(Card.objects.get(member=member), expected)

    log = ReviewLog.objects.filter(member=member).order_by("id")
    assert log.count() == len(script) + 1
    undone = log.exclude(undone_at=None)
    assert [entry.rating for entry in undone] == [fsrs.Rating.Again.value]


def test_the_log_alone_recomputes_the_schedule(studying):
    member, key = studying
    for rating, days in [(3, 0), (3, 1), (1, 4), (3, 4.01), (4, 9)]:
        _grade(member, key, rating, START + timedelta(days=days))
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    recomputed = fsrs.Card(card_id=1, due=START)
    for entry in ReviewLog.objects.filter(member=member, undone_at=None).order_by("reviewed_at"):
        recomputed, _ = scheduler.review_card(
            recomputed, fsrs.Rating(entry.rating), review_datetime=entry.reviewed_at
        )
        assert entry.state_after["stability"] == pytest.approx(recomputed.stability)
    _assert_same(Card.objects.get(member=member), recomputed)


def test_undo_restores_a_new_card_to_new(studying):
    member, key = studying
    _grade(member, key, 3, START)
    services.review_undo(member=member, now=START)
    card = Card.objects.get(member=member)
    assert card.state == State.NEW
    assert card.last_review is None
