"""Dates and numbers are bounded at every entry (tracker/bounds.py): each extreme is planted
through each door (the API, the session form, the calendar import on the API and on the page,
the bibliography import), in the most extreme zones, and then every list, feed and export
still answers 200. The extremes just outside the bounds are refused with a clear message and
store nothing."""

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from rest_framework.test import APIClient

from readings.models import Reading
from sessions.models import Session
from tests.sessions.factories import CourseFactory, MembershipFactory
from tracker import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Factories hash a password per user; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# UTC+14 today (UTC-10:29:20, its local mean time, before 1901) and UTC-12 always.
KIRITIMATI, FAR_WEST = "Pacific/Kiritimati", "Etc/GMT+12"
# Wall times in the course's zone; each session lasts one minute from there.
ALLOWED = [
    (KIRITIMATI, "1899-12-31T13:31"),  # 1900-01-01 00:00:20 UTC, a local year 1899
    (KIRITIMATI, "2201-01-01T13:58"),  # 2200-12-31 23:58 UTC, a local year 2201
    (FAR_WEST, "1899-12-31T12:00"),  # 1900-01-01 00:00 UTC, the earliest moment
    (FAR_WEST, "2200-12-31T11:58"),  # 2200-12-31 23:58 UTC, the latest moment
]
REFUSED = [
    (KIRITIMATI, "0001-01-01T00:00"),
    (KIRITIMATI, "1899-12-31T13:30"),  # 1899-12-31 23:59:20 UTC
    (KIRITIMATI, "2201-01-01T14:00"),  # 2201-01-01 00:00 UTC
    (KIRITIMATI, "9999-12-31T23:00"),  # 9999-12-31 09:00 UTC
    (FAR_WEST, "0001-01-01T01:00"),
    (FAR_WEST, "2200-12-31T12:00"),  # 2201-01-01 00:00 UTC
    (FAR_WEST, "9999-12-31T23:00"),  # year 10000 in UTC: no datetime holds it
]
DOORS = ["api", "page", "calendar-api", "calendar-page"]


def _wall_end(wall: str) -> str:
    start = datetime.fromisoformat(wall)
    return (start + timedelta(minutes=1)).isoformat(timespec="minutes")


def _ics(wall: str) -> str:
    """One event with floating times, which an import reads in the course's zone."""
    start = wall.replace("-", "").replace(":", "") + "00"
    end = _wall_end(wall).replace("-", "").replace(":", "") + "00"
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:extreme@example.org\r\nSUMMARY:Extreme\r\nDTSTART:{start}\r\nDTEND:{end}\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


@pytest.fixture
def world():
    """A public course in no zone yet, its organizer signed in on a page client and an API
    client, a visitor, and a reading that a session can list."""
    course = CourseFactory(visibility="public", slug="extreme")
    organizer = MembershipFactory(course=course, role="organizer").user
    page = Client()
    page.force_login(organizer)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {services.api_token_for(organizer).key}")
    return course, organizer, page, api


def _plant(door: str, course, page: Client, api: APIClient, wall: str):
    """Sends the session through the door; returns the response."""
    end = _wall_end(wall)
    if door == "api":
        zone = ZoneInfo(course.time_zone)
        body = {
            "course": course.slug,
            "title": "Extreme",
            "starts_at": datetime.fromisoformat(wall).replace(tzinfo=zone).isoformat(),
            "ends_at": datetime.fromisoformat(end).replace(tzinfo=zone).isoformat(),
        }
        return api.post("/api/v1/sessions/", body, format="json")
    if door == "page":
        form = {"title": "Extreme", "starts_at": wall, "ends_at": end, "status": "scheduled"}
        return page.post(f"/courses/{course.slug}/sessions/new/", form)
    if door == "calendar-api":
        url = f"/api/v1/courses/{course.slug}/calendar/import"
        preview = api.post(f"{url}?dry_run=true", {"text": _ics(wall)}, format="json")
        if preview.status_code != 200:
            return preview
        return api.post(url, {"text": _ics(wall)}, format="json")
    url = f"/courses/{course.slug}/calendar/import/"
    preview = page.post(url, {"text": _ics(wall)})
    if b"Save these changes" not in preview.content:
        return preview
    return page.post(url, {"text": _ics(wall), "confirm": "1"})


