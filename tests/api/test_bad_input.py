"""Bad input answers 400 naming what is wrong, never 500, and stores nothing."""

import json

import pytest
from django.apps import apps
from django.urls import URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework import parsers as drf_parsers
from rest_framework.views import APIView

from notebooks.models import Run
from readings.models import Reading
from sessions.models import Course
from tests.notebooks.factories import (
    NotebookFactory,
    notebook_bytes,
)
from tests.sessions.factories import SessionFactory
from tracker.api.parsers import JSONParser

pytestmark = pytest.mark.django_db

HUGE = "x" * 200_001
NUL = "before\x00after"


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"tracker_sessions", "readings"}
    }


@pytest.fixture
def organizer_client(as_user, people):
    course, who = people
    return course, as_user(who["organizer"])


def _session(the_course, **changes):
    return {
        "course": the_course.slug,
        "title": "T",
        "starts_at": "2024-04-02T18:00:00+10:00",
        "ends_at": "2024-04-02T19:00:00+10:00",
        **changes,
    }


SESSION_CASES = {
    "title is a list": ({"title": ["a"]}, "title"),
    "title is an object": ({"title": {"a": 1}}, "title"),
    "title is too long": ({"title": "x" * 201}, "title"),
    "title has a NUL": ({"title": NUL}, "title"),
    "abstract is huge": ({"abstract": HUGE}, "abstract"),
    "abstract has a NUL": ({"abstract": NUL}, "abstract"),
    "start is not a time": ({"starts_at": "next tuesday"}, "starts_at"),
    "start has no offset": ({"starts_at": "2024-04-02T18:00:00"}, "starts_at"),
    "start is out of range": ({"starts_at": "0001-01-01T00:00:00+01:00"}, "starts_at"),
    "start is far future": ({"starts_at": "9999-12-31T23:59:59-12:00"}, "starts_at"),
    "number is a string": ({"number": "three"}, "number"),
    "number is huge": ({"number": 10**30}, "number"),
    "number is negative": ({"number": -1}, "number"),
    "number is a bool": ({"number": True}, "number"),
    "status is unknown": ({"status": "postponed"}, "status"),
    "unknown field": ({"colour": "blue"}, "colour"),
    "read-only field": ({"abstract_html": "<script>"}, "abstract_html"),
    "speakers is not a list": ({"speakers": "Ada"}, "speakers"),
    "speaker has unknown field": ({"speakers": [{"name": "A", "email": "a@b"}]}, "speakers"),
    "speaker name has a NUL": ({"speakers": [{"name": NUL}]}, "speakers"),
    "agenda offset is huge": ({"agenda": [{"title": "A", "recording_offset": 2**40}]}, "agenda"),
    "reading slug has a NUL": ({"readings": [{"reading": NUL}]}, "readings"),
    "reading slug is a number": ({"readings": [{"reading": 5}]}, "readings"),
    "reading listed twice": (
        {"readings": [{"reading": "r"}, {"reading": "r"}]},
        "readings",
    ),
    "course slug has a NUL": ({"course": NUL}, "course"),
    "course is an object": ({"course": {"slug": "x"}}, "course"),
}


