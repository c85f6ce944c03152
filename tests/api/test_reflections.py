import pytest

from sessions.models import Reflection
from tests.api.helpers import ids

pytestmark = pytest.mark.django_db

VIEWERS = ["anonymous", "non_member", "member", "organizer", "author"]


@pytest.fixture
def setting(people, user_factory, membership_factory, session_factory):
    """A members-only course with a session, and an author who is another member."""
    course, who = people
    author = user_factory(username="author")
    membership_factory(course=course, user=author)
    return course, session_factory(course=course), {**who, "author": author}


# Who sees a reflection, by its visibility, on a members-only course and on a public one.
SEES = {
    ("private", "members"): {"author"},
    ("course", "members"): {"member", "organizer", "author"},
    ("public", "members"): {"member", "organizer", "author"},
    ("private", "public"): {"author"},
    ("course", "public"): {"member", "organizer", "author"},
    ("public", "public"): set(VIEWERS),
}


@pytest.mark.parametrize(("visibility", "course_visibility"), list(SEES))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_reflection_visibility_matrix(
    as_user, setting, reflection_factory, visibility, course_visibility, viewer
):
    course, session, who = setting
    course.visibility = course_visibility
    course.save()
    reflection = reflection_factory(session=session, author=who["author"], visibility=visibility)
    client = as_user(who[viewer])
    sees = viewer in SEES[(visibility, course_visibility)]
    assert (reflection.pk in ids(client.get("/api/v1/reflections/"))) is sees
    assert (reflection.pk in ids(client.get(f"/api/v1/reflections/?session={session.pk}"))) is sees
    response = client.get(f"/api/v1/reflections/{reflection.pk}/")
    assert response.status_code == (200 if sees else 404)
    if not sees:
        assert reflection.body not in response.content.decode()


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
def test_only_the_author_changes_a_reflection(
    as_user, setting, reflection_factory, viewer, change, delete
):
    _course, session, who = setting
    reflection = reflection_factory(session=session, author=who["author"], visibility="course")
    client = as_user(who[viewer])
    url = f"/api/v1/reflections/{reflection.pk}/"
    response = client.patch(url, {"body": "Rewritten"}, format="json")
    assert response.status_code == change
    reflection.refresh_from_db()
    assert (reflection.body == "Rewritten") is (change == 200)
    assert client.delete(url).status_code == delete


def test_author_writes_reads_and_deletes_a_reflection_with_markdown(as_user, setting):
    _course, session, who = setting
    client = as_user(who["author"])
    response = client.post(
        "/api/v1/reflections/",
        {"session": session.pk, "body": "I liked **this** <script>x()</script>"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["visibility"] == "private"
    assert body["author"] == "author"
    assert body["body"].startswith("I liked **this**")
    assert "<strong>this</strong>" in body["body_html"]
    assert "<script>" not in body["body_html"]
    url = f"/api/v1/reflections/{body['id']}/"
    response = client.put(url, {"body": "Second thoughts", "visibility": "public"}, format="json")
    assert response.json()["body_html"] == "<p>Second thoughts</p>"
    assert client.delete(url).status_code == 204
    assert not Reflection.objects.exists()


def test_second_reflection_on_the_same_session_is_a_field_error(
    as_user, setting, reflection_factory
):
    _course, session, who = setting
    reflection_factory(session=session, author=who["author"])
    response = as_user(who["author"]).post(
        "/api/v1/reflections/", {"session": session.pk, "body": "Again"}, format="json"
    )
    assert response.status_code == 400
    assert "session" in response.json()


def test_reflection_spanning_following_sessions(as_user, setting, session_factory):
    course, first, who = setting
    second = session_factory(course=course)
    client = as_user(who["author"])
    response = client.post(
        "/api/v1/reflections/",
        {"session": first.pk, "covers_until": second.pk, "body": "Both weeks"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["covers_until"] == second.pk
    response = client.post(
        "/api/v1/reflections/", {"session": second.pk, "body": "Overlap"}, format="json"
    )
    assert response.status_code == 400
    assert "covers_until" in response.json()


def test_reflection_on_a_session_one_may_not_see_is_refused_like_a_missing_one(as_user, setting):
    _course, session, who = setting
    response = as_user(who["non_member"]).post(
        "/api/v1/reflections/", {"session": session.pk, "body": "Sneaky"}, format="json"
    )
    assert response.status_code == 400
    missing = as_user(who["non_member"]).post(
        "/api/v1/reflections/", {"session": 987654, "body": "Sneaky"}, format="json"
    )
    assert response.json()["session"][0].replace(str(session.pk), "N") == missing.json()["session"][
        0
    ].replace("987654", "N")


def test_reflections_filter_by_author_course_visibility_and_mine(
    as_user, setting, reflection_factory, session_factory
):
    course, session, who = setting
    mine = reflection_factory(session=session, author=who["member"], visibility="course")
    theirs = reflection_factory(session=session, author=who["author"], visibility="public")
    client = as_user(who["member"])
    assert ids(client.get("/api/v1/reflections/?mine=true")) == {mine.pk}
    assert ids(client.get("/api/v1/reflections/?mine=false")) == {theirs.pk}
    assert ids(client.get("/api/v1/reflections/?author=author")) == {theirs.pk}
    assert ids(client.get("/api/v1/reflections/?visibility=course")) == {mine.pk}
    assert ids(client.get(f"/api/v1/reflections/?course={course.slug}")) == {mine.pk, theirs.pk}


def test_anyone_signed_in_may_reflect_on_a_public_courses_session(as_user, setting):
    course, session, who = setting
    course.visibility = "public"
    course.save()
    payload = {"session": session.pk, "body": "Visiting", "visibility": "public"}
    assert as_user(None).post("/api/v1/reflections/", payload).status_code == 401
    response = as_user(who["non_member"]).post("/api/v1/reflections/", payload)
    assert response.status_code == 201
    assert response.json()["author"] == who["non_member"].username
