import pytest

from readings.models import ReadingStatus
from tests.api.helpers import ids

pytestmark = pytest.mark.django_db


def test_setting_changing_and_clearing_my_status(as_user, member, reading_factory):
    reading = reading_factory()
    client = as_user(member)
    response = client.post(
        "/api/v1/reading-statuses/", {"reading": reading.slug, "status": "reading"}
    )
    assert response.status_code == 201
    assert response.json()["finished_at"] is None
    response = client.post("/api/v1/reading-statuses/", {"reading": reading.slug, "status": "read"})
    assert response.status_code == 200
    assert response.json()["finished_at"] is not None
    url = f"/api/v1/reading-statuses/{reading.slug}/"
    response = client.patch(url, {"status": "skipped"})
    assert (response.json()["status"], response.json()["finished_at"]) == ("skipped", None)
    assert client.get(url).json()["status"] == "skipped"
    assert client.delete(url).status_code == 204
    assert not ReadingStatus.objects.exists()


@pytest.mark.parametrize(
    ("viewer", "list_status", "read", "change"),
    [
        ("anonymous", 401, 401, 401),
        ("non_member", 200, 404, 404),
        ("member", 200, 404, 404),
        ("organizer", 200, 404, 404),
        ("author", 200, 200, 200),
    ],
)
def test_a_reading_status_is_its_owners_alone(
    as_user, people, user_factory, reading_factory, viewer, list_status, read, change
):
    _course, who = people
    who = {**who, "author": user_factory(username="owner")}
    reading = reading_factory()
    ReadingStatus.objects.create(user=who["author"], reading=reading, status="reading")
    client = as_user(who[viewer])
    response = client.get("/api/v1/reading-statuses/")
    assert response.status_code == list_status
    if list_status == 200:
        assert (reading.slug in ids(response, "reading")) is (viewer == "author")
    url = f"/api/v1/reading-statuses/{reading.slug}/"
    assert client.get(url).status_code == read
    assert client.patch(url, {"status": "read"}).status_code == change
    assert ReadingStatus.objects.get().status == ("read" if change == 200 else "reading")


def test_statuses_filter_by_status(as_user, member, reading_factory):
    client = as_user(member)
    first, second = reading_factory(), reading_factory()
    client.post("/api/v1/reading-statuses/", {"reading": first.slug, "status": "to_read"})
    client.post("/api/v1/reading-statuses/", {"reading": second.slug, "status": "read"})
    assert ids(client.get("/api/v1/reading-statuses/?status=read"), "reading") == {second.slug}


def test_status_for_an_unknown_reading_or_status_is_a_field_error(as_user, member, reading_factory):
    client = as_user(member)
    response = client.post("/api/v1/reading-statuses/", {"reading": "nope", "status": "read"})
    assert response.status_code == 400 and "reading" in response.json()
    response = client.post(
        "/api/v1/reading-statuses/", {"reading": reading_factory().slug, "status": "devoured"}
    )
    assert response.status_code == 400 and "status" in response.json()


def test_an_empty_patch_keeps_my_status(as_user, member, reading_factory):
    reading = reading_factory()
    client = as_user(member)
    client.post("/api/v1/reading-statuses/", {"reading": reading.slug, "status": "reading"})
    response = client.patch(f"/api/v1/reading-statuses/{reading.slug}/", {}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "reading")
