"""Calendar pages: feeds, one session's file, the profile's feed address, the import preview."""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.urls import reverse

from sessions import calendars
from sessions.models import Session
from tests.sessions.factories import CourseFactory, MembershipFactory, SessionFactory, UserFactory
from tracker import services as profile_services

pytestmark = pytest.mark.django_db
SECRET_LINK = "https://meet.example.org/secret-room"


def _events(response) -> dict:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    parsed = icalendar.Calendar.from_ical(response.content)
    return {str(e["summary"]): e for e in parsed.walk("VEVENT")}


def test_public_course_feed_lists_sessions_without_the_online_link(client):
    course = CourseFactory(visibility="public")
    session = SessionFactory(course=course)
    member = MembershipFactory(course=course).user
    client.force_login(member)  # even a member gets the public feed only
    response = client.get(reverse("course_calendar", args=[course.slug]))
    events = _events(response)
    assert [str(e["uid"]) for e in events.values()] == [calendars.session_uid(session)]
    assert SECRET_LINK not in response.content.decode()
    assert "314159" not in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "organizer"])
def test_members_only_course_has_no_public_feed(client, course_with_roles, who):
    course, organizer, member, outsider = course_with_roles
    SessionFactory(course=course)
    user = {"anonymous": None, "outsider": outsider, "member": member, "organizer": organizer}[who]
    if user:
        client.force_login(user)
    assert client.get(reverse("course_calendar", args=[course.slug])).status_code == 404


def test_personal_feed_needs_the_token_and_carries_members_links(client, course_with_roles):
    course, _organizer, member, _outsider = course_with_roles
    mine = SessionFactory(course=course, title="Members session")
    public_course = CourseFactory(visibility="public")
    SessionFactory(course=public_course, title="Not my course")
    token = profile_services.profile_for(member).calendar_token
    response = client.get(reverse("personal_calendar", args=[token]))  # no sign-in needed
    events = _events(response)
    assert list(events) == [f"{course.title} #{mine.number}: Members session"]
    assert SECRET_LINK in str(next(iter(events.values()))["description"]).replace("\n ", "")
    assert client.get(reverse("personal_calendar", args=["not-the-token"])).status_code == 404


def test_regenerated_token_makes_the_old_feed_address_404(client, member):
    old = profile_services.profile_for(member).calendar_token
    client.force_login(member)
    profile = client.get(reverse("profile")).content.decode()
    assert reverse("personal_calendar", args=[old]) in profile
    response = client.post(reverse("calendar_token_regenerate"))
    assert response.status_code == 302
    new = profile_services.profile_for(member).calendar_token
    assert new != old
    client.logout()
    assert client.get(reverse("personal_calendar", args=[old])).status_code == 404
    assert client.get(reverse("personal_calendar", args=[new])).status_code == 200


def test_regenerating_the_token_needs_a_post_by_a_signed_in_user(client, member):
    old = profile_services.profile_for(member).calendar_token
    assert client.post(reverse("calendar_token_regenerate")).status_code == 302
    client.force_login(member)
    assert client.get(reverse("calendar_token_regenerate")).status_code == 405
    assert profile_services.profile_for(member).calendar_token == old


@pytest.mark.parametrize(
    ("who", "status", "online"),
    [("anonymous", 404, False), ("outsider", 404, False), ("member", 200, True)],
)
def test_session_file_follows_session_visibility(client, course_with_roles, who, status, online):
    course, _organizer, member, outsider = course_with_roles
    session = SessionFactory(course=course)
    user = {"anonymous": None, "outsider": outsider, "member": member}[who]
    if user:
        client.force_login(user)
    response = client.get(reverse("session_calendar", args=[course.slug, session.number]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert (SECRET_LINK in response.content.decode().replace("\r\n ", "")) is online


def test_session_file_of_a_public_course_has_no_link_for_outsiders(client):
    session = SessionFactory(course=CourseFactory(visibility="public"))
    client.force_login(UserFactory())
    response = client.get(reverse("session_calendar", args=[session.course.slug, session.number]))
    assert response.status_code == 200
    assert SECRET_LINK not in response.content.decode().replace("\r\n ", "")


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


SERIES = [
    ("talk-1@example.org", "First talk", datetime(2024, 5, 1, 0, tzinfo=UTC)),
    ("talk-2@example.org", "Second talk", datetime(2024, 5, 8, 0, tzinfo=UTC)),
]


def test_import_preview_saves_nothing_and_confirm_saves(client, course_with_roles):
    course, organizer, _member, _outsider = course_with_roles
    client.force_login(organizer)
    url = reverse("calendar_import", args=[course.slug])
    preview = client.post(url, {"text": _ics(*SERIES)})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "First talk" in page and "2 to add" in page
    assert Session.objects.filter(course=course).count() == 0
    confirmed = client.post(url, {"text": preview.context["text"], "confirm": "1"})
    assert confirmed.status_code == 302
    assert set(course.sessions.values_list("ical_uid", flat=True)) == {s[0] for s in SERIES}


def test_reimporting_the_same_calendar_changes_nothing(client, course_with_roles):
    course, organizer, _member, _outsider = course_with_roles
    client.force_login(organizer)
    url = reverse("calendar_import", args=[course.slug])
    client.post(url, {"text": _ics(*SERIES), "confirm": "1"})
    before = list(course.sessions.values_list("id", "title", "starts_at", "updated_at"))
    preview = client.post(url, {"text": _ics(*SERIES)})
    assert "0 to add, 0 to update, 2 unchanged" in preview.content.decode()
    client.post(url, {"text": _ics(*SERIES), "confirm": "1"})
    after = list(course.sessions.values_list("id", "title", "starts_at", "updated_at"))
    assert before == after


def test_import_of_an_uploaded_file_shows_its_preview(client, course_with_roles):
    from django.core.files.uploadedfile import SimpleUploadedFile

    course, organizer, _member, _outsider = course_with_roles
    client.force_login(organizer)
    upload = SimpleUploadedFile("series.ics", _ics(*SERIES).encode(), "text/calendar")
    response = client.post(reverse("calendar_import", args=[course.slug]), {"file": upload})
    assert "Second talk" in response.content.decode()
    assert course.sessions.count() == 0


def test_a_broken_calendar_is_a_form_error(client, course_with_roles):
    course, organizer, _member, _outsider = course_with_roles
    client.force_login(organizer)
    response = client.post(reverse("calendar_import", args=[course.slug]), {"text": "nonsense"})
    assert response.status_code == 200
    assert "iCalendar" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("member", 403)])
def test_only_organizers_import(client, course_with_roles, who, status):
    course, _organizer, member, outsider = course_with_roles
    client.force_login({"outsider": outsider, "member": member}[who])
    url = reverse("calendar_import", args=[course.slug])
    assert client.post(url, {"text": _ics(*SERIES), "confirm": "1"}).status_code == status
    assert course.sessions.count() == 0


def test_anonymous_import_goes_to_sign_in(client, course_with_roles):
    course = course_with_roles[0]
    response = client.get(reverse("calendar_import", args=[course.slug]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("size", [2, 8])
def test_personal_feed_costs_the_same_queries_at_any_size(
    client, course_with_roles, django_assert_max_num_queries, size
):
    course, _organizer, member, _outsider = course_with_roles
    for _ in range(size):
        SessionFactory(course=course)
    token = profile_services.profile_for(member).calendar_token
    with django_assert_max_num_queries(6):
        response = client.get(reverse("personal_calendar", args=[token]))
    assert len(_events(response)) == size
