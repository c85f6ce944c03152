"""Notebook and run services, and the status rules the worker and reaper follow, against the
real database (the worker process itself is exercised in tests/worker/)."""

from datetime import timedelta

import nbformat
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from notebooks import services, worker
from notebooks.ipynb.execution import CellFailure, code_cell_number
from notebooks.models import Artifact, Notebook, Run
from tests.notebooks.factories import (
    ArtifactFactory,
    NotebookFactory,
    RunFactory,
    notebook_bytes,
    stored_files,
)
from tests.sessions.factories import SessionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_media")]


def test_a_notebook_is_stored_under_its_course_and_session_with_its_parameters(settings):
    session = SessionFactory()
    notebook = NotebookFactory(session=session, title="Probe", parameters={"steps": 4})
    notebook.refresh_from_db()
    assert notebook.file.name == (
        f"notebooks/course-{session.course_id}/session-{session.pk}/source/probe.ipynb"
    )
    assert (settings.MEDIA_ROOT / notebook.file.name).read_bytes().startswith(b"{")
    assert notebook.parameters == {"steps": 4}
    assert [entry["name"] for entry in notebook.parameter_spec] == ["steps", "label"]
    assert len(notebook.checksum) == 64 and notebook.file_size > 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"file": b"not a notebook"}, "file"),
        ({"parameters": {"unknown": 1}}, "parameters"),
        ({"parameters": {"steps": "many"}}, "parameters"),
        ({"time_limit": 10**7}, "time_limit"),
        ({"kernel_name": "julia-1.9"}, "kernel_name"),
        ({"queue": "tpu"}, "queue"),
        ({"title": ""}, "title"),
    ],
)
def test_a_bad_upload_stores_nothing(settings, fields, field):
    session = SessionFactory()
    given = {"title": "Probe", "file": notebook_bytes("print(1)"), **fields}
    with pytest.raises(ValidationError) as error:
        services.notebook_create(session=session, created_by=None, **given)
    assert field in error.value.message_dict
    assert not Notebook.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []


def test_starting_a_run_merges_parameters_and_queues_it_after_commit(
    django_capture_on_commit_callbacks,
):
    notebook = NotebookFactory(parameters={"steps": 4}, queue="gpu")
    starter = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        run = services.run_start(notebook=notebook, started_by=starter, parameters={"label": "b"})
    assert len(callbacks) == 1  # the task is sent only once the row is committed
    run.refresh_from_db()
    assert run.status == Run.Status.QUEUED
    assert run.parameters == {"steps": 4, "label": "b"}
    assert run.queue == "gpu"
    assert run.celery_task_id


def test_a_run_with_bad_parameters_is_not_created(django_capture_on_commit_callbacks):
    notebook = NotebookFactory()
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        services.run_start(notebook=notebook, started_by=None, parameters={"device": "cuda"})
    assert callbacks == []
    assert not Run.objects.exists()


def test_only_one_worker_can_claim_a_run():
    run = RunFactory(status=Run.Status.QUEUED)
    assert worker.claim(run.pk, task_id="first") == 1
    assert worker.claim(run.pk, task_id="second") is None
    run.refresh_from_db()
    assert (run.status, run.attempts, run.celery_task_id) == ("running", 1, "first")


@pytest.mark.parametrize("status", Run.FINISHED)
def test_a_finished_run_never_goes_back(status):
    run = RunFactory(status=status, reason="as it was")
    assert worker.claim(run.pk) is None
    worker.execute(run.pk)  # a redelivered task does nothing
    with pytest.raises(services.RunStateError):
        services.run_cancel(run=run, user=None)
    run.refresh_from_db()
    assert (run.status, run.reason) == (status, "as it was")


def test_cancelling_a_queued_run_ends_it_at_once():
    user = UserFactory(username="ada")
    run = services.run_cancel(run=RunFactory(status=Run.Status.QUEUED), user=user)
    assert run.status == Run.Status.CANCELLED
    assert run.reason == "Cancelled by ada before it started."
    assert run.finished_at is not None


def test_cancelling_a_running_run_asks_its_worker_to_stop_it():
    user = UserFactory()
    run = RunFactory(status=Run.Status.RUNNING, attempts=1)
    run = services.run_cancel(run=run, user=user)
    assert run.status == Run.Status.RUNNING  # the worker records the outcome
    assert run.cancel_requested_at is not None and run.cancel_requested_by == user
    assert worker.RunRecorder(run.pk, attempt=1).poll() == "cancelled"