@pytest.mark.parametrize("case", list(SESSION_CASES))
def test_bad_session_input_is_a_400_naming_the_field(organizer_client, reading_factory, case):
    course, client = organizer_client
    reading_factory(slug="r")
    changes, field = SESSION_CASES[case]
    before = _row_counts()
    response = client.post("/api/v1/sessions/", _session(course, **changes), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert _row_counts() == before


@pytest.mark.parametrize(
    ("url", "payload", "field"),
    [
        ("/api/v1/courses/", {"slug": NUL, "title": "T"}, "slug"),
        (
            "/api/v1/courses/",
            {"slug": "ok", "title": "T", "time_zone": "Nowhere/City"},
            "time_zone",
        ),
        ("/api/v1/courses/", {"slug": "ok", "title": "T", "time_zone": NUL}, "time_zone"),
        (
            "/api/v1/courses/",
            {"slug": "ok", "title": "T", "online_url": "javascript:x"},
            "online_url",
        ),
        ("/api/v1/courses/", {"slug": "ok", "title": "T", "description": HUGE}, "description"),
        ("/api/v1/readings/", {"title": NUL}, "title"),
        ("/api/v1/readings/", {"title": "T", "year": 99999}, "year"),
        ("/api/v1/readings/", {"title": "T", "duration_seconds": 0}, "duration_seconds"),
        ("/api/v1/readings/", {"title": "T", "duration_seconds": 10**20}, "duration_seconds"),
        ("/api/v1/readings/", {"title": "T", "published_on": "yesterday"}, "published_on"),
        ("/api/v1/readings/", {"title": "T", "arxiv_id": "not an id"}, "arxiv_id"),
        ("/api/v1/readings/", {"title": "T", "tags": ["!!!"]}, "tags"),
        ("/api/v1/readings/", {"title": "T", "tags": [NUL]}, "tags"),
        ("/api/v1/readings/", {"title": "T", "authors": [{"given_name": "A"}]}, "authors"),
        ("/api/v1/readings/", {"title": "T", "summary": HUGE}, "summary"),
        ("/api/v1/terms/", {"name": "N", "definition": NUL}, "definition"),
        ("/api/v1/terms/", {"name": "N", "definition": "D", "level": 7}, "level"),
        ("/api/v1/terms/", {"name": "N", "definition": "D", "related": [NUL]}, "related"),
        ("/api/v1/terms/", {"name": "N", "definition": "D", "aliases": "one"}, "aliases"),
        ("/api/v1/terms/", {"name": "N", "definition": "D", "slug": "not a slug"}, "slug"),
        ("/api/v1/notes/", {"reading": "r", "body": NUL}, "body"),
        ("/api/v1/notes/", {"session": "1; DROP TABLE", "body": "b"}, "session"),
        ("/api/v1/notes/", {"session": 2**70, "body": "b"}, "session"),
        ("/api/v1/highlights/", {"reading": "r", "phrase": "x" * 501}, "phrase"),
        ("/api/v1/highlights/", {"reading": "r", "phrase": "p", "comment": NUL}, "comment"),
        ("/api/v1/reflections/", {"session": True, "body": "b"}, "session"),
        ("/api/v1/reading-statuses/", {"reading": "r", "status": NUL}, "status"),
        ("/api/v1/auth/token/", {"username": NUL, "password": "p"}, "username"),
        ("/api/v1/auth/token/", {"username": "u", "password": "p", "otp": 1}, "otp"),
    ],
)
def test_bad_input_to_other_resources_is_a_400_naming_the_field(
    organizer_client, reading_factory, url, payload, field
):
    _course, client = organizer_client
    reading_factory(slug="r")
    before = _row_counts()
    response = client.post(url, payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert _row_counts() == before


@pytest.mark.parametrize(
    "body",
    ["{not json", "[1, 2]", '"a string"', "null", '{"title": NaN}', "\x00"],
)
def test_a_body_that_is_not_a_json_object_is_a_400(organizer_client, body):
    _course, client = organizer_client
    response = client.generic(
        "POST", "/api/v1/readings/", body.encode(), content_type="application/json"
    )
    assert response.status_code == 400


def test_a_body_that_is_not_json_at_all_is_refused(organizer_client):
    _course, client = organizer_client
    response = client.post("/api/v1/readings/", {"title": "form"}, format="multipart")
    assert response.status_code == 415


def test_bad_updates_change_nothing(organizer_client, session_factory):
    course, client = organizer_client
    session = session_factory(course=course, title="Original")
    for payload in ({"title": NUL}, {"title": "ok", "unknown": 1}, {"ends_at": "2000-01-01"}):
        response = client.patch(f"/api/v1/sessions/{session.pk}/", payload, format="json")
        assert response.status_code == 400
    session.refresh_from_db()
    assert session.title == "Original"


@pytest.mark.parametrize(
    "query",
    [
        "course=%00",
        "status=nope",
        "starts_after=not-a-date",
        "starts_after=0001-01-01T00:00:00%2B05:00",
        "starts_before=99999-01-01",
    ],
)
def test_bad_filters_are_a_400(as_user, member, query):
    response = as_user(member).get(f"/api/v1/sessions/?{query}")
    assert response.status_code == 400, response.content


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/readings/?search=%00",
        "/api/v1/readings/?tag=%00",
        "/api/v1/readings/?year=1e400",
        "/api/v1/notes/?session=99999999999999999999",
        "/api/v1/reflections/?author=%00",
        "/api/v1/highlights/?reading=%00",
        "/api/v1/terms/?level=banana",
    ],
)
def test_bad_query_parameters_never_reach_the_database(as_user, member, url):
    response = as_user(member).get(url)
    assert response.status_code == 400, response.content


