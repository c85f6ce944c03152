import pytest
from django.db import connection

from tests.readings.factories import (
    GlossaryTermFactory,
    HighlightFactory,
    NoteFactory,
    ReadingFactory,
)
from tests.sessions.factories import (
    CourseFactory,
    MembershipFactory,
    ReflectionFactory,
    SessionFactory,
    UserFactory,
)


def pytest_collection_modifyitems(config, items):
    """Tests of what only PostgreSQL has (tsvector columns, GIN plans) belong to the PostgreSQL
    run: `.ci/run` runs the suite on both databases, so each such test runs once, never skipped."""
    if connection.vendor == "postgresql":
        return
    kept = [item for item in items if "postgresql_only" not in item.keywords]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


@pytest.fixture
def user_factory(db):
    return UserFactory


@pytest.fixture
def course_factory(db):
    return CourseFactory


@pytest.fixture
def membership_factory(db):
    return MembershipFactory


@pytest.fixture
def session_factory(db):
    return SessionFactory


@pytest.fixture
def reflection_factory(db):
    return ReflectionFactory


@pytest.fixture
def reading_factory(db):
    return ReadingFactory


@pytest.fixture
def highlight_factory(db):
    return HighlightFactory


@pytest.fixture
def term_factory(db):
    return GlossaryTermFactory


@pytest.fixture
def note_factory(db):
    return NoteFactory


@pytest.fixture
def member(db):
    return UserFactory(username="member")


@pytest.fixture
def course_with_roles(db):
    """A members-only course with an organizer, a member and an outsider."""
    course = CourseFactory(visibility="members")
    organizer = MembershipFactory(course=course, role="organizer").user
    member = MembershipFactory(course=course, role="member").user
    outsider = UserFactory()
    return course, organizer, member, outsider
