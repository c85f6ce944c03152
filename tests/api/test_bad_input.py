"""Bad input answers 400 naming what is wrong, never 500, and stores nothing."""

import pytest
from django.apps import apps

from sessions.models import Course

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
        "/api/v1/readings/%00/",
        "/api/v1/sessions/99999999999999999999/",
        "/api/v1/courses/a%00b/members/",
        "/api/v1/terms/x/revisions/99999999999/",
        "/api/v1/readings/?page=99999999999999999999",
        "/api/v1/readings/?page=%00",
    ],
)
def test_impossible_paths_and_pages_are_404(as_user, member, url):
    assert as_user(member).get(url).status_code == 404


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


def test_json_nested_too_deeply_is_a_400(organizer_client):
    _course, client = organizer_client
    body = b"[" * 100_000 + b"]" * 100_000
    response = client.generic("POST", "/api/v1/readings/", body, content_type="application/json")
    assert response.status_code == 400
