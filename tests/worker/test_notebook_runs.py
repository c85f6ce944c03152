"""Notebook runs end to end: the API queues a run on a real Redis, a real Celery worker process
runs it with papermill in a real kernel, and the outcome and files land in the test database
and media folder."""

import hashlib
import json
import time

import nbformat
import pytest
import redis
from django.core.files.storage import default_storage

from notebooks import worker as run_worker
from notebooks.models import Run
from tests.api.helpers import api_client
from tests.notebooks.factories import SHOW_PIXEL, NotebookFactory, notebook_bytes
from tests.worker_process import LOST_AFTER_SECONDS, REDIS_URL, wait_for, wait_until_finished

pytestmark = pytest.mark.worker


def _start(user, notebook, parameters=None) -> Run:
    response = api_client(user).post(
        f"/api/v1/notebooks/{notebook.pk}/runs/", {"parameters": parameters or {}}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "queued"
    return Run.objects.get(pk=response.json()["id"])


def _artifacts(run: Run) -> dict[str, bytes]:
    return {a.name: default_storage.open(a.file.name).read() for a in run.artifacts.all()}


def _outputs_text(executed: bytes) -> str:
    notebook = nbformat.reads(executed.decode(), as_version=4)
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                texts.append(f"{output.ename}: {output.evalue}")
            else:
                texts.append(output.get("text", "") or json.dumps(output.get("data", {})))
    return "\n".join(texts)


def test_a_run_that_succeeds_stores_all_its_artifacts(celery_worker, course_session, client):
    session, organizer, member = course_session
    notebook = NotebookFactory(
        session=session,
        content=notebook_bytes(
            "print('params', steps, label, device)",
            "import json\njson.dump({'accuracy': 0.75, 'steps': steps}, open('metrics.json', 'w'))",
            SHOW_PIXEL,
        ),
    )
    run = _start(organizer, notebook, {"steps": 3})
    run = wait_until_finished(run, worker=celery_worker)

    assert (run.status, run.reason, run.failed_cell) == ("succeeded", "", None)
    assert (run.cells_done, run.cells_total) == (5, 5)  # with papermill's injected cell
    assert run.device in {"cpu", "cuda"} and run.device_name and run.worker_host
    assert run.attempts == 1 and run.started_at and run.finished_at
    files = _artifacts(run)
    kinds = {a.name: a.kind for a in run.artifacts.all()}
    assert kinds == {
        "executed.ipynb": "notebook",
        "executed.html": "html",
        "cell-05-output-1.png": "image",
        "metrics.json": "metrics",
        "run.log": "log",
    }
    for artifact in run.artifacts.all():
        assert artifact.size == len(files[artifact.name])
        assert artifact.checksum == hashlib.sha256(files[artifact.name]).hexdigest()
        assert artifact.file.name.startswith(
            f"notebooks/course-{session.course_id}/session-{session.pk}/run-{run.pk}/"
        )
    assert f"params 3 tiny {run.device}" in _outputs_text(files["executed.ipynb"])
    assert f"params 3 tiny {run.device}" in files["run.log"].decode()
    assert json.loads(files["metrics.json"]) == {"accuracy": 0.75, "steps": 3}
    assert files["cell-05-output-1.png"].startswith(b"\x89PNG")

    client.force_login(member)  # members see the outputs; the HTML only inside a sandbox
    body = api_client(member).get(f"/api/v1/runs/{run.pk}/").json()
    html_url = next(a["url"] for a in body["artifacts"] if a["kind"] == "html")
    response = client.get(html_url)
    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("sandbox;")
    assert b"params 3 tiny" in b"".join(response.streaming_content)


def test_a_notebook_that_raises_fails_keeping_partial_outputs_and_naming_the_cell(
    celery_worker, course_session
):
    session, organizer, _member = course_session
    notebook = NotebookFactory(
        session=session,
        content=notebook_bytes(
            "print('before the error')", "raise ValueError('boom')", "print('after')"
        ),
    )
    run = wait_until_finished(_start(organizer, notebook), worker=celery_worker)

    assert run.status == Run.Status.FAILED
    assert run.reason == "Code cell 4 (In [4]) raised ValueError: boom"
    assert (run.failed_cell, run.cells_done, run.cells_total) == (4, 3, 5)
    files = _artifacts(run)
    assert {"executed.ipynb", "executed.html", "run.log"} <= set(files)
    outputs = _outputs_text(files["executed.ipynb"])
    assert "before the error" in outputs and "ValueError" in outputs and "after" not in outputs
    assert b"boom" in files["executed.html"]


def test_a_notebook_past_its_limit_is_stopped_as_timed_out(celery_worker, course_session):
    session, organizer, _member = course_session
    notebook = NotebookFactory(
        session=session,
        time_limit=2,
        content=notebook_bytes("print('started')", "import time\ntime.sleep(120)"),
    )
    began = time.monotonic()
    run = wait_until_finished(_start(organizer, notebook), worker=celery_worker, timeout=45)

    assert time.monotonic() - began < 45
    assert run.status == Run.Status.TIMED_OUT
    assert run.reason == "Stopped at the time limit of 2 s during code cell 4 (In [4])."
    assert run.failed_cell == 4
    files = _artifacts(run)
    assert "started" in _outputs_text(files["executed.ipynb"])
    assert "Stopping the notebook: timed_out." in files["run.log"].decode()


def test_a_cancelled_run_stops_and_keeps_its_partial_outputs(
    celery_worker, course_session, tmp_path
):
    session, organizer, _member = course_session
    marker = tmp_path / "long-cell-started"
    notebook = NotebookFactory(
        session=session,
        queue="gpu",
        content=notebook_bytes(
            "print('working')",
            "import time\nopen(marker, 'w').close()\ntime.sleep(120)",
            parameters="marker = ''",
        ),
    )
    run = _start(organizer, notebook, {"marker": str(marker)})
    wait_for(marker.exists, timeout=60, what="the run's long cell", worker=celery_worker)
    response = api_client(organizer).post(f"/api/v1/runs/{run.pk}/cancel/")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancel_requested"]) == ("running", True)

    run = wait_until_finished(run, worker=celery_worker, timeout=20)
    assert run.status == Run.Status.CANCELLED
    assert run.reason == f"Cancelled by {organizer.username} during code cell 4 (In [4])."
    assert run.queue == "gpu" and run.device in {"cpu", "cuda"}
    outputs = _outputs_text(_artifacts(run)["executed.ipynb"])
    assert "working" in outputs and "KeyboardInterrupt" in outputs


def test_a_run_whose_worker_is_killed_is_rerun_once_and_never_stays_running(
    celery_worker, course_session, tmp_path, worker_temp_root
):
    # The whole worker dies (a machine or container): its message waits for the broker's
    # visibility timeout, so the reaper requeues the run. (A killed pool process alone is
    # redelivered at once: test_run_redelivery.py.)
    session, organizer, _member = course_session
    marker = tmp_path / "first-attempt-started"
    notebook = NotebookFactory(
        session=session,
        content=notebook_bytes(
            "print('attempt begins')",
            "import os, time\n"
            "if not os.path.exists(marker):\n"
            "    open(marker, 'w').close()\n"
            "    time.sleep(120)\n"
            "print('finished')",
            parameters="marker = ''",
        ),
    )
    run = _start(organizer, notebook, {"marker": str(marker)})
    wait_for(marker.exists, timeout=60, what="the first attempt's long cell", worker=celery_worker)
    (first_folder,) = worker_temp_root.glob(f"run-{run.pk}-attempt-1-*")

    celery_worker.kill()
    celery_worker.start()
    assert not first_folder.exists()  # swept when the worker started again
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("running", 1)  # nobody is left to finish it

    time.sleep(LOST_AFTER_SECONDS)  # the dead attempt's heartbeat goes stale
    counts = wait_for(
        lambda: run_worker.reap_lost_runs()["requeued"],
        timeout=10,
        what="the reaper to requeue the lost run",
    )
    assert counts == 1

    run = wait_until_finished(run, worker=celery_worker)
    assert (run.status, run.attempts) == ("succeeded", 2)
    log = _artifacts(run)["run.log"].decode()
    assert "attempt 2" in log and "finished" in log


def test_refused_starts_queue_nothing(celery_worker, course_session):
    session, organizer, member = course_session
    notebook = NotebookFactory(session=session)
    by_member = api_client(member).post(f"/api/v1/notebooks/{notebook.pk}/runs/")
    bad = api_client(organizer).post(
        f"/api/v1/notebooks/{notebook.pk}/runs/", {"parameters": {"steps": "x"}}, format="json"
    )
    assert (by_member.status_code, bad.status_code) == (403, 400)
    assert "'steps' must be a whole number" in bad.json()["parameters"][0]
    assert not Run.objects.exists()
    broker = redis.Redis.from_url(REDIS_URL)
    assert broker.llen("cpu") == 0 and broker.llen("gpu") == 0
