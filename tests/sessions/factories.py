import functools
from datetime import UTC, datetime, timedelta

import factory
from django.contrib.auth.hashers import get_hasher, make_password
from django.contrib.auth.models import User
from django.utils import timezone

from sessions.models import Course, CourseInvitation, Membership, Reflection, Session
from tracker.markdown import render_markdown

PASSWORD = "correct-horse-battery"


def _password_hash(raw: str) -> str:
    """A real hash by the hasher in force (some tests choose a fast one), made once per password
    and hasher rather than paying its deliberate slowness for each of thousands of users."""
    return _hash_with(raw, get_hasher().algorithm)


@functools.cache
def _hash_with(raw: str, algorithm: str) -> str:
    return make_password(raw, hasher=algorithm)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD, transform=_password_hash)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    time_zone = "Australia/Sydney"
    visibility = "members"
    online_url = "https://meet.example.org/secret-room"
    online_passcode = "314159"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    role = "member"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Session title {n}")
    starts_at = factory.Sequence(lambda n: datetime(2024, 3, 1, 9, tzinfo=UTC) + timedelta(days=n))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=1))
    abstract = "An abstract."
    abstract_html = factory.LazyAttribute(lambda s: render_markdown(s.abstract))


class ReflectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reflection

    author = factory.SubFactory(UserFactory)
    session = factory.SubFactory(SessionFactory)
    body = factory.Sequence(lambda n: f"Reflection text {n}")
    body_html = factory.LazyAttribute(lambda r: render_markdown(r.body))
    visibility = "private"


class CourseInvitationFactory(factory.django.DjangoModelFactory):
    """An open invitation, sent by one of the course's organizers."""

    class Meta:
        model = CourseInvitation

    course = factory.SubFactory(CourseFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = "member"
    token = factory.Sequence(lambda n: f"invitation-token-{n}")
    created_by = factory.LazyAttribute(
        lambda i: MembershipFactory(course=i.course, role="organizer").user
    )
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda i: i.created_at + timedelta(days=14))
