"""Calendar import of files shaped like what Google, Outlook, Thunderbird, Radicale and Apple
write (tests/data/calendars/, written for these tests after the patterns in the icalendar and
vobject projects' test calendars): recurrences expand, lengths survive daylight-saving changes,
and every broken file is a 400 that names its event, through the page and the API alike."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from sessions import calendars, services
from sessions.models import Session
from tests.sessions.factories import CourseFactory, MembershipFactory

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent.parent / "data" / "calendars"
ZONE = "Europe/London"  # the course's: floating and all-day times are read in it
NOW = datetime(2024, 6, 1, tzinfo=UTC)

# Each readable file, and how many sessions it gives (cancelled occurrences included).
READABLE = {
    "google_weekly_seminar.ics": 8,  # COUNT=8, one EXDATE, one RDATE, one moved, one cancelled
    "outlook_windows_zones.ics": 9,  # 8 weekly in "W. Europe Standard Time", 1 in Pacific
    "thunderbird_cancelled_occurrences.ics": 9,  # 11 weekly, 2 EXDATEs in UTC, 1 cancelled
    "bom_floating_apple.ics": 7,  # a BOM, LF line ends, all-day events, a floating time
    "dst_edges.ics": 13,  # 6 single events, 4 in Chatham, 3 of 4 days in Samoa's 2011
    "odd_zones.ics": 6,  # zones with seconds offsets, commas, Cyrillic, vendor prefixes
}
# Each broken file, and what its message says (besides naming the event).
BROKEN = {
    "malformed_dtstart.ics": "its DTSTART cannot be read",
    "duplicated_dtstart.ics": "it has 2 DTSTART lines",
    "impractical_duration.ics": "its DURATION cannot be read",
    "malformed_duration.ics": "its DURATION cannot be read",
    "missing_dtstart.ics": "it has no start time",
    "end_before_start.ics": "it ends before it starts",
    "before_1900.ics": "between the years 1900 and 2200",
    "past_2200.ics": "its occurrence of 2201-01-08 10:00+14:00 starts in the year 2201",
    "unknown_zone.ics": "'Atlantis/Capital', which is neither a zone we know",
    "endless_daily.ics": "it repeats more than 500 times before",
    "count_over_limit.ics": "it repeats more than 500 times",
    "malformed_rrule.ics": "its RRULE cannot be read",
    "malformed_exdate.ics": "its EXDATE cannot be read",
    "missing_uid.ics": "it has no UID",
    "repeated_uid.ics": "event 1 has the same UID",
    "unknown_x_wr_timezone.ics": "X-WR-TIMEZONE (Mars/Olympus_Mons) is not a zone",
    "truncated.ics": "This is not an iCalendar file",
}
NAMES_NO_EVENT = {"unknown_x_wr_timezone.ics", "truncated.ics"}


def _read(name: str) -> bytes:
    path = DATA / name if (DATA / name).exists() else DATA / "broken" / name
    return path.read_bytes()


def _events(name: str) -> list[calendars.ImportedEvent]:
    return calendars.parse_calendar(_read(name), zone_name=ZONE, now=NOW)


def _organized_course():
    course = CourseFactory(time_zone=ZONE)
    organizer = MembershipFactory(course=course, role="organizer").user
    return course, organizer


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _import_url(course) -> str:
    return f"/api/v1/courses/{course.slug}/calendar/import"


@pytest.mark.parametrize(("name", "count"), READABLE.items())
def test_each_readable_file_gives_its_sessions_through_the_api_and_again_changes_nothing(
    name, count
):
    course, organizer = _organized_course()
    client = _api(organizer)
    text = _read(name).decode("utf-8")
    dry = client.post(f"{_import_url(course)}?dry_run=true", {"text": text}, format="json")
    assert dry.status_code == 200, dry.content
    assert len(dry.json()["to_create"]) == count
    assert client.post(_import_url(course), {"text": text}, format="json").status_code == 200
    assert course.sessions.count() == count
    before = list(course.sessions.values_list("id", "starts_at", "ends_at", "updated_at"))
    again = client.post(_import_url(course), {"text": text}, format="json").json()
    assert (len(again["to_create"]), len(again["to_update"])) == (0, 0)
    assert len(again["unchanged"]) == count
    assert list(course.sessions.values_list("id", "starts_at", "ends_at", "updated_at")) == before


@pytest.mark.parametrize(("name", "count"), READABLE.items())
def test_each_readable_file_previews_and_imports_through_the_page(client, name, count):
    course, organizer = _organized_course()
    client.force_login(organizer)
    url = reverse("calendar_import", args=[course.slug])
    upload = _read(name)
    from django.core.files.uploadedfile import SimpleUploadedFile

    preview = client.post(url, {"file": SimpleUploadedFile(name, upload, "text/calendar")})
    assert preview.status_code == 200
    assert f"{count} to add, 0 to update, 0 unchanged" in preview.content.decode()
    confirm = {"text": preview.context["text"], "confirm": "1"}
    confirm["fingerprint"] = preview.context["plan"].fingerprint
    assert client.post(url, confirm).status_code == 302
    assert course.sessions.count() == count


@pytest.mark.parametrize(("name", "message"), BROKEN.items())
def test_each_broken_file_is_a_400_naming_the_event_and_saves_nothing(client, name, message):
    course, organizer = _organized_course()
    text = _read(name).decode("utf-8")
    for url in (f"{_import_url(course)}?dry_run=true", _import_url(course)):
        answer = _api(organizer).post(url, {"text": text}, format="json")
        assert answer.status_code == 400, answer.content
        problems = answer.json()["file"]
        assert any(message in problem for problem in problems), problems
        if name not in NAMES_NO_EVENT:
            assert problems[0].startswith("Event ")
            assert "line " in problems[0]
    client.force_login(organizer)
    page = client.post(reverse("calendar_import", args=[course.slug]), {"text": text})
    assert page.status_code == 200
    assert message.replace("'", "&#x27;") in page.content.decode()
    assert not Session.objects.exists()


def test_a_weekly_series_applies_exclusions_additions_moves_and_cancellations():
    events = _events("google_weekly_seminar.ics")
    days = [(e.starts_at.date().isoformat(), e.starts_at.hour) for e in events]
    # 18:00 London: 17:00 UTC in summer time, 18:00 after 27 October; 22 October excluded,
    # 4 December added, 5 November moved to 17:00.
    assert days == [
        ("2024-10-08", 17),
        ("2024-10-15", 17),
        ("2024-10-29", 18),
        ("2024-11-05", 17),
        ("2024-11-12", 18),
        ("2024-11-19", 18),
        ("2024-11-26", 18),
        ("2024-12-04", 18),
    ]
    moved = events[3]
    assert (moved.title, moved.location) == ("Reading group: guest talk", "Lecture theatre B")
    assert moved.recurrence_id == "20241105T180000Z"  # the occurrence it replaces
    assert [e.cancelled for e in events] == [False] * 5 + [True] + [False] * 2
    assert {e.ends_at - e.starts_at for e in events} == {timedelta(hours=1, minutes=30)}
    assert len({e.key for e in events}) == 8


def test_a_cancelled_occurrence_becomes_a_cancelled_session():
    course = CourseFactory(time_zone=ZONE)
    plan = calendars.plan_import(
        course=course, events=_events("thunderbird_cancelled_occurrences.ics")
    )
    calendars.apply_import(plan)
    cancelled = course.sessions.get(status=Session.Status.CANCELLED)
    assert cancelled.starts_at == datetime(2024, 3, 13, 16, tzinfo=UTC)
    assert cancelled.ical_recurrence_id == "20240313T160000Z"
    # Numbered in order of their start.
    starts = list(course.sessions.order_by("number").values_list("starts_at", flat=True))
    assert starts == sorted(starts)


def test_lengths_are_real_time_across_daylight_saving_changes():
    lengths = {e.uid.split("@")[0]: e.ends_at - e.starts_at for e in _events("dst_edges.ics")}
    hours = timedelta(hours=1)
    assert lengths["london-night-clocks-back"] == 4 * hours  # 00:00 BST to 03:00 GMT
    assert lengths["london-duration-clocks-back"] == 4 * hours  # PT4H is four hours
    assert lengths["new-york-clocks-forward"] == 2 * hours  # 01:00 EST to 04:00 EDT
    assert lengths["lord-howe-half-hour"] == 2.5 * hours  # Lord Howe goes back 30 minutes
    assert lengths["chatham-weekly"] == 1.75 * hours


def test_wall_times_that_occur_twice_or_never_are_read_as_rfc_5545_says():
    events = {e.uid.split("@")[0]: e for e in _events("dst_edges.ics")}
    # A wall time that occurs twice is its first occurrence (still daylight time, -04:00).
    assert events["new-york-repeated-hour"].starts_at == datetime(2024, 11, 3, 5, 30, tzinfo=UTC)
    # One that never occurs is read with the offset before the gap (-05:00).
    assert events["new-york-in-the-gap"].starts_at == datetime(2024, 3, 10, 7, 30, tzinfo=UTC)
    # A weekly event keeps its wall time (09:00 at Chatham) as the zone's offset changes.
    chatham = [e.starts_at for e in _events("dst_edges.ics") if e.uid.startswith("chatham")]
    assert [m.hour * 60 + m.minute for m in chatham] == [19 * 60 + 15] * 2 + [20 * 60 + 15] * 2


def test_all_day_events_run_from_midnight_to_midnight_in_the_course_zone():
    events = {e.title: e for e in _events("bom_floating_apple.ics")}
    day = events["Project day"]
    assert day.all_day and day.starts_at == datetime(2024, 4, 14, 23, tzinfo=UTC)  # BST
    assert day.ends_at - day.starts_at == timedelta(days=1)
    assert events["Workshop (three days)"].ends_at - events["Workshop (three days)"].starts_at == (
        timedelta(days=3)
    )
    change = events["Day the clocks change"]  # 31 March 2024 in London has 23 hours
    assert (change.starts_at, change.ends_at - change.starts_at) == (
        datetime(2024, 3, 31, 0, tzinfo=UTC),
        timedelta(hours=23),
    )
    floating = events["Floating time: the course's wall clock"]
    assert floating.starts_at == datetime(2024, 5, 2, 9, tzinfo=UTC)  # 10:00 BST


def test_windows_zone_names_are_read_as_the_zones_they_stand_for():
    events = _events("outlook_windows_zones.ics")
    tutorials = [e for e in events if e.title == "Tutorium Optimierung"]
    assert tutorials[0].starts_at == datetime(2024, 9, 10, 12, 30, tzinfo=UTC)  # 14:30 CEST
    assert tutorials[-1].starts_at == datetime(2024, 10, 29, 13, 30, tzinfo=UTC)  # 14:30 CET
    seattle = next(e for e in events if e.title == "Call with the Seattle group")
    assert seattle.starts_at == datetime(2024, 11, 5, 17, tzinfo=UTC)  # 09:00 PST


def test_an_open_ended_series_is_expanded_until_a_year_from_now():
    ics = _one("DTSTART:20240101T100000Z\r\nRRULE:FREQ=WEEKLY")
    events = calendars.parse_calendar(ics, zone_name=ZONE, now=NOW)
    assert events[0].starts_at == datetime(2024, 1, 1, 10, tzinfo=UTC)
    assert events[-1].starts_at <= NOW + timedelta(days=366) < events[-1].starts_at + timedelta(7)
    assert len(events) == 74


def _one(lines: str, uid: str = "series@tests.example") -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nSUMMARY:Series\r\n{lines}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def test_reimporting_a_changed_override_updates_only_that_session():
    course = CourseFactory(time_zone=ZONE)
    text = _read("google_weekly_seminar.ics").decode()
    calendars.apply_import(calendars.plan_calendar(course=course, text=text, now=NOW))
    changed = text.replace("SUMMARY:Reading group: guest talk", "SUMMARY:Guest talk, renamed")
    plan = calendars.plan_calendar(course=course, text=changed, now=NOW)
    assert (len(plan.to_create), len(plan.to_update), len(plan.unchanged)) == (0, 1, 7)
    calendars.apply_import(plan)
    session = course.sessions.get(ical_recurrence_id="20241105T180000Z")
    assert session.title == "Guest talk, renamed"


def test_what_the_dry_run_lists_is_exactly_what_the_import_stores():
    course, organizer = _organized_course()
    client = _api(organizer)
    text = _read("google_weekly_seminar.ics").decode()
    dry = client.post(f"{_import_url(course)}?dry_run=true", {"text": text}, format="json").json()
    body = {"text": text, "fingerprint": dry["fingerprint"]}
    assert client.post(_import_url(course), body, format="json").status_code == 200
    listed = [
        (e["uid"], e["recurrence_id"], e["title"], e["starts_at"], e["ends_at"], e["cancelled"])
        for e in dry["to_create"]
    ]
    stored = [
        (
            s.ical_uid,
            s.ical_recurrence_id,
            s.title,
            s.starts_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            s.ends_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            s.status == Session.Status.CANCELLED,
        )
        for s in course.sessions.order_by("number")
    ]
    assert sorted(listed) == sorted(stored)


def test_an_import_whose_plan_changed_since_the_dry_run_saves_nothing():
    course, organizer = _organized_course()
    client = _api(organizer)
    text = _read("thunderbird_cancelled_occurrences.ics").decode()
    dry = client.post(f"{_import_url(course)}?dry_run=true", {"text": text}, format="json").json()
    services.session_create(
        course=course,
        title="Added meanwhile",
        starts_at=datetime(2024, 2, 7, 16, tzinfo=UTC),
        ends_at=datetime(2024, 2, 7, 17, tzinfo=UTC),
        ical_uid="3f2b8c1e-57aa-4d0e-9a63-2c1d5e7f9b10",
        ical_recurrence_id="20240207T160000Z",
    )
    body = {"text": text, "fingerprint": dry["fingerprint"]}
    answer = client.post(_import_url(course), body, format="json")
    assert answer.status_code == 400
    assert "changed since that dry run" in answer.json()["fingerprint"][0]
    assert course.sessions.count() == 1


def test_the_page_shows_the_new_plan_instead_of_saving_when_it_changed(client):
    course, organizer = _organized_course()
    client.force_login(organizer)
    url = reverse("calendar_import", args=[course.slug])
    text = _read("google_weekly_seminar.ics").decode()
    preview = client.post(url, {"text": text})
    calendars.apply_import(calendars.plan_calendar(course=course, text=text))  # someone else
    before = list(course.sessions.values_list("id", "updated_at"))
    fingerprint = preview.context["plan"].fingerprint
    again = client.post(url, {"text": text, "confirm": "1", "fingerprint": fingerprint})
    assert again.status_code == 200
    assert "changed since the preview" in again.content.decode()
    assert "0 to add, 0 to update, 8 unchanged" in again.content.decode()
    assert list(course.sessions.values_list("id", "updated_at")) == before


def test_a_dry_run_flag_that_is_no_boolean_is_a_400_naming_it():
    course, organizer = _organized_course()
    answer = _api(organizer).post(
        f"{_import_url(course)}?dry_run=maybe", {"text": "x"}, format="json"
    )
    assert answer.status_code == 400
    assert list(answer.json()) == ["dry_run"]


def test_a_repeated_occurrence_key_in_a_callers_list_is_refused():
    course = CourseFactory(time_zone=ZONE)
    event = _events("google_weekly_seminar.ics")[0]
    with pytest.raises(ValidationError, match="another event has its UID and RECURRENCE-ID"):
        calendars.plan_import(course=course, events=[event, event])


def test_a_series_written_in_utc_keeps_its_local_time_through_google_x_wr_timezone():
    ics = _one(
        "DTSTART:20241015T170000Z\r\nDTEND:20241015T183000Z\r\nRRULE:FREQ=WEEKLY;COUNT=3"
    ).replace("PRODID:-//t//t//EN\r\n", "PRODID:-//t//t//EN\r\nX-WR-TIMEZONE:Europe/London\r\n")
    events = calendars.parse_calendar(ics, zone_name="Asia/Tokyo", now=NOW)
    # 18:00 in London each week: 17:00 UTC in summer time, 18:00 UTC after 27 October.
    assert [e.starts_at.hour for e in events] == [17, 17, 18]
    floating = ics.replace(
        "DTSTART:20241015T170000Z\r\nDTEND:20241015T183000Z", "DTSTART:20241015T180000"
    )
    first = calendars.parse_calendar(floating, zone_name="Asia/Tokyo", now=NOW)[0]
    assert first.starts_at == datetime(2024, 10, 15, 17, tzinfo=UTC)  # London's, not Tokyo's
