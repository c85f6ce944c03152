from datetime import UTC, datetime

import pytest

from sessions import selectors
from sessions.api.serializers import SessionSerializer
from sessions.models import Session
from tests.api.helpers import ids, results

pytestmark = pytest.mark.django_db

NEW_SESSION = {
    "title": "Induction heads",
    "starts_at": "2024-04-02T18:00:00+10:00",
    "ends_at": "2024-04-02T19:30:00+10:00",
    "abstract": "We read *the* paper.",
    "speakers": [
        {"name": "Ada", "affiliation": "Uni"},
        {"name": "Grace", "url": "https://example.org/g"},
    ],
    "agenda": [
        {"label": "1a", "title": "Setup", "recording_offset": 0},
        {"label": "1b", "title": "Results", "recording_offset": 754, "coverage": "skipped"},
    ],
}


def test_organizer_creates_a_session_with_speakers_agenda_and_readings_in_one_request(
    as_user, people, reading_factory
):
    course, who = people
    paper, blog = reading_factory(), reading_factory(kind="blog_post")
    payload = {
        **NEW_SESSION,
        "course": course.slug,
        "readings": [
            {"reading": paper.slug, "role": "required"},
            {"reading": blog.slug},
        ],
    }
    response = as_user(who["organizer"]).post("/api/v1/sessions/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == 1
    assert [s["name"] for s in body["speakers"]] == ["Ada", "Grace"]
    assert [a["recording_offset_display"] for a in body["agenda"]] == ["0:00", "12:34"]
    assert [(r["reading"], r["role"]) for r in body["readings"]] == [
        (paper.slug, "required"),
        (blog.slug, "optional"),
    ]
    assert body["abstract_html"] == "<p>We read <em>the</em> paper.</p>"
    session = Session.objects.get(pk=body["id"])
    assert session.speakers.count() == 2 and session.agenda_items.count() == 2


def test_times_come_in_utc_and_in_the_courses_zone(as_user, people, session_factory):
    course, who = people  # the course is in Australia/Sydney
    session = session_factory(
        course=course,
        starts_at=datetime(2024, 3, 1, 9, tzinfo=UTC),
        ends_at=datetime(2024, 3, 1, 10, tzinfo=UTC),
    )
    body = as_user(who["member"]).get(f"/api/v1/sessions/{session.pk}/").json()
    assert body["starts_at"] == "2024-03-01T09:00:00Z"
    assert body["starts_at_local"] == "2024-03-01T20:00:00+11:00"
    assert body["ends_at_local"] == "2024-03-01T21:00:00+11:00"
    assert body["time_zone"] == "Australia/Sydney"


def test_update_replaces_nested_lists_only_when_given(as_user, people, reading_factory):
    course, who = people
    client = as_user(who["organizer"])
    created = client.post(
        "/api/v1/sessions/", {**NEW_SESSION, "course": course.slug}, format="json"
    ).json()
    url = f"/api/v1/sessions/{created['id']}/"
    response = client.patch(url, {"title": "Renamed"}, format="json")
    assert [s["name"] for s in response.json()["speakers"]] == ["Ada", "Grace"]
    response = client.patch(url, {"speakers": [{"name": "Linus"}], "status": "held"}, format="json")
    assert response.status_code == 200
    assert [s["name"] for s in response.json()["speakers"]] == ["Linus"]
    assert response.json()["status"] == "held"
    assert len(response.json()["agenda"]) == 2
    assert client.delete(url).status_code == 204
    assert not Session.objects.filter(pk=created["id"]).exists()


def test_a_bad_nested_item_stores_nothing(as_user, people):
    course, who = people
    payload = {
        **NEW_SESSION,
        "course": course.slug,
        "speakers": [{"name": "Ok"}, {"name": "", "url": "not a url"}],
    }
    response = as_user(who["organizer"]).post("/api/v1/sessions/", payload, format="json")
    assert response.status_code == 400
    # Errors of a list name the position of the bad item.
    assert set(response.json()["speakers"]["1"]) == {"name", "url"}
    assert not Session.objects.exists()


def test_end_before_start_and_taken_number_are_field_errors(as_user, people, session_factory):
    course, who = people
    session_factory(course=course, number=1)
    client = as_user(who["organizer"])
    response = client.post(
        "/api/v1/sessions/",
        {**NEW_SESSION, "course": course.slug, "ends_at": "2024-04-02T17:00:00+10:00"},
        format="json",
    )
    assert response.status_code == 400
    assert "ends_at" in response.json()
    response = client.post(
        "/api/v1/sessions/", {**NEW_SESSION, "course": course.slug, "number": 1}, format="json"
    )
    assert response.status_code == 400
    assert "number" in response.json()


@pytest.mark.parametrize(
    ("role", "listed", "read", "change", "delete", "create"),
    [
        ("anonymous", False, 404, 401, 401, 401),
        ("non_member", False, 404, 404, 404, 400),  # the course is unknown to them
        ("member", True, 200, 403, 403, 403),
        ("organizer", True, 200, 200, 204, 201),
    ],
)
def test_members_only_session_permissions(
    as_user, people, session_factory, role, listed, read, change, delete, create
):
    course, who = people
    session = session_factory(course=course)
    client = as_user(who[role])
    url = f"/api/v1/sessions/{session.pk}/"
    assert (session.pk in ids(client.get("/api/v1/sessions/"))) is listed
    assert client.get(url).status_code == read
    assert client.patch(url, {"title": "Changed"}, format="json").status_code == change
    assert client.delete(url).status_code == delete
    response = client.post("/api/v1/sessions/", {**NEW_SESSION, "course": course.slug})
    assert response.status_code == create
    if create == 400:
        assert "course" in response.json()


@pytest.mark.parametrize(
    ("role", "change", "link_shown"),
    [
        ("anonymous", 401, False),
        ("non_member", 403, False),
        ("member", 403, True),
        ("organizer", 200, True),
    ],
)
def test_public_course_sessions_are_read_by_all_with_the_link_for_members(
    as_user, people, session_factory, role, change, link_shown
):
    course, who = people
    course.visibility = "public"
    course.save()
    session = session_factory(course=course)
    client = as_user(who[role])
    body = client.get(f"/api/v1/sessions/{session.pk}/").json()
    assert (body["online_url"] == course.online_url) is link_shown
    assert link_shown or body["online_url"] is None
    response = client.patch(f"/api/v1/sessions/{session.pk}/", {"title": "X"}, format="json")
    assert response.status_code == change


def test_sessions_filter_by_course_status_and_date_range(
    as_user, people, course_factory, session_factory, membership_factory
):
    course, who = people
    other = course_factory()
    membership_factory(course=other, user=who["member"])
    march = session_factory(course=course, starts_at=datetime(2024, 3, 5, 9, tzinfo=UTC))
    april = session_factory(
        course=course, starts_at=datetime(2024, 4, 5, 9, tzinfo=UTC), status="held"
    )
    elsewhere = session_factory(course=other, starts_at=datetime(2024, 3, 6, 9, tzinfo=UTC))
    client = as_user(who["member"])
    assert ids(client.get(f"/api/v1/sessions/?course={course.slug}")) == {march.pk, april.pk}
    assert ids(client.get("/api/v1/sessions/?status=held")) == {april.pk}
    march_only = "starts_after=2024-03-01T00:00:00Z&starts_before=2024-04-01T00:00:00%2B00:00"
    assert ids(client.get(f"/api/v1/sessions/?{march_only}")) == {march.pk, elsewhere.pk}
    rows = results(client.get("/api/v1/sessions/?ordering=-starts_at"))
    assert [r["id"] for r in rows] == [april.pk, elsewhere.pk, march.pk]


def test_filter_by_an_invisible_course_finds_nothing(as_user, people, session_factory):
    course, who = people
    session_factory(course=course)
    assert results(as_user(who["non_member"]).get(f"/api/v1/sessions/?course={course.slug}")) == []


def test_course_of_a_session_cannot_be_changed(as_user, people, session_factory, course_factory):
    course, who = people
    session = session_factory(course=course)
    response = as_user(who["organizer"]).patch(
        f"/api/v1/sessions/{session.pk}/", {"course": course_factory().slug}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"course": ["Unknown field."]}


def test_fast_session_output_equals_drfs_field_by_field_output(
    as_user, people, session_factory, reading_factory, user_factory
):
    course, who = people
    client = as_user(who["organizer"])
    created = client.post(
        "/api/v1/sessions/",
        {
            **NEW_SESSION,
            "course": course.slug,
            "location": "Room 1",
            "recording_url": "https://video.example.org/1",
            "readings": [{"reading": reading_factory().slug, "role": "discussed"}],
        },
        format="json",
    ).json()
    session_factory(course=course, online_url="https://meet.example.org/own")
    session_factory(course=course, starts_at=datetime(2024, 7, 1, 9, 30, 15, 5, tzinfo=UTC))
    for viewer in (who["organizer"], who["member"], user_factory(), None):
        if viewer is None:
            course.visibility = "public"
            course.save()
        for session in selectors.sessions_with_details(viewer):
            serializer = SessionSerializer()
            assert serializer.to_representation(session) == (
                serializer.to_representation_by_fields(session)
            )
    assert created["readings"][0]["role"] == "discussed"
