"""The API for runs' results: `GET /api/v1/runs/compare/?run=…` (the comparison table as JSON)
and `POST`/`DELETE /api/v1/runs/<id>/pin/` (a run as its session's result, organizers)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notebooks.models import PinnedRun, Run
from tests.notebooks.factories import NotebookFactory, RunFactory

pytestmark = pytest.mark.django_db


def _runs(session) -> list[Run]:
    notebook = NotebookFactory(session=session)
    return [
        RunFactory(
            notebook=notebook,
            parameters={"coefficient": c, "steps": 3},
            results={"share": s},
        )
        for c, s in ((1.0, 0.7), (0.0, 0.5), (2.0, [0.9]))
    ]


def _compare_url(runs, sort="") -> str:
    query = "&".join(f"run={run.pk}" for run in runs)
    return f"/api/v1/runs/compare/?{query}" + (f"&sort={sort}" if sort else "")


def test_the_comparison_is_the_pages_table_as_json(as_user, roles):
    session, _organizer, member, _outsider = roles
    runs = _runs(session)
    response = as_user(member).get(_compare_url(runs, sort="-parameter:coefficient"))
    assert response.status_code == 200
    body = response.json()
    assert (body["sort"], body["descending"]) == ("parameter:coefficient", True)
    assert [c["key"] for c in body["columns"]] == [
        "run",
        "notebook",
        "status",
        "parameter:coefficient",
        "parameter:steps",
        "result:share",
    ]
    assert [c["differs"] for c in body["columns"][3:]] == [True, False, True]
    assert [row["run"] for row in body["rows"]] == [runs[2].pk, runs[0].pk, runs[1].pk]
    first = body["rows"][0]
    assert first["cells"]["parameter:coefficient"] == 2.0
    assert first["cells"]["result:share"] == [0.9]
    assert first["url"].endswith(f"/api/v1/runs/{runs[2].pk}/")


def test_runs_the_caller_may_not_see_are_left_out_and_none_seen_is_a_404(as_user, roles):
    session, _organizer, _member, outsider = roles
    runs = _runs(session)
    response = as_user(outsider).get(_compare_url(runs))
    assert response.status_code == 404
    assert response.json() == {"detail": "None of these runs is one you may see."}


def test_bad_comparison_input_is_a_400_naming_the_parameter(as_user, roles):
    session, _organizer, member, _outsider = roles
    runs = _runs(session)
    client = as_user(member)
    assert client.get("/api/v1/runs/compare/").json() == {
        "run": ["Name at least one run (`?run=<id>`)."]
    }
    assert client.get("/api/v1/runs/compare/?run=x").json() == {"run": ["“x” is not a run number."]}
    response = client.get(_compare_url(runs, sort="result:nothing"))
    assert response.status_code == 400
    assert response.json() == {"sort": ["No column “result:nothing” to sort by."]}


def test_the_comparison_needs_credentials(api, roles):
    session, *_people = roles
    assert api.get(_compare_url(_runs(session))).status_code == 401


def test_an_organizer_pins_a_run_and_pinning_another_replaces_it(as_user, roles):
    session, organizer, _member, _outsider = roles
    first, second, _third = _runs(session)
    client = as_user(organizer)
    response = client.post(f"/api/v1/runs/{first.pk}/pin/")
    assert response.status_code == 200
    assert response.json()["run"] == first.pk
    assert response.json()["session"] == session.pk
    assert response.json()["pinned_by"] == organizer.username
    assert client.post(f"/api/v1/runs/{second.pk}/pin/").status_code == 200
    assert list(PinnedRun.objects.values_list("session", "run")) == [(session.pk, second.pk)]

    assert client.delete(f"/api/v1/runs/{second.pk}/pin/").status_code == 204
    assert not PinnedRun.objects.exists()


def test_pinning_an_unfinished_run_is_a_409_and_changes_nothing(as_user, roles):
    session, organizer, _member, _outsider = roles
    finished = _runs(session)[0]
    running = RunFactory(notebook=finished.notebook, status=Run.Status.RUNNING)
    client = as_user(organizer)
    client.post(f"/api/v1/runs/{finished.pk}/pin/")
    response = client.post(f"/api/v1/runs/{running.pk}/pin/")
    assert response.status_code == 409
    assert "only a finished run" in response.json()["detail"]
    assert PinnedRun.objects.get().run == finished


def test_members_may_not_pin_and_outsiders_do_not_find_the_run(as_user, roles):
    session, _organizer, member, outsider = roles
    run = _runs(session)[0]
    assert as_user(member).post(f"/api/v1/runs/{run.pk}/pin/").status_code == 403
    assert as_user(member).delete(f"/api/v1/runs/{run.pk}/pin/").status_code == 403
    assert as_user(outsider).post(f"/api/v1/runs/{run.pk}/pin/").status_code == 404
    assert not PinnedRun.objects.exists()


def test_a_runs_results_are_in_its_api_output(as_user, roles):
    session, _organizer, member, _outsider = roles
    run = _runs(session)[0]
    assert as_user(member).get(f"/api/v1/runs/{run.pk}/").json()["results"] == {"share": 0.7}


def test_the_schema_documents_the_comparison_the_pin_and_the_results(api):
    openapi = api.get("/api/schema/?format=json").json()
    compare = openapi["paths"]["/api/v1/runs/compare/"]["get"]
    assert {p["name"] for p in compare["parameters"]} >= {"run", "sort"}
    assert {"200", "400", "401", "404"} <= set(compare["responses"])
    pin = openapi["paths"]["/api/v1/runs/{id}/pin/"]
    assert {"403", "404", "409"} <= set(pin["post"]["responses"])
    assert "204" in pin["delete"]["responses"]
    results = openapi["components"]["schemas"]["Run"]["properties"]["results"]
    assert results["additionalProperties"] == {"type": "number"}


def test_the_comparison_takes_the_same_queries_however_many_runs(as_user, roles):
    session, _organizer, member, _outsider = roles
    client = as_user(member)
    counts = []
    for how_many in (1, 4):
        runs = [run for _ in range(how_many) for run in _runs(session)]
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_compare_url(runs))
        assert response.status_code == 200 and len(response.json()["rows"]) == 3 * how_many
        counts.append(len(queries))
    assert counts[0] == counts[1]
