"""Course and session pages: who sees what, and writing reflections without losing text."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from readings import services as reading_services
from sessions import services
from sessions.models import Reflection, Session
from tests.sessions.factories import (
    CourseFactory,
    MembershipFactory,
    ReflectionFactory,
    SessionFactory,
    UserFactory,
)
from tracker.models import Profile

pytestmark = pytest.mark.django_db


def page(client, url, user=None):
    if user is not None:
        client.force_login(user)
    return client.get(url)


# Courses


def test_course_list_shows_public_courses_to_anyone_and_members_only_to_members(
    client, course_with_roles
):
    course, _organizer, member, outsider = course_with_roles
    public = CourseFactory(visibility="public", title="Open seminar")
    anonymous_html = page(client, reverse("course_list")).content.decode()
    assert public.title in anonymous_html and course.title not in anonymous_html
    assert course.title not in page(client, reverse("course_list"), outsider).content.decode()
    assert course.title in page(client, reverse("course_list"), member).content.decode()


@pytest.mark.parametrize("viewer", ["anonymous", "outsider"])
def test_members_only_course_is_a_404_for_non_members(client, course_with_roles, viewer):
    course, _organizer, _member, outsider = course_with_roles
    user = outsider if viewer == "outsider" else None
    assert page(client, course.get_absolute_url(), user).status_code == 404


def test_online_link_and_passcode_show_to_members_only(client, course_factory, user_factory):
    course = course_factory(visibility="public")
    member = MembershipFactory(course=course).user
    outsider = user_factory()
    for viewer in (None, outsider):
        html = page(client, course.get_absolute_url(), viewer).content.decode()
        assert course.online_url not in html and course.online_passcode not in html
        client.logout()
    html = page(client, course.get_absolute_url(), member).content.decode()
    assert course.online_url in html and course.online_passcode in html


def test_online_details_never_reach_non_members_on_a_session_page(client, course_factory):
    course = course_factory(visibility="public")
    session = SessionFactory(course=course, online_url="https://meet.example.org/private-room")
    outsider = UserFactory()
    html = page(client, session.get_absolute_url(), outsider).content.decode()
    assert "private-room" not in html and course.online_passcode not in html


def test_course_page_lists_sessions_in_order_with_speakers(client, course_with_roles):
    course, _organizer, member, _outsider = course_with_roles
    for number, title in ((2, "Second talk"), (1, "First talk")):
        services.session_create(
            course=course,
            number=number,
            title=title,
            starts_at=datetime(2024, 5, number, 9, tzinfo=UTC),
            ends_at=datetime(2024, 5, number, 10, tzinfo=UTC),
            speakers=[{"name": f"Speaker {number}"}],
        )
    html = page(client, course.get_absolute_url(), member).content.decode()
    assert html.index("First talk") < html.index("Second talk")
    assert "Speaker 1" in html and "Speaker 2" in html


def test_only_organizers_see_the_add_session_button(client, course_with_roles):
    course, organizer, member, _outsider = course_with_roles
    add_url = reverse("session_create", kwargs={"slug": course.slug})
    assert add_url not in page(client, course.get_absolute_url(), member).content.decode()
    client.logout()
    assert add_url in page(client, course.get_absolute_url(), organizer).content.decode()


def test_course_page_queries_do_not_grow_with_sessions(
    client, course_with_roles, django_assert_max_num_queries
):
    course, _organizer, member, _outsider = course_with_roles
    client.force_login(member)

    def add_sessions(count):
        for _ in range(count):
            session = SessionFactory(course=course)
            services.session_update(session=session, speakers=[{"name": "A"}, {"name": "B"}])

    add_sessions(2)
    client.get(course.get_absolute_url())  # warm the session and content types
    with django_assert_max_num_queries(12) as small:
        client.get(course.get_absolute_url())
    add_sessions(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(course.get_absolute_url())
    assert response.content.decode().count('class="session-row') == 22


# Organizers change sessions


def session_form_data(**changes):
    data = {
        "title": "Sparse autoencoders",
        "starts_at": "2024-06-01T18:00",
        "ends_at": "2024-06-01T19:30",
        "status": "scheduled",
        "location": "Room 1",
        "abstract": "All about *features*.",
        "speakers": "Ada Lovelace | Analytical Engines",
        "agenda": "1a | Intro | 0:00 | covered\n1b | Details | 12:34 | skipped | for later",
        "readings": "",
    }
    return data | changes


def test_organizer_adds_a_session_with_speakers_and_agenda_in_course_time(
    client, course_with_roles
):
    course, organizer, _member, _outsider = course_with_roles
    client.force_login(organizer)
    response = client.post(
        reverse("session_create", kwargs={"slug": course.slug}), session_form_data()
    )
    session = Session.objects.get(course=course)
    assert response.status_code == 302 and response.url == session.get_absolute_url()
    # The course meets in Sydney (UTC+10 in June): 18:00 there is 08:00 UTC.
    assert session.starts_at == datetime(2024, 6, 1, 8, tzinfo=UTC)
    assert [s.name for s in session.speakers.all()] == ["Ada Lovelace"]
    assert [(a.label, a.recording_offset, a.coverage) for a in session.agenda_items.all()] == [
        ("1a", 0, "covered"),
        ("1b", 754, "skipped"),
    ]
    assert "<em>features</em>" in session.abstract_html


def test_session_form_shows_errors_and_keeps_the_input(client, course_with_roles):
    course, organizer, _member, _outsider = course_with_roles
    client.force_login(organizer)
    data = session_form_data(ends_at="2024-06-01T17:00", agenda="1a | Intro | soon")
    response = client.post(reverse("session_create", kwargs={"slug": course.slug}), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "minutes:seconds" in html
    assert "Sparse autoencoders" in html and "All about *features*." in html
    assert not Session.objects.exists()


def test_members_may_not_add_or_edit_sessions(client, course_with_roles):
    course, _organizer, member, outsider = course_with_roles
    session = SessionFactory(course=course)
    edit = reverse("session_edit", kwargs={"slug": course.slug, "number": session.number})
    create = reverse("session_create", kwargs={"slug": course.slug})
    client.force_login(member)
    assert client.get(create).status_code == 403
    assert client.post(edit, session_form_data(title="Hijacked")).status_code == 403
    client.force_login(outsider)
    assert client.get(edit).status_code == 404
    session.refresh_from_db()
    assert session.title != "Hijacked"


def test_organizer_edits_a_session(client, course_with_roles):
    course, organizer, _member, _outsider = course_with_roles
    session = SessionFactory(course=course)
    client.force_login(organizer)
    edit = reverse("session_edit", kwargs={"slug": course.slug, "number": session.number})
    assert "An abstract." in client.get(edit).content.decode()
    client.post(edit, session_form_data(title="Renamed", number=session.number))
    session.refresh_from_db()
    assert session.title == "Renamed"


# Sessions and reflections


@pytest.fixture
def seminar(course_with_roles):
    course, organizer, member, outsider = course_with_roles
    session = SessionFactory(course=course)
    return session, organizer, member, outsider


def test_session_page_shows_abstract_agenda_and_recording_offsets(client, seminar):
    session, _organizer, member, _outsider = seminar
    services.session_update(
        session=session,
        recording_url="https://www.youtube.com/watch?v=abc",
        agenda=[
            {"label": "2a", "title": "Feature visualization", "recording_offset": 1510},
            {"label": "2c", "title": "Data sets", "coverage": "skipped"},
        ],
    )
    html = page(client, session.get_absolute_url(), member).content.decode()
    assert "https://www.youtube.com/watch?v=abc&amp;t=1510s" in html
    assert "Skipped" in html and "Data sets" in html


def test_private_reflection_is_hidden_from_other_members(client, seminar):
    session, organizer, member, _outsider = seminar
    reflection = ReflectionFactory(session=session, author=member, body="My secret thoughts")
    assert reflection.body in page(client, session.get_absolute_url(), member).content.decode()
    client.logout()
    html = page(client, session.get_absolute_url(), organizer).content.decode()
    assert reflection.body not in html


def test_course_reflection_shows_to_members_not_to_outsiders_of_a_public_course(
    client, course_factory
):
    course = course_factory(visibility="public")
    author, other_member = (
        MembershipFactory(course=course).user,
        MembershipFactory(course=course).user,
    )
    session = SessionFactory(course=course)
    ReflectionFactory(
        session=session, author=author, body="Shared with the cohort", visibility="course"
    )
    ReflectionFactory(
        session=session, author=UserFactory(), body="For the world", visibility="public"
    )
    assert (
        "Shared with the cohort"
        in page(client, session.get_absolute_url(), other_member).content.decode()
    )
    client.logout()
    anonymous_html = page(client, session.get_absolute_url()).content.decode()
    assert "Shared with the cohort" not in anonymous_html and "For the world" in anonymous_html


def test_member_writes_a_reflection_spanning_following_sessions(client, seminar):
    session, _organizer, member, _outsider = seminar
    later = SessionFactory(course=session.course)
    client.force_login(member)
    url = reverse("reflection_edit", kwargs={"slug": session.course.slug, "number": session.number})
    response = client.post(
        url,
        {"body": "Learnt about **circuits**.", "visibility": "course", "covers_until": later.pk},
    )
    assert response.status_code == 302
    reflection = Reflection.objects.get(author=member)
    assert reflection.covers_until == later and "<strong>circuits</strong>" in reflection.body_html
    # The later session shows it as covered and points back to where it is edited.
    later_html = client.get(later.get_absolute_url()).content.decode()
    assert (
        "circuits" in later_html
        and f"session {session.number}</a>, where you can edit" in later_html
    )


def test_reflection_error_keeps_the_text(client, seminar):
    session, _organizer, member, _outsider = seminar
    other_course_session = SessionFactory()
    client.force_login(member)
    url = reverse("reflection_edit", kwargs={"slug": session.course.slug, "number": session.number})
    response = client.post(
        url,
        {
            "body": "A long careful text",
            "visibility": "course",
            "covers_until": other_course_session.pk,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "A long careful text" in html and "errorlist" in html
    assert not Reflection.objects.exists()


def test_expired_login_keeps_the_reflection_for_after_signing_in(client, seminar):
    session, _organizer, member, _outsider = seminar
    url = reverse("reflection_edit", kwargs={"slug": session.course.slug, "number": session.number})
    # Signed out (the login expired) while writing: the text is kept, not lost.
    response = client.post(url, {"body": "Half an hour of writing", "visibility": "course"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    login = client.post(
        response.url, {"username": member.username, "password": "correct-horse-battery"}
    )
    assert login.status_code == 302
    html = client.get(session.get_absolute_url()).content.decode()
    assert "Half an hour of writing" in html and "kept the text you wrote" in html
    client.post(url, {"body": "Half an hour of writing", "visibility": "course"})
    assert Reflection.objects.get(author=member).body == "Half an hour of writing"
    assert "kept the text you wrote" not in client.get(session.get_absolute_url()).content.decode()


def test_anonymous_visitor_cannot_store_a_reflection(client, seminar):
    session, *_ = seminar
    url = reverse("reflection_edit", kwargs={"slug": session.course.slug, "number": session.number})
    client.post(url, {"body": "Sneaky", "visibility": "public"})
    assert not Reflection.objects.exists()


def test_outsider_cannot_reflect_on_a_members_only_session(client, seminar):
    session, _organizer, _member, outsider = seminar
    client.force_login(outsider)
    url = reverse("reflection_edit", kwargs={"slug": session.course.slug, "number": session.number})
    assert client.post(url, {"body": "x", "visibility": "public"}).status_code == 404
    assert not Reflection.objects.exists()


def test_attendance_is_marked_and_undone(client, seminar):
    session, _organizer, member, _outsider = seminar
    client.force_login(member)
    url = reverse("attendance_set", kwargs={"slug": session.course.slug, "number": session.number})
    response = client.post(url, {"attended": "yes"}, headers={"HX-Request": "true"})
    assert "You attended" in response.content.decode()
    assert session.attendances.filter(user=member).exists()
    client.post(url, {"attended": "no"})
    assert not session.attendances.filter(user=member).exists()


def test_session_notes_respect_visibility(client, seminar):
    session, organizer, member, _outsider = seminar
    client.force_login(member)
    url = reverse(
        "session_note_add", kwargs={"slug": session.course.slug, "number": session.number}
    )
    client.post(url, {"note-body": "Only for me", "note-visibility": "private"})
    client.post(url, {"note-body": "For the cohort", "note-visibility": "course"})
    assert "Only for me" in client.get(session.get_absolute_url()).content.decode()
    client.force_login(organizer)
    html = client.get(session.get_absolute_url()).content.decode()
    assert "For the cohort" in html and "Only for me" not in html


def test_session_page_queries_do_not_grow_with_reflections_and_notes(
    client, seminar, django_assert_max_num_queries
):
    session, _organizer, member, _outsider = seminar
    client.force_login(member)

    def add_writing(count):
        for _ in range(count):
            author = MembershipFactory(course=session.course).user
            ReflectionFactory(session=session, author=author, visibility="course")
            reading_services.note_save(
                author=author, session=session, body="A note", visibility="course"
            )
            reading_services.reading_status_set(
                user=member,
                reading=reading_services.reading_create(title=f"Paper by {author.username}"),
                status="read",
            )
        services.session_update(
            session=session,
            readings=[{"reading": r} for r in reading_services.Reading.objects.all()],
        )

    add_writing(2)
    client.get(session.get_absolute_url())
    with django_assert_max_num_queries(30) as small:
        client.get(session.get_absolute_url())
    add_writing(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(session.get_absolute_url()).content.decode()
    assert html.count('class="card reflection"') == 17


def test_nobody_can_say_they_attended_a_session_that_has_not_started(client, seminar):
    session, _organizer, member, _outsider = seminar
    services.session_update(
        session=session,
        starts_at=timezone.now() + timedelta(days=7),
        ends_at=timezone.now() + timedelta(days=7, hours=2),
    )
    client.force_login(member)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "I attended" not in page
    url = reverse("attendance_set", kwargs={"slug": session.course.slug, "number": session.number})
    response = client.post(url, {"attended": "yes"}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "once the session starts" in response.content.decode()
    assert not session.attendances.exists()


def test_a_scheduled_session_whose_end_has_passed_shows_as_held(client, seminar):
    session, _organizer, member, _outsider = seminar
    services.session_update(
        session=session,
        status="scheduled",
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=1),
    )
    client.force_login(member)
    for page in (session.get_absolute_url(), session.course.get_absolute_url()):
        html = client.get(page).content.decode()
        assert '<span class="badge status-held">Held</span>' in html, page
        assert "Scheduled" not in html, page


def test_visitors_see_times_where_the_course_meets_and_members_elsewhere_see_both(client):
    course = CourseFactory(visibility="public", time_zone="Australia/Sydney")
    session = SessionFactory(
        course=course,
        starts_at=datetime(2024, 2, 13, 18, 0, tzinfo=UTC),  # 05:00 on the 14th in Sydney
        ends_at=datetime(2024, 2, 13, 20, 0, tzinfo=UTC),
    )
    visitor_page = client.get(session.get_absolute_url()).content.decode()
    assert "Wednesday 14 February 2024, 05:00\u201307:00" in visitor_page
    assert "(Australia/Sydney)" in visitor_page and "where the course meets" not in visitor_page
    assert (
        "where the course meets, Australia/Sydney"
        in client.get(course.get_absolute_url()).content.decode()
    )

    member = MembershipFactory(course=course).user
    Profile.objects.update_or_create(user=member, defaults={"time_zone": "Europe/London"})
    client.force_login(member)
    member_page = client.get(session.get_absolute_url()).content.decode()
    assert "Tuesday 13 February 2024, 18:00\u201320:00" in member_page
    assert "(Europe/London)" in member_page
    assert "Wed 14 Feb, 05:00\u201307:00 where the course meets (Australia/Sydney)" in member_page
