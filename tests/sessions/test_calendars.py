from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from django.conf import settings as django_settings
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


NEW_YORK = ZoneInfo("America/New_York")


def _course_feed_events(course) -> dict:
    parsed = icalendar.Calendar.from_ical(_feed(course, include_online=False))
    return {str(e["summary"]).split(": ", 1)[1]: e for e in parsed.walk("VEVENT")}


def test_a_session_in_the_repeated_hour_is_written_at_its_own_instant(course_factory):
    course = course_factory(time_zone="America/New_York")
    # 01:30 happens twice on 3 November 2024: first in daylight time, then in standard time.
    first = datetime(2024, 11, 3, 1, 30, tzinfo=NEW_YORK)
    second = datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=NEW_YORK)
    for title, starts in (("First", first), ("Second", second)):
        starts = starts.astimezone(UTC)  # a zone's times add as wall times, losing the fold
        services.session_create(
            course=course, title=title, starts_at=starts, ends_at=starts + timedelta(minutes=20)
        )
    feed = _feed(course, include_online=False)
    events = _course_feed_events(course)
    assert events["First"].decoded("dtstart").astimezone(UTC) == datetime(
        2024, 11, 3, 5, 30, tzinfo=UTC
    )
    assert events["Second"].decoded("dtstart").astimezone(UTC) == datetime(
        2024, 11, 3, 6, 30, tzinfo=UTC
    )
    assert events["First"]["dtstart"].params["TZID"] == "America/New_York"  # wall time kept
    # vobject, an independent reader, agrees.
    vevents = {
        v.summary.value.split(": ", 1)[1]: v for v in vobject.readOne(feed.decode()).vevent_list
    }
    assert vevents["Second"].dtstart.value.astimezone(UTC) == second.astimezone(UTC)
    assert vevents["First"].dtstart.value.astimezone(UTC) == first.astimezone(UTC)


@pytest.mark.parametrize("reader", ["icalendar", "vobject"])
def test_the_feeds_time_zone_holds_the_rules_for_every_year_the_site_accepts(
    course_factory, reader
):
    course = course_factory(time_zone="Europe/London")
    moments = [
        datetime(year, 7, 1, 12, tzinfo=UTC) for year in (1916, 1969, 2024, 2040, 2150, 2200)
    ]
    moments.append(datetime(2200, 12, 31, 12, tzinfo=UTC))
    for number, starts in enumerate(moments, start=1):
        services.session_create(
            course=course, title=f"S{number}", starts_at=starts, ends_at=starts + timedelta(hours=1)
        )
    # Renamed, the zone is one no reader knows: only the file's VTIMEZONE gives its rules.
    text = _feed(course, include_online=False).decode().replace("Europe/London", "Tracker-London")
    if reader == "icalendar":
        parsed = icalendar.Calendar.from_ical(text)
        starts = {str(e["summary"])[-2:]: e.decoded("dtstart") for e in parsed.walk("VEVENT")}
    else:
        parsed = vobject.readOne(text)
        starts = {e.summary.value[-2:]: e.dtstart.value for e in parsed.vevent_list}
    for number, moment in enumerate(moments, start=1):
        assert starts[f"S{number}"].astimezone(UTC) == moment, number


def test_exported_uids_carry_the_sites_domain_and_never_repeat_in_a_feed(course_factory, settings):
    settings.CALENDAR_UID_DOMAIN = "calendar.example.net"
    course = course_factory(time_zone="UTC")
    start = datetime(2024, 5, 1, 10, tzinfo=UTC)

    def make(title, **fields):
        return services.session_create(
            course=course,
            title=title,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            **fields,
        )

    own = make("Own")
    from_google = make("From Google", ical_uid="abc123@google.com")
    weekly = [
        make(f"Weekly {n}", ical_uid="weekly@google.com", ical_recurrence_id=f"2024050{n}")
        for n in (1, 8)
    ]
    copied = make("Copied from another course", ical_uid="session-1@calendar.example.net")
    uids = {title: str(e["uid"]) for title, e in _course_feed_events(course).items()}
    assert uids["Own"] == f"session-{own.pk}@calendar.example.net"
    assert uids["From Google"] == "abc123@google.com"  # as it was exported before, kept
    assert uids["Weekly 1"] == f"session-{weekly[0].pk}@calendar.example.net"
    assert uids["Copied from another course"] == f"session-{copied.pk}@calendar.example.net"
    assert len(set(uids.values())) == len(uids) == 5
    assert from_google.pk


def test_a_feed_imported_back_into_its_own_course_matches_its_sessions(course_factory):
    course, before, after = _seminar(course_factory)

    def matched(text):
        events = calendars.parse_calendar(text, zone_name="UTC")
        plan = calendars.plan_import(course=course, events=events)
        assert not plan.to_create
        return {session.pk for session, _event in plan.to_update + plan.unchanged}

    feed = _feed(course, include_online=False).decode()
    assert matched(feed) == {before.pk, after.pk}
    # Files written before UIDs carried the site's domain still match their sessions.
    legacy = feed.replace(f"@{django_settings.CALENDAR_UID_DOMAIN}", "@tracker")
    assert legacy != feed
    assert matched(legacy) == {before.pk, after.pk}
    # Another site's feed names sessions of its own, not ours.
    other_site = feed.replace(f"@{django_settings.CALENDAR_UID_DOMAIN}", "@elsewhere.example")
    events = calendars.parse_calendar(other_site, zone_name="UTC")
    assert len(calendars.plan_import(course=course, events=events).to_create) == 2


def test_a_feed_round_trips_through_an_import_into_another_course(course_factory):
    source, _before, _after = _seminar(course_factory)
    first = _feed(source, include_online=False)
    target = course_factory(time_zone="Australia/Sydney", title=source.title)
    events = calendars.parse_calendar(first, zone_name=target.time_zone)
    calendars.apply_import(calendars.plan_import(course=target, events=events))
    again = vobject.readOne(_feed(target, include_online=False).decode())
    original = vobject.readOne(first.decode())

    def shape(calendar):
        return sorted(
            (e.dtstart.value.astimezone(UTC), e.dtend.value.astimezone(UTC), e.status.value)
            for e in calendar.vevent_list
        )

    assert shape(again) == shape(original)
    # The copies are other sessions: their UIDs differ from the originals'.
    assert not {e.uid.value for e in again.vevent_list} & {
        e.uid.value for e in original.vevent_list
    }