@pytest.mark.parametrize("resource", ["readings", "terms"])
def test_a_bad_search_is_refused_under_its_parameters_name(as_user, member, resource):
    response = as_user(member).get(f"/api/v1/{resource}/?search=a%00b")
    assert response.status_code == 400
    assert response.json() == {"search": ["Null characters are not allowed."]}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/sessions/99999999999999999999/",
        "/api/v1/terms/x/revisions/99999999999/",
        "/api/v1/readings/?page=99999999999999999999",
    ],
)
def test_impossible_paths_and_pages_are_404(as_user, member, url):
    assert as_user(member).get(url).status_code == 404


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/api/v1/readings/%00/", {"detail": "The address holds a NUL character."}),
        ("/api/v1/courses/a%00b/members/", {"detail": "The address holds a NUL character."}),
        ("/api/v1/readings/%C3%28/", {"detail": "The address is not valid UTF-8."}),
        ("/api/v1/readings/?page=%00", {"page": ["Null characters are not allowed."]}),
        ("/api/v1/readings/?search=%FF", {"search": ["This is not valid UTF-8 text."]}),
        ("/api/v1/readings/export?format=bibtex&course=a%00b", {"course": ["Null characters"]}),
        ("/api/v1/readings/export?format=bibtex&reading=%00", {"reading": ["Null characters"]}),
        ("/api/v1/sessions/?course=%ED%A0%80", {"course": ["This is not valid UTF-8 text."]}),
    ],
)
def test_a_nul_or_broken_utf8_in_the_address_is_a_json_400(as_user, member, url, expected):
    response = as_user(member).get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body.keys() == expected.keys()
    for name, message in expected.items():
        assert (message if isinstance(message, str) else message[0]) in str(body[name])


def test_huge_and_ordinary_writes_leave_the_course_table_alone(organizer_client):
    course, client = organizer_client
    response = client.patch(
        f"/api/v1/courses/{course.slug}/", {"title": "x" * 10_000}, format="json"
    )
    assert response.status_code == 400
    assert Course.objects.get(pk=course.pk).title == course.title


