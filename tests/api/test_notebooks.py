import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from notebooks.models import Notebook, Run
from tests.notebooks.factories import (
    ArtifactFactory,
    NotebookFactory,
    RunFactory,
    notebook_bytes,
    stored_files,
)
from tests.sessions.factories import SessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_media")]


def _client(user=None, *, token=False) -> APIClient:
    client = APIClient()
    if user is not None and token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    elif user is not None:
        client.force_authenticate(user)
    return client


def _items(data):
    return data["results"] if isinstance(data, dict) else data


def _upload(session, **fields) -> dict:
    return {
        "session": session.pk,
        "title": "Probe",
        "file": SimpleUploadedFile("probe.ipynb", notebook_bytes("print(steps)")),
        **fields,
    }


def test_an_organizer_uploads_a_notebook_with_a_token(roles):
    session, organizer, _member, _outsider = roles
    response = _client(organizer, token=True).post(
        "/api/v1/notebooks/",
        _upload(session, parameters='{"steps": 3}', queue="gpu", time_limit=30),
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["parameters"], body["queue"], body["time_limit"]) == (
        "Probe",
        {"steps": 3},
        "gpu",
        30,
    )
    assert [entry["name"] for entry in body["parameter_spec"]] == ["steps", "label"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"file": SimpleUploadedFile("x.ipynb", b"<html>no</html>")},
            "file",
            "This is not a notebook: the file is not JSON.",
        ),
        ({"parameters": "{oops"}, "parameters", "not valid JSON"),
        ({"parameters": '{"epochs": 1}'}, "parameters", "'epochs' is not a parameter"),
        ({"queue": "tpu"}, "queue", '"tpu" is not a valid choice.'),
        ({"time_limit": 0}, "time_limit", "greater than or equal to 1"),
    ],
)
def test_a_bad_upload_is_a_400_naming_the_field_and_stores_nothing(
    roles, settings, fields, field, message
):
    session, organizer, _member, _outsider = roles
    response = _client(organizer).post(
        "/api/v1/notebooks/", _upload(session, **fields), format="multipart"
    )
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not Notebook.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []


def test_members_cannot_add_notebooks_and_outsiders_cannot_name_the_session(roles):
    session, _organizer, member, outsider = roles
    by_member = _client(member).post("/api/v1/notebooks/", _upload(session), format="multipart")
    by_outsider = _client(outsider).post("/api/v1/notebooks/", _upload(session), format="multipart")
    anonymous = _client().post("/api/v1/notebooks/", _upload(session), format="multipart")
    assert by_member.status_code == 403
    assert by_outsider.status_code == 400 and "session" in by_outsider.json()
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Token"
    assert not Notebook.objects.exists()


def test_an_organizer_starts_a_run_and_gets_its_id_and_status(
    roles, django_capture_on_commit_callbacks
):
    session, organizer, _member, _outsider = roles
    notebook = NotebookFactory(session=session)
    with django_capture_on_commit_callbacks() as callbacks:
        response = _client(organizer).post(
            f"/api/v1/notebooks/{notebook.pk}/runs/", {"parameters": {"steps": 8}}, format="json"
        )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "queued" and body["id"] == Run.objects.get().pk
    assert body["parameters"] == {"steps": 8}
    assert len(callbacks) == 1


def test_members_cannot_start_runs(roles):
    session, _organizer, member, outsider = roles
    notebook = NotebookFactory(session=session)
    assert _client(member).post(f"/api/v1/notebooks/{notebook.pk}/runs/").status_code == 403
    assert _client(outsider).post(f"/api/v1/notebooks/{notebook.pk}/runs/").status_code == 404
    assert not Run.objects.exists()


