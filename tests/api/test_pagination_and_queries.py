"""Lists page the same way everywhere and cost the same number of queries at any size."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readings import services as reading_services
from readings.models import GlossaryTerm, Reading, ReadingStatus
from sessions import services as session_services
from tests.api.helpers import results
from tests.readings.factories import HighlightFactory, NoteFactory, ReadingFactory
from tests.sessions.factories import (
    CourseFactory,
    MembershipFactory,
    ReflectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def add_courses(viewer, n):
    for _ in range(n):
        MembershipFactory(user=viewer, course=CourseFactory(visibility="members"))
        CourseFactory(visibility="public")
    return "/api/v1/courses/"


def add_members(viewer, n):
    organizing = viewer.memberships.filter(role="organizer").first()
    course = (
        organizing.course if organizing else MembershipFactory(user=viewer, role="organizer").course
    )
    MembershipFactory.create_batch(n, course=course)
    return f"/api/v1/courses/{course.slug}/members/"


def _session(course, readings):
    starts = datetime(2024, 1, 1, 9, tzinfo=UTC) + timedelta(days=course.sessions.count())
    return session_services.session_create(
        course=course,
        title="S",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        speakers=[{"name": "A"}, {"name": "B"}],
        agenda=[{"title": "One"}, {"title": "Two"}],
        readings=[{"reading": r, "role": "required"} for r in readings],
    )


def add_sessions(viewer, n):
    readings = ReadingFactory.create_batch(2)
    for _ in range(n):
        course = MembershipFactory(user=viewer).course
        _session(course, readings)
        _session(CourseFactory(visibility="public"), readings)
    return "/api/v1/sessions/"


def add_reflections(viewer, n):
    course = MembershipFactory(user=viewer).course
    for _ in range(n):
        session = _session(course, [])
        ReflectionFactory(session=session, author=viewer)
        ReflectionFactory(session=session, visibility="course")
        ReflectionFactory(session=session, visibility="private")
    return "/api/v1/reflections/"


def add_readings(viewer, n):
    for _ in range(n):
        index = Reading.objects.count()
        reading_services.reading_create(
            title=f"Reading {index}",
            authors=[("A", f"Author {index}"), ("B", "Shared")],
            tags=["circuits", f"tag {index}"],
            added_by=UserFactory(),
        )
    return "/api/v1/readings/"


def add_statuses(viewer, n):
    for reading in ReadingFactory.create_batch(n):
        ReadingStatus.objects.create(user=viewer, reading=reading, status="reading")
    return "/api/v1/reading-statuses/"


def add_highlights(viewer, n):
    HighlightFactory.create_batch(n, author=viewer)
    HighlightFactory.create_batch(n, visibility="public")
    return "/api/v1/highlights/"


def add_terms(viewer, n):
    anchor = GlossaryTerm.objects.filter(slug="anchor").first() or reading_services.term_create(
        name="Anchor", definition="d", author=viewer
    )
    for _ in range(n):
        index = GlossaryTerm.objects.count()
        reading_services.term_create(
            name=f"Term {index}",
            definition="d",
            author=viewer,
            aliases=[f"alias {index}"],
            related=[anchor],
        )
    return "/api/v1/terms/"


def add_revisions(viewer, n):
    term = GlossaryTerm.objects.filter(slug="edited").first() or reading_services.term_create(
        name="Edited", definition="0", author=viewer
    )
    for _ in range(n):
        reading_services.term_update(term=term, author=viewer, definition=f"{term.definition}+")
    return f"/api/v1/terms/{term.slug}/revisions/"


def add_notes(viewer, n):
    course = MembershipFactory(user=viewer).course
    for _ in range(n):
        session = _session(course, [])
        NoteFactory(author=viewer)
        NoteFactory(session=session, reading=None, visibility="course")
        NoteFactory(visibility="public")
    return "/api/v1/notes/"


# Queries per list: the token (with its user), the count, the page, then one per prefetched
# relation (and, for a nested list, one to find its parent and one to check the caller's role).
LISTS = {
    "courses": (add_courses, 3),
    "members": (add_members, 5),
    "sessions": (add_sessions, 6),
    "reflections": (add_reflections, 3),
    "readings": (add_readings, 5),
    "reading-statuses": (add_statuses, 3),
    "highlights": (add_highlights, 3),
    "terms": (add_terms, 5),
    "term-revisions": (add_revisions, 4),
    "notes": (add_notes, 3),
}


@pytest.mark.parametrize("resource", list(LISTS))
def test_list_query_count_does_not_grow_with_rows(as_user, django_assert_num_queries, resource):
    add, expected_queries = LISTS[resource]
    viewer = UserFactory()
    client = as_user(viewer)
    url = add(viewer, 2)
    with django_assert_num_queries(expected_queries):
        small = results(client.get(url + "?page_size=100"))
    add(viewer, 8)
    with django_assert_num_queries(expected_queries):
        large = results(client.get(url + "?page_size=100"))
    assert len(large) > 3 * len(small) > 0


def test_page_shape_size_and_links(as_user, member, reading_factory):
    reading_factory.create_batch(7)
    client = as_user(member)
    body = client.get("/api/v1/readings/?page_size=3&ordering=title").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert (body["count"], len(body["results"]), body["previous"]) == (7, 3, None)
    assert "page=2" in body["next"] and "page_size=3" in body["next"]
    last = client.get("/api/v1/readings/?page_size=3&page=3").json()
    assert (len(last["results"]), last["next"]) == (1, None)


def test_default_page_is_20_and_page_size_stops_at_100(as_user, member):
    for index in range(105):
        reading_services.reading_create(title=f"R {index}", slug=f"r-{index}")
    client = as_user(member)
    assert len(results(client.get("/api/v1/readings/"))) == 20
    assert len(results(client.get("/api/v1/readings/?page_size=500"))) == 100


def test_a_page_past_the_end_is_404(as_user, member):
    assert as_user(member).get("/api/v1/readings/?page=9").status_code == 404


def test_ordering_by_an_unknown_field_is_ignored(as_user, member, reading_factory):
    reading_factory(title="B")
    reading_factory(title="A")
    response = as_user(member).get("/api/v1/readings/?ordering=-password,title")
    assert [r["title"] for r in results(response)] == ["A", "B"]


def test_sessions_list_queries_are_the_same_for_anonymous_callers(api, django_assert_num_queries):
    readings = ReadingFactory.create_batch(2)
    for _ in range(3):
        _session(CourseFactory(visibility="public"), readings)
    with CaptureQueriesContext(connection) as few:
        api.get("/api/v1/sessions/")
    for _ in range(9):
        _session(CourseFactory(visibility="public"), readings)
    with django_assert_num_queries(len(few)):
        assert len(results(api.get("/api/v1/sessions/"))) == 12
