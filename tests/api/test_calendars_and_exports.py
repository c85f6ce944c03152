"""API: the course calendar feed, calendar import (dry run and apply), journal markdown."""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from sessions.models import Session
from tests.sessions.factories import CourseFactory, ReflectionFactory, SessionFactory

pytestmark = pytest.mark.django_db
SECRET_LINK = "https://meet.example.org/secret-room"


def _ics(*events) -> str:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Test//EN")
    calendar.add("version", "2.0")
    for uid, title, starts in events:
        event = icalendar.Event()
        event.add("uid", uid)
        event.add("summary", title)
        event.add("dtstart", starts)
        event.add("dtend", starts + timedelta(hours=1))
        calendar.add_component(event)
    return calendar.to_ical().decode()


SERIES = _ics(
    ("talk-1@example.org", "First talk", datetime(2024, 5, 1, 0, tzinfo=UTC)),
    ("talk-2@example.org", "Second talk", datetime(2024, 5, 8, 0, tzinfo=UTC)),
)


def test_public_course_feed_reads_back_without_online_link(api):
    course = CourseFactory(visibility="public")
    SessionFactory(course=course)
    response = api.get(f"/api/v1/courses/{course.slug}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) == 1
    assert SECRET_LINK not in response.content.decode().replace("\r\n ", "")


@pytest.mark.parametrize("who", ["anonymous", "non_member", "member", "organizer"])
def test_members_only_course_feed_is_404_for_everyone(as_user, people, who):
    course, users = people
    response = as_user(users[who]).get(f"/api/v1/courses/{course.slug}/calendar.ics")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("non_member", 404), ("member", 403), ("organizer", 200)],
)
def test_calendar_import_permissions(as_user, people, who, status):
    course, users = people
    response = as_user(users[who]).post(
        f"/api/v1/courses/{course.slug}/calendar/import", {"text": SERIES}, format="json"
    )
    assert response.status_code == status
    assert course.sessions.count() == (2 if status == 200 else 0)


def test_calendar_import_dry_run_saves_nothing_and_reimport_changes_nothing(as_user, people):
    course, users = people
    client = as_user(users["organizer"])
    url = f"/api/v1/courses/{course.slug}/calendar/import"
    dry = client.post(f"{url}?dry_run=true", {"text": SERIES}, format="json")
    assert dry.status_code == 200
    assert dry.json()["applied"] is False
    assert [e["title"] for e in dry.json()["to_create"]] == ["First talk", "Second talk"]
    assert Session.objects.filter(course=course).count() == 0
    assert client.post(url, {"text": SERIES}, format="json").json()["applied"] is True
    before = list(course.sessions.values_list("id", "updated_at"))
    again = client.post(url, {"text": SERIES}, format="json").json()
    assert (len(again["to_create"]), len(again["to_update"]), len(again["unchanged"])) == (0, 0, 2)
    assert list(course.sessions.values_list("id", "updated_at")) == before


def test_calendar_import_accepts_a_file_and_refuses_a_broken_one(as_user, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    course, users = people
    client = as_user(users["organizer"])
    url = f"/api/v1/courses/{course.slug}/calendar/import?dry_run=1"
    upload = SimpleUploadedFile("series.ics", SERIES.encode(), "text/calendar")
    assert client.post(url, {"file": upload}, format="multipart").status_code == 200
    broken = client.post(url, {"text": "BEGIN:VCALENDAR\nnonsense"}, format="json")
    assert broken.status_code == 400
    assert "file" in broken.json()


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("non_member", 404), ("member", 200), ("organizer", 200)],
)
def test_journal_markdown_is_mine_for_those_who_see_the_course(as_user, people, who, status):
    course, users = people
    session = SessionFactory(course=course)
    ReflectionFactory(session=session, author=users["member"], body="Member's own thought")
    response = as_user(users[who]).get(f"/api/v1/courses/{course.slug}/journal.md")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "text/markdown; charset=utf-8"
        assert ("Member's own thought" in response.content.decode()) is (who == "member")


def test_the_old_notebook_markdown_address_moves_permanently_to_the_journal(as_user, people):
    course, users = people
    ReflectionFactory(session=SessionFactory(course=course), author=users["member"], body="Kept")
    client = as_user(users["member"])
    response = client.get(f"/api/v1/courses/{course.slug}/notebook.md?download=1")
    assert response.status_code == 301
    assert response["Location"] == f"/api/v1/courses/{course.slug}/journal.md?download=1"
    assert "Kept" in client.get(response["Location"]).content.decode()
