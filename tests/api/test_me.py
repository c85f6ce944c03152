import pytest

from tracker.models import Profile

pytestmark = pytest.mark.django_db


def test_me_shows_and_changes_my_profile(as_user, people):
    course, who = people
    client = as_user(who["member"])
    body = client.get("/api/v1/me/").json()
    assert body["time_zone"] == "UTC"
    assert body["memberships"] == [{"course": course.slug, "role": "member"}]
    response = client.patch("/api/v1/me/", {"display_name": "Mem", "time_zone": "Australia/Sydney"})
    assert response.status_code == 200
    profile = Profile.objects.get(user=who["member"])
    assert (profile.display_name, profile.time_zone) == ("Mem", "Australia/Sydney")


@pytest.mark.parametrize("zone", ["Mars/Base", "utc+5", "", "Europe/London\x00"])
def test_unknown_time_zone_is_a_field_error(as_user, member, zone):
    response = as_user(member).patch("/api/v1/me/", {"time_zone": zone})
    assert response.status_code == 400
    assert list(response.json()) == ["time_zone"]
    assert Profile.objects.get(user=member).time_zone == "UTC"


def test_me_needs_a_signed_in_user(api):
    assert api.get("/api/v1/me/").status_code == 401
    assert api.patch("/api/v1/me/", {"display_name": "x"}).status_code == 401
