from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core.exceptions import ValidationError

from sessions import calendars, services
from sessions.models import Session

pytestmark = pytest.mark.django_db
SYDNEY = ZoneInfo("Australia/Sydney")


def _url(path: str) -> str:
    return f"https://tracker.example.org{path}"


def _seminar(course_factory):
    course = course_factory(time_zone="Australia/Sydney", default_location="Carslaw 273")
    before = services.session_create(
        course=course,
        title="Before the change",
        starts_at=datetime(2023, 9, 28, 8, tzinfo=SYDNEY),
        ends_at=datetime(2023, 9, 28, 9, tzinfo=SYDNEY),
        speakers=[{"name": "Sadhika Malladi", "affiliation": "Princeton University"}],
        abstract="SDEs and *optimization*.",
    )
    after = services.session_create(
        course=course,
        title="After the change",
        starts_at=datetime(2023, 10, 26, 9, tzinfo=SYDNEY),
        ends_at=datetime(2023, 10, 26, 10, tzinfo=SYDNEY),
        status=Session.Status.CANCELLED,
    )
    return course, before, after


def _feed(course, *, include_online):
    return calendars.calendar_for(
        course.sessions.select_related("course").prefetch_related("speakers"),
        name=course.title,
        include_online=include_online,
        absolute_url=_url,
    )


def test_a_feed_reads_back_with_zones_and_keeps_local_wall_times(course_factory):
    course, before, after = _seminar(course_factory)
    parsed = icalendar.Calendar.from_ical(_feed(course, include_online=False))
    events = {str(e["uid"]): e for e in parsed.walk("VEVENT")}
    assert set(events) == {calendars.session_uid(before), calendars.session_uid(after)}
    assert [str(tz["tzid"]) for tz in parsed.walk("VTIMEZONE")] == ["Australia/Sydney"]
    first, second = events[calendars.session_uid(before)], events[calendars.session_uid(after)]
    assert first["dtstart"].params["TZID"] == "Australia/Sydney"
    assert (first.decoded("dtstart").hour, second.decoded("dtstart").hour) == (8, 9)
    assert first.decoded("dtstart").utcoffset() == timedelta(hours=10)
    assert second.decoded("dtstart").utcoffset() == timedelta(hours=11)
    assert "DTSTAMP" in first and str(first["url"]).startswith("https://tracker.example.org/")
    assert str(second["status"]) == "CANCELLED"
    assert "Sadhika Malladi (Princeton University)" in str(first["description"])


def test_a_public_feed_never_carries_the_online_link(course_factory):
    course, _, _ = _seminar(course_factory)
    public = _feed(course, include_online=False).decode()
    members = _feed(course, include_online=True).decode()
    assert "meet.example.org" not in public and "314159" not in public
    assert "meet.example.org/secret-room" in members.replace("\r\n ", "")


def test_strict_parse_of_the_feed_succeeds(course_factory):
    course, _, _ = _seminar(course_factory)
    text = _feed(course, include_online=True).decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    # RFC 5545: lines are folded at 75 octets and every line ends in CRLF.
    lines = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in lines)
    assert icalendar.Calendar.from_ical(text).errors == []


def test_reimporting_the_same_file_changes_nothing(course_factory):
    source, _, _ = _seminar(course_factory)
    ics = _feed(source, include_online=False)
    target = course_factory(time_zone="Australia/Sydney")
    events = calendars.parse_calendar(ics, zone_name=target.time_zone)
    first = calendars.apply_import(calendars.plan_import(course=target, events=events))
    assert len(first.to_create) == 2
    snapshot = list(
        target.sessions.values_list("number", "title", "starts_at", "status", "updated_at")
    )
    second = calendars.plan_import(course=target, events=events)
    assert (len(second.to_create), len(second.to_update), len(second.unchanged)) == (0, 0, 2)
    calendars.apply_import(second)
    assert (
        list(target.sessions.values_list("number", "title", "starts_at", "status", "updated_at"))
        == snapshot
    )


def test_an_import_updates_a_session_matched_by_uid(course_factory):
    course = course_factory(time_zone="Australia/Sydney")
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:talk-1@example\r\n"
        "DTSTAMP:20230101T000000Z\r\nDTSTART;TZID=Australia/Sydney:20231012T200000\r\n"
        "DTEND;TZID=Australia/Sydney:20231012T210000\r\nSUMMARY:{title}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    for title in ("Old title", "New title"):
        events = calendars.parse_calendar(ics.format(title=title), zone_name=course.time_zone)
        calendars.apply_import(calendars.plan_import(course=course, events=events))
    session = course.sessions.get()
    assert (session.title, session.ical_uid) == ("New title", "talk-1@example")
    assert session.starts_at == datetime(2023, 10, 12, 9, tzinfo=UTC)


def _one_event(lines: str) -> str:
    return f"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n{lines}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"


@pytest.mark.parametrize(
    "ics",
    [
        "not a calendar",
        _one_event("SUMMARY:No uid\r\nDTSTART:20230101T100000Z"),
        _one_event("UID:x\r\nDTSTART:20230101T100000Z\r\nDTEND:20230101T090000Z"),
        "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        # Each of these made icalendar raise an AttributeError (a 500).
        _one_event("UID:x\r\nDTSTART;VALUE=TIME:120000"),
        _one_event("UID:x\r\nDTSTART:20230101T100000Z\r\nDTEND;VALUE=DAT,E-TIME:20230101T1100Z"),
        "BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE=\r\nTZID:X\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n",
        # Times no page could show, and ends no date can hold.
        _one_event("UID:x\r\nDTSTART:00010101T010000Z"),
        _one_event("UID:x\r\nDTSTART:22000101T010000Z\r\nDURATION:P999999999D"),
    ],
)
def test_a_broken_calendar_is_refused_and_nothing_is_saved(course_factory, ics):
    course = course_factory()
    with pytest.raises(ValidationError) as error:
        calendars.parse_calendar(ics, zone_name=course.time_zone)
    assert "file" in error.value.message_dict
    assert not course.sessions.exists()