@pytest.mark.parametrize(
    "body",
    [
        b'{"reading": "r", "phrase": "ab", "\\ud800": 1}',
        b'{"reading": "\\ud800", "phrase": "ab"}',
        b'{"reading": "r", "phrase": "a\\udfffb"}',
        b'{"reading": "r", "phrase": "p", "visibility": "\\ud800"}',
    ],
)
def test_lone_surrogates_are_a_400_even_when_the_error_echoes_them(organizer_client, body):
    _course, client = organizer_client
    response = client.generic("POST", "/api/v1/highlights/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()


def _nested(depth: int, leaf: str = "1") -> str:
    return "[" * depth + leaf + "]" * depth


@pytest.mark.parametrize("depth", [65, 2_000, 100_000])
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/readings/",
        "/api/v1/sessions/",
        "/api/v1/readings/import",
        "/api/v1/courses/{course}/calendar/import",
        "/api/v1/notebooks/{notebook}/runs/",
        "/api/v1/me/",
    ],
)
@pytest.mark.usefixtures("isolated_media")
def test_json_nested_too_deeply_is_a_400_on_every_endpoint(organizer_client, url, depth):
    course, client = organizer_client
    notebook = NotebookFactory(session=SessionFactory(course=course))
    url = url.format(course=course.slug, notebook=notebook.pk)
    body = ('{"parameters": ' + _nested(depth) + "}").encode()
    before = _row_counts()
    method = "PATCH" if url.endswith("/me/") else "POST"
    response = client.generic(method, url, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "nested deeper than 64 levels" in response.json()["detail"]
    assert _row_counts() == before


@pytest.mark.usefixtures("isolated_media")
def test_deep_run_parameters_are_a_400_naming_parameters_and_start_no_run(organizer_client):
    course, client = organizer_client
    notebook = NotebookFactory(
        session=SessionFactory(course=course),
        content=notebook_bytes("print(steps)", parameters="steps = 2\nanything = None"),
    )
    url = f"/api/v1/notebooks/{notebook.pk}/runs/"
    as_json = {"parameters": {"anything": json.loads(_nested(60))}}
    assert client.post(url, as_json, format="json").status_code == 201  # within the limit
    as_text = {"parameters": '{"anything": ' + _nested(2_000) + "}"}
    response = client.post(url, as_text, format="multipart")
    assert response.status_code == 400
    assert "nested deeper than 64 levels" in response.json()["parameters"][0]
    assert Run.objects.count() == 1


@pytest.mark.parametrize("text", ["[" * 100_000, _nested(100_000, "{}"), _nested(65, "{}")])
def test_csl_json_nested_too_deeply_is_a_400_on_file(organizer_client, text):
    _course, client = organizer_client
    response = client.post(
        "/api/v1/readings/import", {"format": "csljson", "text": text}, format="json"
    )
    assert response.status_code == 400
    assert "nested deeper than 64 levels" in response.json()["file"][0]
    assert not Reading.objects.exists()


def test_a_body_over_the_upload_limit_is_a_json_413(organizer_client, settings):
    _course, client = organizer_client
    body = b'{"title": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + b'"}'
    response = client.generic("POST", "/api/v1/readings/", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "larger than" in response.json()["detail"]
    assert not Reading.objects.exists()


@pytest.mark.parametrize("zone", ["localtime", "posixrules", "Factory", "posix/Europe/Paris"])
def test_files_of_the_zone_folder_are_no_time_zone(organizer_client, zone):
    course, client = organizer_client
    me = client.patch("/api/v1/me/", {"time_zone": zone}, format="json")
    assert me.status_code == 400
    assert "time_zone" in me.json()
    changed = client.patch(f"/api/v1/courses/{course.slug}/", {"time_zone": zone}, format="json")
    assert changed.status_code == 400
    assert "time_zone" in changed.json()
    created = client.post("/api/v1/courses/", {"slug": "z", "title": "Z", "time_zone": zone})
    assert created.status_code == 400
    assert Course.objects.get(pk=course.pk).time_zone == course.time_zone


def test_every_api_endpoint_reads_json_with_the_depth_limited_parser():
    """A view naming DRF's own JSONParser would recurse into a 100,000-deep body (a 500)."""
    checked = 0
    for view in _drf_views(get_resolver().url_patterns):
        parsers = list(getattr(view, "parser_classes", []))
        for action in getattr(view, "get_extra_actions", list)():
            parsers += action.kwargs.get("parser_classes", [])
        json_parsers = [p for p in parsers if issubclass(p, drf_parsers.JSONParser)]
        assert json_parsers, view
        assert all(issubclass(p, JSONParser) for p in json_parsers), view
        checked += 1
    assert checked > 20


def _drf_views(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _drf_views(pattern.url_patterns)
            continue
        view = getattr(pattern.callback, "cls", None)
        if view is not None and issubclass(view, APIView):
            yield view


def test_every_operation_documents_the_400_a_bad_address_gets():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "400" in operation["responses"], (method, path)
