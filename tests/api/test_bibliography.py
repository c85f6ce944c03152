"""API: readings export (filters, a session's or course's list) and import with its report."""

import json

import pytest

from readings import services
from readings.models import Reading
from sessions import services as session_services
from tests.sessions.factories import SessionFactory

pytestmark = pytest.mark.django_db

GOOD = """@article{olah2020zoom,
  title = {Zoom In: An Introduction to Circuits},
  author = {Olah, Chris and Cammarata, Nick},
  year = {2020},
  doi = {10.23915/distill.00024.001}
}
"""
BROKEN = GOOD + "@misc{broken,\n  title = {Impossible},\n  year = {99999}\n}\n"


def _reading(title, **fields):
    return services.reading_create(title=title, authors=[("Ada", "Lovelace")], **fields)


def test_export_honours_the_readings_filters(api):
    _reading("A paper", kind="paper", year=2020)
    _reading("A book", kind="book", year=2020)
    response = api.get("/api/v1/readings/export", {"format": "csljson", "kind": "book"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    assert [item["title"] for item in json.loads(response.content)] == ["A book"]
    bibtex = api.get("/api/v1/readings/export", {"format": "bibtex", "year": 2020})
    assert bibtex["Content-Type"].startswith("application/x-bibtex")
    assert "A paper" in bibtex.content.decode() and "A book" in bibtex.content.decode()


def test_export_needs_a_known_format(api):
    assert api.get("/api/v1/readings/export", {"format": "marc"}).status_code == 400
    assert api.get("/api/v1/readings/export").status_code == 400


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 404), ("non_member", 404), ("member", 200), ("organizer", 200)],
)
def test_session_and_course_exports_follow_visibility(as_user, people, who, status):
    course, users = people
    listed = _reading("Listed reading")
    _reading("Unlisted reading")
    session = SessionFactory(course=course)
    session_services.session_update(
        session=session, readings=[{"reading": listed, "role": "required"}]
    )
    client = as_user(users[who])
    for params in ({"session": session.pk}, {"course": course.slug}):
        response = client.get("/api/v1/readings/export", {"format": "csljson", **params})
        assert response.status_code == status
        if status == 200:
            assert [i["title"] for i in json.loads(response.content)] == ["Listed reading"]


def test_import_needs_sign_in(api):
    response = api.post("/api/v1/readings/import", {"format": "bibtex", "text": GOOD})
    assert response.status_code == 401
    assert Reading.objects.count() == 0


def test_import_saves_then_reimport_matches(as_user, member):
    client = as_user(member)
    first = client.post("/api/v1/readings/import", {"format": "bibtex", "text": GOOD})
    assert first.status_code == 201
    assert (first.json()["saved"], first.json()["added"]) == (True, 1)
    second = client.post("/api/v1/readings/import", {"format": "bibtex", "text": GOOD})
    assert second.status_code == 201
    assert second.json()["matched"] == 1 and second.json()["added"] == 0
    assert second.json()["entries"][0]["reading"] == Reading.objects.get().slug
    assert Reading.objects.count() == 1


def test_a_rejected_entry_saves_nothing_until_accepted(as_user, member):
    client = as_user(member)
    waiting = client.post("/api/v1/readings/import", {"format": "bibtex", "text": BROKEN})
    assert waiting.status_code == 200
    body = waiting.json()
    assert body["saved"] is False and body["rejected"] == 1
    assert "plausible year" in next(e for e in body["entries"] if e["key"] == "broken")["reason"]
    assert Reading.objects.count() == 0
    accepted = client.post(
        "/api/v1/readings/import",
        {"format": "bibtex", "text": BROKEN, "accept_rejections": True},
        format="json",
    )
    assert accepted.status_code == 201
    assert Reading.objects.count() == 1


def test_an_unreadable_file_is_a_400(as_user, member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = as_user(member)
    upload = SimpleUploadedFile("refs.json", b"{not json", "application/json")
    response = client.post(
        "/api/v1/readings/import", {"format": "csljson", "file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()
    assert Reading.objects.count() == 0


@pytest.mark.parametrize("size", [2, 8])
def test_export_costs_the_same_queries_at_any_size(api, django_assert_max_num_queries, size):
    for n in range(size):
        services.reading_create(
            title=f"Reading {n}", authors=[("Ada", "Lovelace"), ("Alan", "Turing")], tags=["t"]
        )
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/readings/export", {"format": "bibtex"})
    assert response.content.decode().count("@") == size
