"""Schemathesis over every operation of /api/schema/, as a signed-in member who organizes a
course: no answer is a 5xx, and every answer (status, content type, headers, body) is one the
schema documents. Requests go straight to Django's WSGI application; no server is started.

Path parameters, and the references in request bodies (a course, session, reading, term or
user), are drawn half from schemathesis and half from real seeded rows, so reads and writes
reach existing objects and succeed, and not only answer 404 or 400.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from readings import services as reading_services
from sessions import services as session_services
from sessions.models import Membership
from tests.sessions.factories import UserFactory
from tracker import services

EXAMPLES_PER_OPERATION = 6
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def seed(user) -> tuple[dict[str, dict[str, object]], dict[str, object]]:
    """A course the user organizes (with another member), a session, reading, term, highlight,
    note and reflection; returns real path parameters for each path of SEEDED_PATHS, and
    references a request body may use (a session without a reflection, a user not yet a
    member, a term other than `seed`). The
    course, reading and term share one slug so `{slug}` finds a row on each."""
    other = UserFactory(username="other-member")
    course = session_services.course_create(
        slug="seed", title="Seed course", organizer=user, time_zone="Australia/Sydney"
    )
    session_services.membership_set(course=course, user=other, role=Membership.Role.MEMBER)
    reading = reading_services.reading_create(
        title="Seed reading", slug="seed", authors=[("A", "Author")], tags=["seed"]
    )
    starts = datetime(2024, 3, 1, 9, tzinfo=UTC)
    session = session_services.session_create(
        course=course,
        title="Seed session",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        speakers=[{"name": "Speaker"}],
        agenda=[{"title": "Part one", "recording_offset": 60}],
        readings=[{"reading": reading, "role": "required"}],
    )
    term = reading_services.term_create(name="Seed", slug="seed", definition="A seed.", author=user)
    reading_services.term_update(term=term, author=user, definition="A seed, edited.")
    reflection = session_services.reflection_save(
        author=user, session=session, body="Seed reflection", visibility="course"
    )
    highlight = reading_services.highlight_save(author=user, reading=reading, phrase="seed")
    note = reading_services.note_save(author=user, body="Seed note", reading=reading)
    reading_services.reading_status_set(user=user, reading=reading, status="reading")
    unreflected = session_services.session_create(
        course=course,
        title="Second session",
        starts_at=starts + timedelta(days=7),
        ends_at=starts + timedelta(days=7, hours=1),
    )
    other_term = reading_services.term_create(name="Sprout", definition="Grows.", author=user)
    references = {
        "course": course.slug,
        "session": unreflected.pk,
        "reading": reading.slug,
        "term": other_term.slug,
        "username": UserFactory(username="newcomer").username,
    }
    by_name = {
        "slug": "seed",
        "course_slug": course.slug,
        "term_slug": term.slug,
        "username": other.username,
        "reading": reading.slug,
        "number": 1,
    }
    ids = {"sessions": session, "reflections": reflection, "highlights": highlight, "notes": note}
    real = {}
    for path in SEEDED_PATHS:
        names = re.findall(r"{(\w+)}", path)
        resource = path.split("/")[3]
        real[path] = {n: ids[resource].pk if n == "id" else by_name[n] for n in names}
    return real, references


# The current test's seeded rows, read by the hooks below when a case is drawn.
REAL_PATH_PARAMETERS: dict[str, dict[str, object]] = {}
REAL_REFERENCES: dict[str, object] = {}
STATUS_CODES_SEEN: list[int] = []
SEEDED_PATHS = {
    "/api/v1/courses/{slug}/",
    "/api/v1/courses/{course_slug}/members/",
    "/api/v1/courses/{course_slug}/members/{username}/",
    "/api/v1/sessions/{id}/",
    "/api/v1/reflections/{id}/",
    "/api/v1/readings/{slug}/",
    "/api/v1/reading-statuses/{reading}/",
    "/api/v1/highlights/{id}/",
    "/api/v1/terms/{slug}/",
    "/api/v1/terms/{slug}/revert/",
    "/api/v1/terms/{term_slug}/revisions/",
    "/api/v1/terms/{term_slug}/revisions/{number}/",
    "/api/v1/notes/{id}/",
}


@pytest.fixture
def signed_in_fuzzer(db, settings):
    """Seeds the rows, lifts throttling, and keeps the test's transaction open across WSGI
    requests (Django's own test client does the same; a bare handler would close the
    connection after each request)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "token": None},
    }
    user = UserFactory(username="fuzzer")
    paths, references = seed(user)
    REAL_PATH_PARAMETERS.update(paths)
    REAL_REFERENCES.update(references)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Token {services.api_token_for(user).key}"}
    # Had the token been ignored, every answer would be a (documented) 401 and pass.
    assert any(code != 401 for code in STATUS_CODES_SEEN), "Never signed in"
    STATUS_CODES_SEEN.clear()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
    REAL_PATH_PARAMETERS.clear()
    REAL_REFERENCES.clear()


# The schema itself needs no database: it is loaded once, when the tests are collected.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@schema.hook("before_generate_path_parameters")
def sometimes_real_objects(context, strategy):
    path = context.operation.path
    real = st.just(None).map(lambda _: dict(REAL_PATH_PARAMETERS[path]))
    return st.one_of(real, strategy) if path in SEEDED_PATHS else strategy


def with_real_references(body):
    """The body with each reference to another object pointing at a seeded one, and a
    session's times in order, so a write can succeed."""
    if not isinstance(body, dict):
        return body
    body = dict(body)
    for name in ("course", "session", "reading", "term", "username"):
        if body.get(name) is not None:
            body[name] = REAL_REFERENCES[name]
    if "covers_until" in body:
        body["covers_until"] = None
    if isinstance(body.get("readings"), list):
        body["readings"] = [{"reading": REAL_REFERENCES["reading"]}]
    if isinstance(body.get("related"), list):
        body["related"] = [REAL_REFERENCES["term"]]
    if "starts_at" in body or "ends_at" in body:
        body["starts_at"], body["ends_at"] = "2024-05-01T09:00:00+10:00", "2024-05-01T10:30+10:00"
    return body


@schema.hook("after_call")
def remember_status_code(context, case, response):
    STATUS_CODES_SEEN.append(response.status_code)


@schema.hook("before_generate_body")
def sometimes_real_references(context, strategy):
    return st.one_of(strategy, strategy.map(with_real_references))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_operation_answers_within_its_schema(case, signed_in_fuzzer):
    case.call_and_validate(headers=signed_in_fuzzer, checks=CHECKS)
