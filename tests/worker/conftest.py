"""What the worker tests share: a session of a course with its organizer and a member."""

import pytest

from tests.sessions.factories import SessionFactory


@pytest.fixture
def course_session(course_with_roles):
    course, organizer, member, _outsider = course_with_roles
    return SessionFactory(course=course), organizer, member