def _assert_every_list_feed_and_export_renders(course, organizer, page: Client):
    token = services.profile_for(organizer).calendar_token
    session = course.sessions.get()
    visitor = Client()
    signed_in = [
        "/",
        "/courses/",
        f"/courses/{course.slug}/",
        f"/courses/{course.slug}/sessions/{session.number}/",
        f"/courses/{course.slug}/sessions/{session.number}/edit/",
        f"/courses/{course.slug}/sessions/{session.number}/calendar.ics",
        f"/courses/{course.slug}/calendar.ics",
        f"/courses/{course.slug}/journal.md",
        f"/courses/{course.slug}/journal.zip",
        f"/courses/{course.slug}/journal/",
        f"/calendar/{token}.ics",
        "/search/?q=Extreme",
        "/readings/",
        "/readings/export/bibtex/?course=extreme",
        "/me/writing/",
        "/api/v1/sessions/",
        f"/api/v1/sessions/{session.pk}/",
        "/api/v1/sessions/?starts_after=2000-01-01T00:00:00Z",
        f"/api/v1/courses/{course.slug}/",
        f"/api/v1/courses/{course.slug}/calendar.ics",
        f"/api/v1/courses/{course.slug}/journal.md",
        "/api/v1/search/?q=Extreme",
        "/api/v1/readings/export?format=csljson&course=extreme",
    ]
    for url in signed_in:
        assert page.get(url).status_code == 200, url
    for url in ["/api/v1/sessions/", f"/courses/{course.slug}/", "/courses/", "/search/?q=x"]:
        assert visitor.get(url).status_code == 200, url
    assert visitor.get(f"/courses/{course.slug}/calendar.ics").status_code == 200


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize(("zone", "wall"), ALLOWED)
def test_the_extremes_allowed_are_stored_and_every_page_still_renders(world, door, zone, wall):
    course, organizer, page, api = world
    course.time_zone = zone
    course.save()
    response = _plant(door, course, page, api, wall)
    assert response.status_code in (200, 201, 302), response.content[:500]
    assert course.sessions.count() == 1
    _assert_every_list_feed_and_export_renders(course, organizer, page)


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize(("zone", "wall"), REFUSED)
def test_the_extremes_beyond_are_refused_with_a_message_and_store_nothing(world, door, zone, wall):
    course, _organizer, page, api = world
    course.time_zone = zone
    course.save()
    response = _plant(door, course, page, api, wall)
    text = response.content.decode()
    if door.startswith("calendar"):
        assert "between the years 1900 and 2200" in text  # named for its event
        assert "Event 1 (Extreme)" in text
    else:
        assert "Give a time between the years 1900 and 2200." in text
    assert response.status_code == (400 if door.endswith("api") else 200)
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    "ics_times",
    [
        "DTSTART:00010101T010000Z\r\nDTEND:00010101T020000Z",  # as reported
        "DTSTART:99991231T100000Z\r\nDTEND:99991231T110000Z",  # 10000-01-01 at +14
        "DTSTART:21001231T100000Z\r\nDURATION:P999999999D",  # an end no date can hold
        "DTSTART;VALUE=DATE:00010101",  # an all-day event in year 1
    ],
)
def test_an_imported_event_out_of_range_is_named_and_nothing_is_saved(world, ics_times):
    course, _organizer, page, api = world
    course.time_zone = KIRITIMATI
    course.save()
    text = _ics("2024-01-01T00:00").replace(
        "DTSTART:20240101T000000\r\nDTEND:20240101T000100", ics_times
    )
    url = f"/api/v1/courses/{course.slug}/calendar/import"
    for answer in (api.post(f"{url}?dry_run=true", {"text": text}), api.post(url, {"text": text})):
        assert answer.status_code == 400
        assert answer.json()["file"][0].startswith("Event 1 (Extreme): it")
    preview = page.post(f"/courses/{course.slug}/calendar/import/", {"text": text})
    assert "Event 1 (Extreme): it" in preview.content.decode()
    assert not Session.objects.exists()
    assert api.get("/api/v1/sessions/").status_code == 200


