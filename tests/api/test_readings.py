import pytest

from readings.models import Reading
from sessions import services as session_services
from tests.api.helpers import ids, results

pytestmark = pytest.mark.django_db

NEW_READING = {
    "title": "A Mathematical Framework for Transformer Circuits",
    "kind": "blog_post",
    "url": "https://transformer-circuits.pub/2021/framework/index.html",
    "authors": [
        {"given_name": "Nelson", "family_name": "Elhage"},
        {"family_name": "Anthropic"},
    ],
    "year": 2021,
    "tags": ["Circuits", "attention heads"],
    "summary": "Attention heads as *independent* pieces.",
    "duration_seconds": 5400,
    "arxiv_id": "arXiv:2005.14165",
}


def test_signed_in_user_adds_reads_edits_and_deletes_a_reading(as_user, member):
    client = as_user(member)
    response = client.post("/api/v1/readings/", NEW_READING, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "a-mathematical-framework-for-transformer-circuits"
    assert body["authors"] == [
        {"given_name": "Nelson", "family_name": "Elhage"},
        {"given_name": "", "family_name": "Anthropic"},
    ]
    assert sorted(body["tags"]) == ["attention heads", "circuits"]
    assert body["arxiv_id"] == "2005.14165"
    assert body["duration_seconds"] == 5400
    assert body["summary_html"] == "<p>Attention heads as <em>independent</em> pieces.</p>"
    assert body["added_by"] == "member"
    url = f"/api/v1/readings/{body['slug']}/"
    response = client.patch(url, {"year": 2022, "tags": ["mech interp"]}, format="json")
    assert response.status_code == 200
    assert (response.json()["year"], response.json()["tags"]) == (2022, ["mech interp"])
    assert response.json()["authors"][0]["family_name"] == "Elhage"
    assert client.delete(url).status_code == 204
    assert not Reading.objects.exists()


@pytest.mark.parametrize(
    ("viewer", "create", "change", "delete"),
    [
        ("anonymous", 401, 401, 401),
        ("non_member", 201, 200, 403),
        ("member", 201, 200, 403),
        ("organizer", 201, 200, 403),
        ("author", 201, 200, 204),
    ],
)
def test_library_permissions(as_user, people, user_factory, viewer, create, change, delete):
    _course, who = people
    who = {**who, "author": user_factory(username="adder")}
    reading = Reading.objects.create(slug="shared", title="Shared", added_by=who["author"])
    client = as_user(who[viewer])
    assert "shared" in ids(client.get("/api/v1/readings/"), "slug")
    assert client.get("/api/v1/readings/shared/").status_code == 200
    assert client.post("/api/v1/readings/", {"title": "New one"}).status_code == create
    assert client.patch("/api/v1/readings/shared/", {"source": "NeurIPS"}).status_code == change
    assert client.delete("/api/v1/readings/shared/").status_code == delete
    assert Reading.objects.filter(pk=reading.pk).exists() is (delete != 204)


def test_staff_may_delete_any_reading(as_user, user_factory, reading_factory):
    reading = reading_factory()
    staff = user_factory(is_staff=True)
    assert as_user(staff).delete(f"/api/v1/readings/{reading.slug}/").status_code == 204


def test_a_reading_a_session_lists_cannot_be_deleted(as_user, member, session_factory):
    reading = Reading.objects.create(slug="used", title="Used", added_by=member)
    session_services.session_update(
        session=session_factory(), readings=[{"reading": reading, "role": "required"}]
    )
    response = as_user(member).delete("/api/v1/readings/used/")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert Reading.objects.filter(pk=reading.pk).exists()


def test_duplicate_identifier_is_a_field_error(as_user, member, reading_factory):
    reading_factory(doi="10.23915/distill.00007")
    response = as_user(member).post(
        "/api/v1/readings/",
        {"title": "Copy", "doi": "https://doi.org/10.23915/DISTILL.00007"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["doi"]


def test_readings_filter_by_kind_tag_year_and_my_status(as_user, member, reading_factory):
    client = as_user(member)
    paper = client.post(
        "/api/v1/readings/", {"title": "Paper", "year": 2020, "tags": ["Circuits"]}
    ).json()["slug"]
    video = client.post(
        "/api/v1/readings/", {"title": "Video", "kind": "video", "year": 2023}
    ).json()["slug"]
    client.post("/api/v1/reading-statuses/", {"reading": video, "status": "read"})
    assert ids(client.get("/api/v1/readings/?kind=video"), "slug") == {video}
    assert ids(client.get("/api/v1/readings/?tag=circuits"), "slug") == {paper}
    assert ids(client.get("/api/v1/readings/?year=2020"), "slug") == {paper}
    assert ids(client.get("/api/v1/readings/?status=read"), "slug") == {video}
    rows = results(client.get("/api/v1/readings/?ordering=year"))
    assert [(r["slug"], r["my_status"]) for r in rows] == [(paper, None), (video, "read")]


def test_my_status_is_mine_alone(as_user, member, user_factory, reading_factory):
    reading = reading_factory()
    as_user(member).post("/api/v1/reading-statuses/", {"reading": reading.slug, "status": "read"})
    other = as_user(user_factory())
    assert results(other.get("/api/v1/readings/"))[0]["my_status"] is None
    assert results(other.get("/api/v1/readings/?status=read")) == []


def test_search_looks_in_title_source_and_author_names(as_user, member):
    client = as_user(member)
    client.post("/api/v1/readings/", {"title": "Toy models", "source": "Distill"})
    client.post(
        "/api/v1/readings/",
        {"title": "Other", "authors": [{"given_name": "Chris", "family_name": "Olah"}]},
        format="json",
    )
    client.post("/api/v1/readings/", {"title": "Unrelated"})
    assert ids(client.get("/api/v1/readings/?search=toy"), "title") == {"Toy models"}
    assert ids(client.get("/api/v1/readings/?search=distill"), "title") == {"Toy models"}
    assert ids(client.get("/api/v1/readings/?search=olah"), "title") == {"Other"}
