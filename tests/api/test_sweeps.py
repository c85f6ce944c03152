"""/api/v1/sweeps/: who sees and starts sweeps, the 400 that names a bad set, the detail with
its runs, cancel (409 once finished), and a list in a fixed number of queries."""

import pytest
from rest_framework.test import APIClient

from notebooks.models import Run, Sweep
from tests.notebooks.factories import NotebookFactory, RunFactory, SweepFactory
from tests.sessions.factories import SessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_media")]


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_an_organizer_starts_a_grid_sweep_and_reads_it_back_with_its_runs(
    roles, django_capture_on_commit_callbacks
):
    session, organizer, member, _outsider = roles
    notebook = NotebookFactory(session=session)
    with django_capture_on_commit_callbacks() as callbacks:
        response = _client(organizer).post(
            "/api/v1/sweeps/",
            {"notebook": notebook.pk, "grid": {"steps": [1, 2, 3]}, "max_concurrent": 1},
            format="json",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["max_concurrent"], body["status"]) == ("grid", 1, "queued")
    assert body["runs_by_status"]["total"] == 3 and body["started_by"] == organizer.username
    assert [(r["sweep_index"], r["parameters"]["steps"], r["status"]) for r in body["runs"]] == [
        (0, 1, "queued"),
        (1, 2, "queued"),
        (2, 3, "queued"),
    ]
    assert body["runs"][0]["progress"] == {"cells_done": 0, "cells_total": 0, "percent": 0}
    assert len(callbacks) == 1  # one at a time
    detail = _client(member).get(f"/api/v1/sweeps/{body['id']}/")
    assert detail.status_code == 200 and len(detail.json()["runs"]) == 3


def test_a_list_sweep_from_sets(roles):
    session, organizer, _member, _outsider = roles
    notebook = NotebookFactory(session=session)
    response = _client(organizer).post(
        "/api/v1/sweeps/",
        {"notebook": notebook.pk, "sets": [{"steps": 1}, {"label": "b"}]},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "list" and response.json()["max_concurrent"] == 2


@pytest.mark.parametrize(
    ("body", "field", "said"),
    [
        ({"grid": {"steps": [1, "x"]}}, "grid", "Set 2 (steps=\"x\"): 'steps' must be a whole"),
        ({"sets": [{"nope": 1}]}, "sets", "'nope' is not a parameter"),
        ({"grid": {"device": ["cuda"]}}, "grid", "'device' is set by the worker"),
        ({}, "grid", "either a grid or a list"),
        ({"grid": {"steps": [1]}, "max_concurrent": 0}, "max_concurrent", "greater than"),
    ],
)
def test_a_bad_sweep_is_a_400_naming_the_parameter_and_queues_nothing(
    roles, django_capture_on_commit_callbacks, body, field, said
):
    session, organizer, _member, _outsider = roles
    notebook = NotebookFactory(session=session)
    with django_capture_on_commit_callbacks() as callbacks:
        response = _client(organizer).post(
            "/api/v1/sweeps/", {"notebook": notebook.pk, **body}, format="json"
        )
    assert response.status_code == 400, response.content
    assert said in " ".join(response.json()[field])
    assert not Sweep.objects.exists() and not Run.objects.exists() and callbacks == []


def test_members_cannot_start_or_cancel_sweeps_and_outsiders_do_not_see_them(roles):
    session, _organizer, member, outsider = roles
    notebook = NotebookFactory(session=session)
    sweep = SweepFactory(notebook=notebook)
    RunFactory(notebook=notebook, sweep=sweep, sweep_index=0, status="queued")
    start = {"notebook": notebook.pk, "grid": {"steps": [1]}}
    assert _client(member).post("/api/v1/sweeps/", start, format="json").status_code == 403
    assert _client(member).post(f"/api/v1/sweeps/{sweep.pk}/cancel/").status_code == 403
    assert _client(outsider).post("/api/v1/sweeps/", start, format="json").status_code == 400
    assert _client(outsider).get(f"/api/v1/sweeps/{sweep.pk}/").status_code == 404
    assert _client(outsider).get("/api/v1/sweeps/").json()["results"] == []
    assert _client().get("/api/v1/sweeps/").json()["results"] == []  # a members-only course
    assert _client().post("/api/v1/sweeps/", start, format="json").status_code == 401
    assert [s["id"] for s in _client(member).get("/api/v1/sweeps/").json()["results"]] == [sweep.pk]


def test_cancel_stops_the_sweep_and_a_finished_one_answers_409(roles):
    session, organizer, _member, _outsider = roles
    notebook = NotebookFactory(session=session)
    response = _client(organizer).post(
        "/api/v1/sweeps/", {"notebook": notebook.pk, "grid": {"steps": [1, 2]}}, format="json"
    )
    sweep_id = response.json()["id"]
    cancelled = _client(organizer).post(f"/api/v1/sweeps/{sweep_id}/cancel/")
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["cancel_requested"]
    assert {r["status"] for r in cancelled.json()["runs"]} == {"cancelled"}
    again = _client(organizer).post(f"/api/v1/sweeps/{sweep_id}/cancel/")
    assert again.status_code == 409 and "already finished" in str(again.json())


@pytest.mark.parametrize("count", [1, 4])
def test_the_list_takes_the_same_queries_however_many_sweeps(
    roles, django_assert_num_queries, count
):
    session, organizer, _member, _outsider = roles
    for _ in range(count):
        sweep = SweepFactory(
            notebook=NotebookFactory(session=SessionFactory(course=session.course))
        )
        for index in range(3):
            RunFactory(notebook=sweep.notebook, sweep=sweep, sweep_index=index)
    client = _client(organizer)
    with django_assert_num_queries(2):  # the page's count, the sweeps with their counts
        response = client.get("/api/v1/sweeps/")
    rows = response.json()["results"]
    assert len(rows) == count and {r["status"] for r in rows} == {"succeeded"}
    assert {r["runs_by_status"]["succeeded"] for r in rows} == {3}