def test_bad_run_parameters_are_a_400(roles):
    session, organizer, _member, _outsider = roles
    notebook = NotebookFactory(session=session)
    response = _client(organizer).post(
        f"/api/v1/notebooks/{notebook.pk}/runs/",
        {"parameters": {"steps": "lots", "device": "cuda"}},
        format="json",
    )
    assert response.status_code == 400
    errors = " ".join(response.json()["parameters"])
    assert "'steps' must be a whole number" in errors and "'device' is set by the worker" in errors
    assert not Run.objects.exists()


def test_a_member_reads_a_runs_status_progress_and_artifact_urls(roles):
    session, _organizer, member, outsider = roles
    run = RunFactory(
        notebook=NotebookFactory(session=session),
        status=Run.Status.FAILED,
        reason="Cell 3 (In [2]) raised ValueError: boom",
        failed_cell=3,
        cells_done=1,
        cells_total=4,
    )
    log = ArtifactFactory(run=run, kind="log", name="run.log")
    response = _client(member).get(f"/api/v1/runs/{run.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["reason"], body["failed_cell"]) == ("failed", run.reason, 3)
    assert body["progress"] == {"cells_done": 1, "cells_total": 4, "percent": 25}
    assert body["artifacts"] == [
        {
            "id": log.pk,
            "kind": "log",
            "name": "run.log",
            "size": log.size,
            "checksum": log.checksum,
            "url": f"http://testserver/runs/{run.pk}/artifacts/{log.pk}/run.log",
            "created_at": body["artifacts"][0]["created_at"],
        }
    ]
    assert _client(outsider).get(f"/api/v1/runs/{run.pk}/").status_code == 404


def test_an_artifact_url_works_with_the_same_token(roles):
    session, _organizer, member, _outsider = roles
    log = ArtifactFactory(
        run=RunFactory(notebook=NotebookFactory(session=session)), content=b"ok\n"
    )
    client = _client(member, token=True)
    url = client.get(f"/api/v1/runs/{log.run_id}/").json()["artifacts"][0]["url"]
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"ok\n"


def test_cancel_ends_a_queued_run_and_a_finished_run_answers_409(roles):
    session, organizer, member, _outsider = roles
    notebook = NotebookFactory(session=session)
    queued = RunFactory(notebook=notebook, status=Run.Status.QUEUED)
    finished = RunFactory(notebook=notebook, status=Run.Status.SUCCEEDED)
    assert _client(member).post(f"/api/v1/runs/{queued.pk}/cancel/").status_code == 403
    response = _client(organizer).post(f"/api/v1/runs/{queued.pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = _client(organizer).post(f"/api/v1/runs/{finished.pk}/cancel/")
    assert again.status_code == 409 and "already finished" in again.json()["detail"]
    finished.refresh_from_db()
    assert finished.status == Run.Status.SUCCEEDED


def test_only_organizers_delete_finished_runs(roles):
    session, organizer, member, _outsider = roles
    notebook = NotebookFactory(session=session)
    finished = RunFactory(notebook=notebook)
    running = RunFactory(notebook=notebook, status=Run.Status.RUNNING)
    assert _client(member).delete(f"/api/v1/runs/{finished.pk}/").status_code == 403
    assert _client(organizer).delete(f"/api/v1/runs/{running.pk}/").status_code == 409
    assert _client(organizer).delete(f"/api/v1/runs/{finished.pk}/").status_code == 204
    assert list(Run.objects.values_list("pk", flat=True)) == [running.pk]


@pytest.mark.parametrize("count", [1, 5])
def test_listing_a_notebooks_runs_takes_the_same_queries(
    roles, django_assert_max_num_queries, count
):
    session, _organizer, member, _outsider = roles
    notebook = NotebookFactory(session=session)
    for _ in range(count):
        ArtifactFactory(run=RunFactory(notebook=notebook))
    client = _client(member)
    # The notebook, the runs with their users, the artifacts; and a count if the API paginates.
    with django_assert_max_num_queries(4):
        response = client.get(f"/api/v1/notebooks/{notebook.pk}/runs/")
    assert len(_items(response.json())) == count


def test_the_notebook_list_holds_only_notebooks_of_visible_sessions(roles):
    session, _organizer, member, outsider = roles
    mine = NotebookFactory(session=session)
    public = NotebookFactory(session=SessionFactory(course__visibility="public"))
    for_member = _items(_client(member).get("/api/v1/notebooks/").json())
    for_outsider = _items(_client(outsider).get("/api/v1/notebooks/").json())
    narrowed = _items(_client(member).get(f"/api/v1/notebooks/?session={session.pk}").json())
    assert {n["id"] for n in for_member} == {mine.pk, public.pk}
    assert {n["id"] for n in for_outsider} == {public.pk}
    assert [n["id"] for n in narrowed] == [mine.pk]
    assert _client(outsider).get(f"/api/v1/notebooks/{mine.pk}/").status_code == 404


def test_the_parameter_spec_names_each_parameters_group(roles):
    session, organizer, _member, _outsider = roles
    cell = "steps = 2  # how long\n# --- Advanced ---\nseed = 0"
    response = _client(organizer, token=True).post(
        "/api/v1/notebooks/",
        {
            **_upload(session),
            "file": SimpleUploadedFile("p.ipynb", notebook_bytes(parameters=cell)),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    spec = {entry["name"]: entry for entry in response.json()["parameter_spec"]}
    assert (spec["steps"]["group"], spec["steps"]["help"]) == ("", "how long")
    assert spec["seed"]["group"] == "Advanced"


def test_an_organizer_reruns_a_run_with_parameters_merged_over_its_own(
    roles, django_capture_on_commit_callbacks
):
    session, organizer, _member, _outsider = roles
    old = RunFactory(
        notebook=NotebookFactory(session=session), parameters={"steps": 3, "label": "a"}
    )
    with django_capture_on_commit_callbacks() as callbacks:
        response = _client(organizer, token=True).post(
            f"/api/v1/runs/{old.pk}/rerun/", {"parameters": {"steps": 8}}, format="json"
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"] == Run.objects.exclude(pk=old.pk).get().pk and body["status"] == "queued"
    assert body["parameters"] == {"steps": 8, "label": "a"}
    assert body["notebook_sha256"] == old.notebook.checksum and body["package_versions"] == {}
    assert len(callbacks) == 1


def test_a_rerun_with_bad_parameters_is_a_400_naming_them_and_queues_nothing(
    roles, django_capture_on_commit_callbacks
):
    session, organizer, _member, _outsider = roles
    old = RunFactory(notebook=NotebookFactory(session=session))
    with django_capture_on_commit_callbacks() as callbacks:
        response = _client(organizer).post(
            f"/api/v1/runs/{old.pk}/rerun/",
            {"parameters": {"steps": "lots", "output_dir": "elsewhere"}},
            format="json",
        )
    assert response.status_code == 400
    errors = " ".join(response.json()["parameters"])
    assert "'steps' must be a whole number" in errors and "'output_dir'" in errors
    assert list(Run.objects.all()) == [old] and callbacks == []


def test_only_organizers_rerun_runs(roles):
    session, _organizer, member, outsider = roles
    old = RunFactory(notebook=NotebookFactory(session=session))
    assert _client(member).post(f"/api/v1/runs/{old.pk}/rerun/").status_code == 403
    assert _client(outsider).post(f"/api/v1/runs/{old.pk}/rerun/").status_code == 404
    assert Run.objects.count() == 1


def test_a_run_reads_with_what_reproduces_it(roles):
    session, _organizer, member, _outsider = roles
    run = RunFactory(
        notebook=NotebookFactory(session=session),
        notebook_sha256="cd" * 32,
        package_versions={"python": "3.12.1", "torch": "2.5.0"},
    )
    body = _client(member).get(f"/api/v1/runs/{run.pk}/").json()
    assert body["notebook_sha256"] == "cd" * 32
    assert body["package_versions"] == {"python": "3.12.1", "torch": "2.5.0"}
