import pytest

from sessions.models import Membership
from tests.api.helpers import ids

pytestmark = pytest.mark.django_db


def members_url(course, username: str = "") -> str:
    return f"/api/v1/courses/{course.slug}/members/" + (f"{username}/" if username else "")


@pytest.mark.parametrize(
    ("role", "list_status", "add_status"),
    [
        ("anonymous", 401, 401),
        ("non_member", 404, 404),
        ("member", 200, 403),
        ("organizer", 200, 201),
    ],
)
def test_members_only_course_member_list_permissions(
    as_user, people, user_factory, role, list_status, add_status
):
    course, who = people
    client = as_user(who[role])
    response = client.get(members_url(course))
    assert response.status_code == list_status
    if list_status == 200:
        assert ids(response, "username") == {who["member"].username, who["organizer"].username}
    newcomer = user_factory()
    response = client.post(members_url(course), {"username": newcomer.username}, format="json")
    assert response.status_code == add_status
    assert Membership.objects.filter(user=newcomer).exists() is (add_status == 201)


def test_public_course_members_are_still_for_members_only(as_user, people):
    course, who = people
    course.visibility = "public"
    course.save()
    assert as_user(who["non_member"]).get(members_url(course)).status_code == 403
    assert as_user(who["member"]).get(members_url(course)).status_code == 200


def test_organizer_changes_a_role_and_removes_a_member(as_user, people):
    course, who = people
    client = as_user(who["organizer"])
    url = members_url(course, who["member"].username)
    response = client.patch(url, {"role": "organizer"}, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == "organizer"
    assert client.delete(url).status_code == 204
    assert not Membership.objects.filter(user=who["member"], course=course).exists()


def test_member_may_leave_but_not_remove_others_or_promote_self(as_user, people):
    course, who = people
    client = as_user(who["member"])
    assert (
        client.patch(
            members_url(course, who["member"].username), {"role": "organizer"}, format="json"
        ).status_code
        == 403
    )
    assert client.delete(members_url(course, who["organizer"].username)).status_code == 403
    assert client.delete(members_url(course, who["member"].username)).status_code == 204


def test_last_organizer_cannot_leave_or_step_down(as_user, people):
    course, who = people
    client = as_user(who["organizer"])
    url = members_url(course, who["organizer"].username)
    response = client.patch(url, {"role": "member"}, format="json")
    assert response.status_code == 400
    assert "role" in response.json()
    assert client.delete(url).status_code == 400
    assert Membership.objects.get(user=who["organizer"], course=course).role == "organizer"


def test_adding_an_existing_member_or_unknown_user_is_a_field_error(as_user, people):
    course, who = people
    client = as_user(who["organizer"])
    response = client.post(members_url(course), {"username": who["member"].username})
    assert response.status_code == 400
    assert "user" in response.json()
    response = client.post(members_url(course), {"username": "nobody-here"})
    assert response.status_code == 400
    assert "username" in response.json()


def test_unknown_member_is_404(as_user, people):
    course, who = people
    assert as_user(who["organizer"]).get(members_url(course, "nobody")).status_code == 404


def test_an_empty_patch_changes_nothing(as_user, people):
    course, who = people
    url = members_url(course, who["member"].username)
    response = as_user(who["organizer"]).patch(url, {}, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == "member"