def test_deleting_a_finished_run_removes_its_files(settings, django_capture_on_commit_callbacks):
    artifact = ArtifactFactory(name="run.log")
    path = settings.MEDIA_ROOT / artifact.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.run_delete(run=artifact.run)
    assert not Run.objects.filter(pk=artifact.run_id).exists()
    assert not Artifact.objects.exists()
    assert not path.exists()


@pytest.mark.parametrize("status", Run.ACTIVE)
def test_a_live_run_cannot_be_deleted(status):
    run = RunFactory(status=status)
    with pytest.raises(services.RunStateError):
        services.run_delete(run=run)
    assert Run.objects.filter(pk=run.pk).exists()


def test_a_notebook_with_a_live_run_cannot_be_deleted():
    run = RunFactory(status=Run.Status.RUNNING)
    with pytest.raises(services.RunStateError):
        services.notebook_delete(notebook=run.notebook)
    assert Notebook.objects.filter(pk=run.notebook_id).exists()


def _lost_run(**fields) -> Run:
    stale = timezone.now() - timedelta(hours=1)
    return RunFactory(
        status=Run.Status.RUNNING, heartbeat_at=stale, started_at=stale, worker_host="w1", **fields
    )


def test_the_reaper_requeues_a_run_whose_worker_was_lost_once(
    settings, django_capture_on_commit_callbacks
):
    settings.RUN_MAX_ATTEMPTS = 2
    run = _lost_run(attempts=1, cells_done=1, cells_total=3)
    with django_capture_on_commit_callbacks() as callbacks:
        counts = worker.reap_lost_runs()
    assert counts == {"requeued": 1, "failed": 0, "cancelled": 0}
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert (run.status, run.attempts, run.heartbeat_at, run.worker_host) == ("queued", 1, None, "")
    assert worker.claim(run.pk) == 2


def test_the_reaper_fails_a_run_lost_on_its_last_attempt(settings):
    settings.RUN_MAX_ATTEMPTS = 2
    run = _lost_run(attempts=2, cells_done=1, cells_total=3)
    assert worker.reap_lost_runs()["failed"] == 1
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED
    assert run.reason.startswith("Worker lost: the worker on w1 stopped answering after 1 of 3")
    assert worker.reap_lost_runs() == {"requeued": 0, "failed": 0, "cancelled": 0}


def test_the_reaper_cancels_a_lost_run_whose_cancel_was_asked_for():
    run = _lost_run(attempts=1, cancel_requested_at=timezone.now())
    assert worker.reap_lost_runs()["cancelled"] == 1
    run.refresh_from_db()
    assert run.status == Run.Status.CANCELLED


def test_the_reaper_leaves_runs_with_a_fresh_heartbeat_alone():
    run = RunFactory(status=Run.Status.RUNNING, attempts=1, heartbeat_at=timezone.now())
    assert worker.reap_lost_runs() == {"requeued": 0, "failed": 0, "cancelled": 0}
    run.refresh_from_db()
    assert run.status == Run.Status.RUNNING


def test_a_worker_whose_run_was_reaped_cannot_store_an_outcome(settings):
    settings.RUN_MAX_ATTEMPTS = 1
    run = _lost_run(attempts=1)
    worker.reap_lost_runs()
    stored = worker._finish(run.pk, 1, status="succeeded", reason="", failed_cell=None, stored=[])
    run.refresh_from_db()
    assert stored is False and run.status == Run.Status.FAILED
    assert worker.RunRecorder(run.pk, attempt=1).poll() == "lost"


def test_a_failed_cell_is_numbered_among_code_cells_as_the_progress_counts_them():
    """Progress says "4 of 5 code cells"; the failure after a markdown cell must not say 6."""
    cells = [
        nbformat.v4.new_code_cell("steps = 2"),
        nbformat.v4.new_markdown_cell("## Train"),
        nbformat.v4.new_code_cell("train()"),
        nbformat.v4.new_code_cell("plot()"),
        nbformat.v4.new_code_cell("evaluate()"),
        nbformat.v4.new_code_cell("raise ValueError"),
    ]
    number = code_cell_number(cells, 5)
    failure = CellFailure(5, "ValueError", "", 5, number)
    assert (number, failure.label) == (5, "code cell 5 (In [5])")