def test_a_session_saved_directly_cannot_hold_a_time_out_of_range(world):
    """The model refuses it too, whatever door a future writer uses."""
    course, _organizer, _page, _api = world
    session = Session(
        course=course,
        title="Direct",
        starts_at=datetime.fromisoformat("9999-12-31T10:00:00+00:00"),
        ends_at=datetime.fromisoformat("9999-12-31T11:00:00+00:00"),
    )
    with pytest.raises(ValidationError, match="between the years 1900 and 2200") as error:
        session.full_clean()
    assert set(error.value.message_dict) == {"starts_at", "ends_at"}


@pytest.mark.parametrize(
    "change",
    [
        {"starts_at": datetime.fromisoformat("0001-01-01T01:00:00+00:00")},
        {"ends_at": datetime.fromisoformat("9999-12-31T11:00:00+00:00")},
        {"number": 100_001},
    ],
    ids=["year-1", "year-9999", "number"],
)
def test_the_database_refuses_a_session_out_of_range_from_a_write_that_skips_validation(
    world, change
):
    """A check constraint holds the same bounds, so not even an update() can store them."""
    course, _organizer, _page, _api = world
    session = Session.objects.create(
        course=course,
        title="Direct",
        starts_at=datetime.fromisoformat("2026-03-01T10:00:00+00:00"),
        ends_at=datetime.fromisoformat("2026-03-01T11:00:00+00:00"),
    )
    refused = pytest.raises(IntegrityError, match="session_times_and_number_in_range")
    with refused, transaction.atomic():
        Session.objects.filter(pk=session.pk).update(**change)


def _csl(*years) -> str:
    return json.dumps(
        [
            {"id": f"y{year}", "type": "article-journal", "title": f"Published in {year}"}
            | {"issued": {"date-parts": [[year]]}}
            for year in years
        ]
    )


@pytest.mark.parametrize("door", ["api", "page"])
def test_reading_years_at_the_bounds_import_and_every_reading_list_renders(world, door):
    _course, _organizer, page, api = world
    text = _csl(1000, 2100, 999, 2101, 9999, -5)
    if door == "api":
        response = api.post(
            "/api/v1/readings/import",
            {"format": "csljson", "text": text, "accept_rejections": True},
            format="json",
        )
        assert response.status_code == 201
        reasons = [e["reason"] for e in response.json()["entries"] if e["outcome"] == "rejected"]
    else:
        response = page.post(
            "/readings/import/", {"format": "csljson", "text": text, "accept": "1"}
        )
        assert response.status_code == 200
        reasons = response.text.split("not a plausible year")[1:]
    assert len(reasons) == 4
    assert all("Give a year between 1000 and 2100." in reason for reason in reasons)
    assert sorted(Reading.objects.values_list("year", flat=True)) == [1000, 2100]
    for url in [
        "/readings/",
        "/readings/?sort=year",
        "/readings/?year=1000",
        "/readings/export/bibtex/",
        "/readings/export/csljson/",
        "/search/?q=Published",
        "/",
        "/api/v1/readings/",
        "/api/v1/readings/?ordering=year",
        "/api/v1/readings/export?format=bibtex",
        "/api/v1/search/?q=Published",
    ]:
        assert page.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("field", "value", "accepted"),
    [
        ("published_on", "1000-01-01", True),
        ("published_on", "2100-12-31", True),
        ("published_on", "0001-01-01", False),
        ("published_on", "9999-12-31", False),
        ("year", 999, False),
        ("year", 2101, False),
        ("duration_seconds", 10_000_000, True),
        ("duration_seconds", 10_000_001, False),
    ],
)
def test_reading_dates_and_lengths_are_bounded_in_the_api(world, field, value, accepted):
    _course, _organizer, page, api = world
    response = api.post("/api/v1/readings/", {"title": "Bounded", field: value}, format="json")
    assert response.status_code == (201 if accepted else 400), response.content
    if not accepted:
        assert field in response.json()
    assert Reading.objects.exists() == accepted
    for url in ["/readings/", "/api/v1/readings/", "/api/v1/readings/export?format=csljson"]:
        assert page.get(url).status_code == 200, url
    if accepted:
        assert page.get(Reading.objects.get().get_absolute_url()).status_code == 200


def test_the_model_refuses_a_publication_day_out_of_range(world):
    reading = Reading(title="Too old", slug="too-old", published_on=date(1, 1, 1))
    with pytest.raises(ValidationError, match="Give a year between 1000 and 2100") as error:
        reading.full_clean()
    assert "published_on" in error.value.message_dict
