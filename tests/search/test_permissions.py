"""Search shows only what its user may open: each row below carries a word of its own, and
each viewer must find exactly the words of the rows they may see."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.readings.factories import HighlightFactory, NoteFactory, ReadingFactory
from tests.sessions.factories import (
    CourseFactory,
    MembershipFactory,
    ReflectionFactory,
    SessionFactory,
    UserFactory,
)
from tracker.search.selectors import search

pytestmark = pytest.mark.django_db

VIEWERS = ("author", "organizer", "member", "outsider", "superuser", "anonymous")
EVERYONE = set(VIEWERS)
INSIDE = {"author", "organizer", "member", "superuser"}


@pytest.fixture
def world():
    """A members-only course (author, organizer, member inside), a public course, and one
    row per visibility case, each with a unique word."""
    closed = CourseFactory(visibility="members", title="Closed circle")
    open_course = CourseFactory(visibility="public", title="Open lectures")
    people = {
        "author": MembershipFactory(course=closed).user,
        "organizer": MembershipFactory(course=closed, role="organizer").user,
        "member": MembershipFactory(course=closed).user,
        "outsider": UserFactory(),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
        "anonymous": AnonymousUser(),
    }
    author = people["author"]
    closed_session = SessionFactory(course=closed, title="Closed session wordclosedsession")
    closed_session_2 = SessionFactory(course=closed, title="Closed again")
    open_session = SessionFactory(course=open_course, title="Open session wordopensession")
    reading = ReadingFactory(title="A shared reading")
    for visibility, session, word in [
        ("private", closed_session, "wordreflprivate"),
        ("course", closed_session_2, "wordreflcourse"),
        ("public", open_session, "wordreflpublicopen"),
    ]:
        ReflectionFactory(author=author, session=session, visibility=visibility, body=word)
    # A public reflection on a members-only course stays inside the course.
    ReflectionFactory(
        author=people["member"],
        session=closed_session,
        visibility="public",
        body="wordreflpublicclosed",
    )
    NoteFactory(author=author, reading=reading, visibility="private", body="wordnoteprivate")
    NoteFactory(author=author, reading=reading, visibility="public", body="wordnotepublic")
    NoteFactory(
        author=author,
        reading=None,
        session=closed_session,
        visibility="course",
        body="wordnotecourse",
    )
    NoteFactory(
        author=author,
        reading=None,
        session=closed_session,
        visibility="public",
        body="wordnotepublicclosed",
    )
    HighlightFactory(author=author, reading=reading, visibility="private", phrase="wordhlprivate")
    HighlightFactory(author=author, reading=reading, visibility="public", phrase="wordhlpublic")
    return people


@pytest.mark.parametrize(
    ("word", "who_finds_it"),
    [
        ("wordreflprivate", {"author"}),
        ("wordnoteprivate", {"author"}),
        ("wordhlprivate", {"author"}),
        ("wordclosedsession", INSIDE),
        ("wordreflcourse", INSIDE - {"superuser"}),
        ("wordnotecourse", INSIDE - {"superuser"}),
        ("wordreflpublicclosed", INSIDE),
        ("wordnotepublicclosed", INSIDE),
        ("wordopensession", EVERYONE),
        ("wordreflpublicopen", EVERYONE),
        ("wordnotepublic", EVERYONE),
        ("wordhlpublic", EVERYONE),
    ],
)
def test_each_viewer_finds_only_what_they_may_see(world, word, who_finds_it):
    found_by = {name for name, user in world.items() if search(user=user, query=word).results}
    assert found_by == who_finds_it


def test_private_reflection_word_finds_nothing_for_anyone_but_its_author(world):
    for name, user in world.items():
        page = search(user=user, query="wordreflprivate")
        expected = 1 if name == "author" else 0
        assert page.total == expected
        assert sum(page.counts.values()) == expected


def test_counts_and_titles_leak_nothing_from_hidden_courses(world):
    """The hidden session must not show up in counts, nor its title in another result."""
    page = search(user=world["outsider"], query="closed or wordnotepublic")
    assert page.counts["session"] == 0
    assert all("Closed" not in result.title for result in page.results)
    assert [result.type for result in page.results] == ["note"]


def test_a_repeated_search_sees_a_membership_granted_and_revoked_in_between():
    """The compiled SQL is reused per user: memberships must stay part of the query."""
    closed = CourseFactory(visibility="members")
    ReflectionFactory(
        session=SessionFactory(course=closed), visibility="course", body="wordofthecourse"
    )
    viewer = UserFactory()
    assert search(user=viewer, query="wordofthecourse").total == 0
    membership = MembershipFactory(course=closed, user=viewer)
    assert search(user=viewer, query="wordofthecourse").total == 1
    membership.delete()
    assert search(user=viewer, query="wordofthecourse").total == 0


def test_a_repeated_search_follows_the_superuser_flag():
    closed = CourseFactory(visibility="members")
    SessionFactory(course=closed, title="Closed wordforstaff")
    viewer = UserFactory()
    assert search(user=viewer, query="wordforstaff").total == 0
    viewer.is_superuser = True
    viewer.save()
    assert search(user=viewer, query="wordforstaff").total == 1
