"""The progress figures: grades per day, true retention against the target, the forecast."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from study import selectors, services
from study.models import Card
from study.selectors import aggregates
from tests.study.factories import course_with_glossary

NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)


@pytest.fixture
def member(user_factory):
    return user_factory()


def _learn(member, names, when):
    """Each card graded Good, then Good a day later: past learning, in review."""
    for item in selectors.course_glossaries(member=member):
        if item.front in names:
            services.review_submit(member=member, key=item.key, rating=3, version=0, now=when)
            services.review_submit(
                member=member, key=item.key, rating=3, version=1, now=when + timedelta(days=1)
            )


def test_true_retention_counts_grades_of_cards_in_review_against_the_target(member):
    course_with_glossary([{"name": name} for name in "ABCD"], members=[member])
    _learn(member, "ABCD", NOW - timedelta(days=20))
    for name, rating in zip("ABCD", (3, 1, 2, 4), strict=True):
        card = Card.objects.get(member=member, term__name=name)
        services.review_submit(
            member=member, key=card.key, rating=rating, version=card.version, now=NOW
        )
    retention = aggregates.true_retention(member=member, now=NOW)
    assert (retention["recalled"], retention["total"]) == (3, 4)
    assert retention["retention"] == 0.75 and retention["target"] == 0.9


def test_grades_per_day_leave_out_undone_ones_and_the_forecast_counts_overdue_today(member):
    course_with_glossary([{"name": "A"}, {"name": "B"}], members=[member])
    with timezone.override("UTC"):
        _learn(member, "AB", NOW - timedelta(days=3))
        first = selectors.course_glossaries(member=member)[0]
        card = Card.objects.get(member=member, term__name=first.front)
        services.review_submit(member=member, key=card.key, rating=1, version=2, now=NOW)
        services.review_undo(member=member, now=NOW)
        per_day = {day.day: day.count for day in aggregates.reviews_per_day(member=member, now=NOW)}
        assert per_day[(NOW - timedelta(days=3)).date()] == 2
        assert per_day[(NOW - timedelta(days=2)).date()] == 2
        assert per_day[NOW.date()] == 0  # the undone grade
        forecast = aggregates.due_forecast(member=member, now=NOW + timedelta(days=60))
        assert forecast[0].count == 2 and sum(day.count for day in forecast) == 2
