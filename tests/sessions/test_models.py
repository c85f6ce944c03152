from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sessions import services
from sessions.models import Reflection, Session
from tracker.timezones import to_zone

pytestmark = pytest.mark.django_db


def _times(day: int = 1):
    start = datetime(2024, 3, day, 9, tzinfo=UTC)
    return {"starts_at": start, "ends_at": start + timedelta(hours=1)}


def test_sessions_are_numbered_one_after_the_highest_by_default(course_factory):
    course = course_factory()
    first = services.session_create(course=course, title="One", **_times(1))
    second = services.session_create(course=course, title="Two", **_times(2))
    services.session_create(course=course, title="Ten", number=10, **_times(3))
    eleventh = services.session_create(course=course, title="Next", **_times(4))
    assert (first.number, second.number, eleventh.number) == (1, 2, 11)


def test_numbering_is_per_course(course_factory, session_factory):
    session_factory(course=course_factory(), number=5)
    other = services.session_create(course=course_factory(), title="First", **_times())
    assert other.number == 1


def test_a_taken_number_is_refused_with_a_field_error(course_factory):
    course = course_factory()
    services.session_create(course=course, title="One", number=3, **_times())
    with pytest.raises(ValidationError) as error:
        services.session_create(course=course, title="Clash", number=3, **_times(2))
    assert "number" in error.value.message_dict
    assert Session.objects.filter(course=course).count() == 1


def test_the_database_refuses_a_duplicate_number(session_factory):
    session = session_factory(number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(course=session.course, number=1, title="Dup", **_times())


def test_a_session_must_end_after_it_starts(course_factory):
    course = course_factory()
    start = datetime(2024, 3, 1, 9, tzinfo=UTC)
    with pytest.raises(ValidationError) as error:
        services.session_create(course=course, title="Back", starts_at=start, ends_at=start)
    assert "ends_at" in error.value.message_dict
    assert not Session.objects.exists()


def test_the_database_refuses_an_end_before_the_start(course_factory):
    start = datetime(2024, 3, 1, 9, tzinfo=UTC)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(
            course=course_factory(), number=1, title="x", starts_at=start, ends_at=start
        )


def test_a_session_keeps_its_wall_time_across_a_dst_change_in_its_zone(course_factory):
    """Sydney moved from AEST (+10) to AEDT (+11) on 1 October 2023."""
    course = course_factory(time_zone="Australia/Sydney")
    sydney = ZoneInfo("Australia/Sydney")
    before = services.session_create(
        course=course,
        title="Before",
        starts_at=datetime(2023, 9, 28, 8, tzinfo=sydney),
        ends_at=datetime(2023, 9, 28, 9, tzinfo=sydney),
    )
    after = services.session_create(
        course=course,
        title="After",
        starts_at=datetime(2023, 10, 26, 9, tzinfo=sydney),
        ends_at=datetime(2023, 10, 26, 10, tzinfo=sydney),
    )
    before.refresh_from_db()
    after.refresh_from_db()
    assert before.starts_at.utcoffset() == timedelta(0)  # stored in UTC
    assert before.starts_at == datetime(2023, 9, 27, 22, tzinfo=UTC)
    assert after.starts_at == datetime(2023, 10, 25, 22, tzinfo=UTC)
    local_before = to_zone(before.starts_at, course.time_zone)
    local_after = to_zone(after.starts_at, course.time_zone)
    assert (local_before.hour, local_before.utcoffset()) == (8, timedelta(hours=10))
    assert (local_after.hour, local_after.utcoffset()) == (9, timedelta(hours=11))


def test_an_unknown_time_zone_is_refused(course_factory):
    with pytest.raises(ValidationError) as error:
        services.course_create(slug="bad-zone", title="Bad", time_zone="Mars/Olympus")
    assert "time_zone" in error.value.message_dict


def test_a_reflection_can_span_the_following_sessions(course_factory, member):
    course = course_factory()
    sessions = [
        services.session_create(course=course, title=f"S{i}", **_times(i)) for i in (1, 2, 3)
    ]
    reflection = services.reflection_save(
        author=member, session=sessions[0], body="Two at once", visibility="private",
        covers_until=sessions[1],
    )  # fmt: skip
    assert list(reflection.covered_numbers) == [1, 2]


def test_a_reflection_span_must_stay_in_its_course_and_go_forward(course_factory, member):
    course, other_course = course_factory(), course_factory()
    first = services.session_create(course=course, title="1", **_times(1))
    second = services.session_create(course=course, title="2", **_times(2))
    elsewhere = services.session_create(course=other_course, title="x", **_times(3))
    for covers_until in (elsewhere, first):
        with pytest.raises(ValidationError) as error:
            services.reflection_save(
                author=member, session=second, body="b", visibility="private",
                covers_until=covers_until,
            )  # fmt: skip
        assert "covers_until" in error.value.message_dict
    assert not Reflection.objects.exists()


def test_reflection_spans_of_one_author_cannot_overlap(course_factory, member, user_factory):
    course = course_factory()
    s1, s2, s3 = (
        services.session_create(course=course, title=f"{i}", **_times(i)) for i in (1, 2, 3)
    )
    services.reflection_save(author=member, session=s2, body="b", visibility="private")
    with pytest.raises(ValidationError):
        services.reflection_save(
            author=member, session=s1, body="a", visibility="private", covers_until=s3
        )
    # Another author is free to cover the same sessions.
    other = user_factory()
    services.reflection_save(
        author=other, session=s1, body="a", visibility="course", covers_until=s3
    )
    assert Reflection.objects.count() == 2


def test_saving_twice_updates_the_one_reflection(session_factory, member):
    session = session_factory()
    services.reflection_save(author=member, session=session, body="first", visibility="private")
    services.reflection_save(author=member, session=session, body="*second*", visibility="public")
    reflection = Reflection.objects.get()
    assert reflection.body == "*second*"
    assert reflection.body_html == "<p><em>second</em></p>"


def test_the_database_allows_one_reflection_per_author_and_session(reflection_factory):
    reflection = reflection_factory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Reflection.objects.create(author=reflection.author, session=reflection.session, body="x")


def test_a_blank_reflection_is_refused(session_factory, member):
    with pytest.raises(ValidationError) as error:
        services.reflection_save(
            author=member, session=session_factory(), body="  ", visibility="private"
        )
    assert "body" in error.value.message_dict
