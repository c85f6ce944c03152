""" "Only the author edits" is one rule (`tracker.visibility.may_edit`) that the pages and the
API's `IsAuthorOrReadOnly` both ask: whoever one door refuses, the other refuses too."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from rest_framework.test import APIClient

from readings.models import Note
from tests.readings.factories import HighlightFactory, NoteFactory
from tests.sessions.factories import (
    MembershipFactory,
    ReflectionFactory,
    SessionFactory,
    UserFactory,
)
from tracker.visibility import may_edit

pytestmark = pytest.mark.django_db

WRITINGS = {
    "reflection": lambda author, session: ReflectionFactory(author=author, session=session),
    "note": lambda author, session: NoteFactory(author=author, session=session, reading=None),
    "highlight": lambda author, session: HighlightFactory(author=author),
}


@pytest.fixture
def shared_note(course_with_roles):
    """A note its author shares with the course: the organizer and a member can read it."""
    course, organizer, member, _outsider = course_with_roles
    author = MembershipFactory(course=course).user
    note = NoteFactory(
        author=author, session=SessionFactory(course=course), reading=None, visibility="course"
    )
    return note, {"author": author, "organizer": organizer, "member": member}


@pytest.mark.parametrize("kind", list(WRITINGS))
def test_only_the_author_may_edit_their_writing_whoever_else_sees_it(course_with_roles, kind):
    course, organizer, member, outsider = course_with_roles
    writing = WRITINGS[kind](member, SessionFactory(course=course))
    staff = UserFactory(is_staff=True, is_superuser=True)
    assert may_edit(member, writing)
    for other in (organizer, outsider, staff, AnonymousUser(), None):
        assert not may_edit(other, writing), other


@pytest.mark.parametrize("who", ["organizer", "member"])
def test_the_note_page_and_the_api_both_refuse_a_reader_who_is_not_the_author(
    client, shared_note, who
):
    note, people = shared_note
    assert not may_edit(people[who], note)
    client.force_login(people[who])
    page = client.post(
        reverse("note_edit", kwargs={"note_id": note.pk}),
        {"note-body": "Defaced on the page", "note-visibility": "course", "note-version": 1},
    )
    api = APIClient()
    api.force_authenticate(people[who])
    assert api.get(f"/api/v1/notes/{note.pk}/").status_code == 200  # they do see it
    answer = api.patch(f"/api/v1/notes/{note.pk}/", {"body": "Defaced by the API"})
    assert (page.status_code, answer.status_code) == (404, 403)
    assert answer.json()["detail"] == "Only its author may change this."
    assert Note.objects.get(pk=note.pk).body == note.body


def test_the_note_page_and_the_api_both_let_the_author_edit(client, shared_note):
    note, people = shared_note
    client.force_login(people["author"])
    page = client.post(
        reverse("note_edit", kwargs={"note_id": note.pk}),
        {"note-body": "Edited on the page", "note-visibility": "course", "note-version": 1},
    )
    assert page.status_code == 302
    api = APIClient()
    api.force_authenticate(people["author"])
    assert api.patch(f"/api/v1/notes/{note.pk}/", {"body": "Edited by the API"}).status_code == 200
    assert Note.objects.get(pk=note.pk).body == "Edited by the API"


def test_the_edit_link_shows_to_the_author_only(client, shared_note):
    note, people = shared_note
    edit_url = reverse("note_edit", kwargs={"note_id": note.pk})
    for who, shown in (("author", True), ("organizer", False), ("member", False)):
        client.force_login(people[who])
        page = client.get(note.session.get_absolute_url()).content.decode()
        assert (edit_url in page) is shown, who
