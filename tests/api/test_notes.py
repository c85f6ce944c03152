import pytest

from readings.models import Note
from tests.api.helpers import ids

pytestmark = pytest.mark.django_db

VIEWERS = ["anonymous", "non_member", "member", "organizer", "author"]


@pytest.fixture
def setting(people, user_factory, membership_factory, session_factory):
    course, who = people
    author = user_factory(username="note-author")
    membership_factory(course=course, user=author)
    return course, session_factory(course=course), {**who, "author": author}


SEES_SESSION_NOTE = {
    "private": {"author"},
    "course": {"member", "organizer", "author"},
    "public": {"member", "organizer", "author"},  # the session is for members only
}


@pytest.mark.parametrize("visibility", list(SEES_SESSION_NOTE))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_note_on_a_members_only_session_visibility_matrix(
    as_user, setting, note_factory, visibility, viewer
):
    _course, session, who = setting
    note = note_factory(author=who["author"], session=session, reading=None, visibility=visibility)
    client = as_user(who[viewer])
    sees = viewer in SEES_SESSION_NOTE[visibility]
    assert (note.pk in ids(client.get("/api/v1/notes/"))) is sees
    assert (note.pk in ids(client.get(f"/api/v1/notes/?session={session.pk}"))) is sees
    assert client.get(f"/api/v1/notes/{note.pk}/").status_code == (200 if sees else 404)


@pytest.mark.parametrize("visibility", ["private", "public"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_note_on_a_reading_visibility_matrix(as_user, setting, note_factory, visibility, viewer):
    _course, _session, who = setting
    note = note_factory(author=who["author"], visibility=visibility)
    sees = visibility == "public" or viewer == "author"
    client = as_user(who[viewer])
    assert (note.pk in ids(client.get("/api/v1/notes/"))) is sees
    assert (note.pk in ids(client.get(f"/api/v1/notes/?reading={note.reading.slug}"))) is sees


@pytest.mark.parametrize(
    ("viewer", "change", "delete"),
    [
        ("anonymous", 401, 401),
        ("non_member", 404, 404),
        ("member", 403, 403),
        ("organizer", 403, 403),
        ("author", 200, 204),
    ],
)
def test_only_the_author_changes_a_note(as_user, setting, note_factory, viewer, change, delete):
    _course, session, who = setting
    note = note_factory(author=who["author"], session=session, reading=None, visibility="course")
    client = as_user(who[viewer])
    url = f"/api/v1/notes/{note.pk}/"
    assert client.patch(url, {"body": "Changed"}).status_code == change
    assert client.delete(url).status_code == delete
    assert Note.objects.filter(pk=note.pk).exists() is (delete != 204)


def test_author_writes_notes_on_a_session_a_reading_and_a_term(
    as_user, setting, reading_factory, term_factory
):
    _course, session, who = setting
    client = as_user(who["author"])
    targets = [
        {"session": session.pk, "visibility": "course"},
        {"reading": reading_factory().slug},
        {"term": term_factory().slug, "visibility": "public"},
    ]
    for target in targets:
        response = client.post("/api/v1/notes/", {**target, "body": "A `note`"}, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["body_html"] == "<p>A <code>note</code></p>"
    note_id = response.json()["id"]
    response = client.put(f"/api/v1/notes/{note_id}/", {"body": "Edited", "visibility": "private"})
    assert (response.json()["body"], response.json()["term"]) == ("Edited", targets[2]["term"])
    assert ids(client.get("/api/v1/notes/?mine=true")) == set(
        Note.objects.values_list("pk", flat=True)
    )


def test_a_note_needs_exactly_one_target(as_user, setting, reading_factory):
    _course, session, who = setting
    client = as_user(who["author"])
    for targets in ({}, {"session": session.pk, "reading": reading_factory().slug}):
        response = client.post("/api/v1/notes/", {**targets, "body": "x"}, format="json")
        assert response.status_code == 400
        assert "non_field_errors" in response.json()
    assert not Note.objects.exists()


def test_only_a_session_note_can_be_shared_with_a_course(as_user, member, reading_factory):
    response = as_user(member).post(
        "/api/v1/notes/",
        {"reading": reading_factory().slug, "body": "x", "visibility": "course"},
    )
    assert response.status_code == 400
    assert "visibility" in response.json()


def test_a_note_on_a_session_one_may_not_see_is_refused(as_user, setting):
    _course, session, who = setting
    response = as_user(who["non_member"]).post(
        "/api/v1/notes/", {"session": session.pk, "body": "x"}
    )
    assert response.status_code == 400
    assert "session" in response.json()
