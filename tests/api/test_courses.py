import pytest

from sessions.models import Course, Membership
from tests.api.helpers import ids, results

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "non_member", "member", "organizer"]


def test_signed_in_user_creates_a_course_and_organizes_it(as_user, member):
    response = as_user(member).post(
        "/api/v1/courses/",
        {
            "slug": "interp-reading-group",
            "title": "Interpretability reading group",
            "kind": "reading_group",
            "description": "We read *circuits* papers.",
            "time_zone": "Europe/London",
            "visibility": "public",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["viewer_role"] == "organizer"
    assert body["description_html"] == "<p>We read <em>circuits</em> papers.</p>"
    course = Course.objects.get(slug="interp-reading-group")
    assert course.memberships.get().role == "organizer"


def test_course_read_update_delete_by_its_organizer(as_user, people):
    course, who = people
    client = as_user(who["organizer"])
    url = f"/api/v1/courses/{course.slug}/"
    assert client.get(url).json()["title"] == course.title
    response = client.patch(url, {"title": "Renamed", "description": "**bold**"}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == "Renamed"
    assert response.json()["description_html"] == "<p><strong>bold</strong></p>"
    response = client.put(url, {"title": "Put title", "time_zone": "Asia/Tokyo"}, format="json")
    assert response.status_code == 200
    assert response.json()["time_zone"] == "Asia/Tokyo"
    assert client.delete(url).status_code == 204
    assert not Course.objects.filter(pk=course.pk).exists()


@pytest.mark.parametrize(
    ("role", "listed", "read", "change", "delete"),
    [
        ("anonymous", False, 404, 401, 401),
        ("non_member", False, 404, 404, 404),
        ("member", True, 200, 403, 403),
        ("organizer", True, 200, 200, 204),
    ],
)
def test_members_only_course_permissions(as_user, people, role, listed, read, change, delete):
    course, who = people
    client = as_user(who[role])
    url = f"/api/v1/courses/{course.slug}/"
    assert (course.slug in ids(client.get("/api/v1/courses/"), "slug")) is listed
    assert client.get(url).status_code == read
    assert client.patch(url, {"title": "Changed"}, format="json").status_code == change
    assert client.delete(url).status_code == delete
    assert Course.objects.filter(pk=course.pk).exists() is (delete != 204)


@pytest.mark.parametrize(
    ("role", "change"),
    [("anonymous", 401), ("non_member", 403), ("member", 403), ("organizer", 200)],
)
def test_public_course_is_read_by_all_and_changed_by_organizers(as_user, people, role, change):
    course, who = people
    course.visibility = "public"
    course.save()
    client = as_user(who[role])
    url = f"/api/v1/courses/{course.slug}/"
    assert course.slug in ids(client.get("/api/v1/courses/"), "slug")
    assert client.get(url).status_code == 200
    assert client.patch(url, {"title": "Changed"}, format="json").status_code == change


@pytest.mark.parametrize(("role", "shown"), [(r, r in {"member", "organizer"}) for r in ROLES])
def test_online_link_and_passcode_are_for_members_only(as_user, people, role, shown):
    course, who = people
    course.visibility = "public"
    course.save()
    body = as_user(who[role]).get(f"/api/v1/courses/{course.slug}/").json()
    if shown:
        assert (body["online_url"], body["online_passcode"]) == (
            course.online_url,
            course.online_passcode,
        )
    else:
        assert body["online_url"] is None and body["online_passcode"] is None
        assert course.online_passcode not in str(body)


def test_course_filters_by_kind_and_my_role(as_user, people, course_factory, membership_factory):
    course, who = people
    seminar = course_factory(kind="seminar", visibility="public")
    membership_factory(course=seminar, user=who["member"], role="organizer")
    client = as_user(who["member"])
    assert ids(client.get("/api/v1/courses/?kind=seminar"), "slug") == {seminar.slug}
    assert ids(client.get("/api/v1/courses/?role=member"), "slug") == {course.slug}
    assert ids(client.get("/api/v1/courses/?role=organizer"), "slug") == {seminar.slug}


def test_duplicate_slug_and_bad_time_zone_are_field_errors(as_user, people):
    course, who = people
    response = as_user(who["member"]).post(
        "/api/v1/courses/",
        {"slug": course.slug, "title": "Again", "time_zone": "Mars/Olympus_Mons"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"slug", "time_zone"}


def test_course_slug_cannot_be_changed(as_user, people):
    course, who = people
    response = as_user(who["organizer"]).patch(
        f"/api/v1/courses/{course.slug}/", {"slug": "new-slug"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"slug": ["Unknown field."]}


def test_listing_shows_my_role_in_each_course(as_user, people):
    course, who = people
    rows = results(as_user(who["organizer"]).get("/api/v1/courses/"))
    assert [(r["slug"], r["viewer_role"]) for r in rows] == [(course.slug, "organizer")]
    assert Membership.objects.count() == 2
