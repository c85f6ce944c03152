"""GET /api/v1/<kind>/<id>/related/: nearest in meaning, among what the caller may see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from meaning import embedder, services
from tests.api.helpers import ids, results
from tests.sessions.factories import ReflectionFactory, SessionFactory

pytestmark = pytest.mark.django_db

NEURONS = "Polysemantic neurons fire for many unrelated concepts."


@pytest.fixture
def reflections(people, settings, tmp_path):
    """A course reflection, a private one and a course one near it in meaning, by its members."""
    settings.MEANING_INDEX_DIR = tmp_path / "meaning"
    embedder.model()
    course, person = people
    session = SessionFactory(course=course)
    shared = ReflectionFactory(
        author=person["organizer"], session=session, body=NEURONS, visibility="course"
    )
    private = ReflectionFactory(
        author=person["member"],
        session=session,
        body="Neurons respond to several unrelated features at once.",
        visibility="private",
    )
    nearby = ReflectionFactory(
        session=SessionFactory(course=course),
        author=person["organizer"],
        body="Superposition: a neuron answers to many different things.",
        visibility="course",
    )
    services.backfill()
    return person, shared, private, nearby


@pytest.mark.parametrize(
    ("name", "sees_shared", "sees_private"),
    [
        ("anonymous", False, False),
        ("non_member", False, False),
        ("organizer", True, False),
        ("member", True, True),  # the private reflection's author
    ],
)
def test_a_private_reflection_is_related_for_its_author_only(
    as_user, reflections, name, sees_shared, sees_private
):
    person, shared, private, nearby = reflections
    response = as_user(person[name]).get(f"/api/v1/reflections/{shared.pk}/related/")
    if not sees_shared:
        assert response.status_code == 404
        return
    found = {(row["type"], row["id"]) for row in results(response)}
    assert ("reflection", nearby.pk) in found
    assert (("reflection", private.pk) in found) is sees_private


def test_related_lists_only_the_kinds_asked_for_with_titles_and_links(as_user, reflections):
    person, shared, _private, _nearby = reflections
    response = as_user(person["organizer"]).get(
        f"/api/v1/reflections/{shared.pk}/related/", {"type": "session", "limit": 3}
    )
    for row in response.json()["results"]:
        assert row["type"] == "session"
        assert row["url"].startswith("http://testserver/")
        assert isinstance(row["score"], float) and row["title"]


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/api/v1/spaceships/1/related/", {}, 404),
        ("/api/v1/reflections/999999/related/", {}, 404),
        ("/api/v1/reflections/{shared}/related/", {"limit": 0}, 400),
        ("/api/v1/reflections/{shared}/related/", {"type": "nonsense"}, 400),
    ],
)
def test_bad_addresses_and_parameters_are_refused(as_user, reflections, path, params, status):
    person, shared, _private, _nearby = reflections
    response = as_user(person["organizer"]).get(path.format(shared=shared.pk), params)
    assert response.status_code == status


def test_the_related_endpoint_is_in_the_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/{kind}/{id}/related/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert names == {"kind", "id", "type", "limit"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/RelatedList"
    )


def test_related_costs_the_same_queries_with_more_items(as_user, reflections):
    """A query per step and per kind on the list, whatever the number of rows."""
    person, shared, _private, _nearby = reflections
    client = as_user(person["organizer"])
    url = f"/api/v1/reflections/{shared.pk}/related/?type=reflection"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(12):
        ReflectionFactory(
            session=shared.session, body=f"{NEURONS} Again, {n}.", visibility="public"
        )
    services.backfill()
    with CaptureQueriesContext(connection) as many:
        assert len(ids(client.get(url))) == 5
    assert len(many) == len(few)
