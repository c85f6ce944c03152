"""Attempts that die, with real worker processes on a real Redis: Celery hands the message of a
killed pool process back at once, and its redelivery takes the run over without waiting for the
reaper; a duplicate while the attempt lives runs nothing; the reaper has its own queue and
worker, so a long notebook never holds it up; dead attempts' folders are swept."""

import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from notebooks import services
from notebooks.models import Run
from notebooks.tasks import execute_run
from tests.notebooks.factories import NotebookFactory, RunFactory, notebook_bytes
from tests.sessions.factories import SessionFactory
from tests.worker_process import NOTEBOOK_WORKER_ARGUMENTS, wait_for, wait_until_finished

pytestmark = pytest.mark.worker


@pytest.fixture
def organizer_session(course_with_roles):
    course, organizer, _member, _outsider = course_with_roles
    return SessionFactory(course=course), organizer


def _log(run: Run) -> str:
    artifact = run.artifacts.get(name="run.log")
    return default_storage.open(artifact.file.name).read().decode()


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def _blocking_notebook(session, *, starts: Path, release: Path):
    """Writes a line to `starts` each time it begins, then waits for `release` to exist."""
    return NotebookFactory(
        session=session,
        content=notebook_bytes(
            "open(starts, 'a').write('start\\n')",
            "import os, time\nwhile not os.path.exists(release):\n    time.sleep(0.1)",
            "print('released')",
            parameters="starts = ''\nrelease = ''",
        ),
    )


def test_a_run_whose_pool_process_is_killed_is_rerun_at_once_without_the_reaper(
    celery_worker, organizer_session, tmp_path, worker_temp_root, settings
):
    # No reaper runs in these tests (no beat), and a lost heartbeat would take a minute: the
    # second attempt can only come from the redelivered message taking the run over.
    settings.RUN_LOST_AFTER_SECONDS = 60
    session, organizer = organizer_session
    marker = tmp_path / "first-attempt-started"
    notebook = NotebookFactory(
        session=session,
        content=notebook_bytes(
            "import os, time\n"
            "if not os.path.exists(marker):\n"
            "    open(marker, 'w').close()\n"
            "    time.sleep(120)\n"
            "print('finished')",
            parameters="marker = ''",
        ),
    )
    run = services.run_start(
        notebook=notebook, started_by=organizer, parameters={"marker": str(marker)}
    )
    wait_for(marker.exists, timeout=60, what="the first attempt's long cell", worker=celery_worker)
    (first_folder,) = worker_temp_root.glob(f"run-{run.pk}-attempt-1-*")

    killed_at = time.monotonic()
    celery_worker.kill_pool_process()  # as the OOM killer would; the worker itself lives on
    wait_for(
        lambda: Run.objects.get(pk=run.pk).attempts == 2,
        timeout=10,
        what="the second attempt",
        worker=celery_worker,
    )
    second_attempt_after = time.monotonic() - killed_at
    run = wait_until_finished(run, worker=celery_worker, timeout=60)

    assert (run.status, run.attempts) == ("succeeded", 2), run.reason
    assert second_attempt_after < 10  # 1.4 s measured; the reaper would wait a minute
    assert "attempt 2" in _log(run) and "finished" in _log(run)
    assert f"Run {run.pk}: attempt 1 on " in celery_worker.log_tail(20000)
    assert not first_folder.exists()  # swept when the second attempt started
    assert list(worker_temp_root.glob(f"run-{run.pk}-*")) == []


def test_a_duplicate_delivery_while_the_attempt_lives_runs_nothing(
    celery_worker, organizer_session, tmp_path, start_celery
):
    session, organizer = organizer_session
    starts, release = tmp_path / "starts", tmp_path / "release"
    notebook = _blocking_notebook(session, starts=starts, release=release)
    run = services.run_start(
        notebook=notebook,
        started_by=organizer,
        parameters={"starts": str(starts), "release": str(release)},
    )
    wait_for(starts.exists, timeout=60, what="the attempt to begin", worker=celery_worker)
    run.refresh_from_db()

    # A second worker takes the same message again (the first holds its only slot).
    second = start_celery("second-worker", NOTEBOOK_WORKER_ARGUMENTS)
    execute_run.apply_async(kwargs={"run_id": run.pk}, queue="cpu", task_id=run.celery_task_id)
    wait_for(
        lambda: f"Run {run.pk}: attempt 1 is alive; nothing to do" in second.log_tail(),
        timeout=60,
        what="the duplicate to be refused",
        worker=second,
    )
    release.touch()
    run = wait_until_finished(run, worker=celery_worker)

    assert (run.status, run.attempts) == ("succeeded", 1), run.reason
    assert starts.read_text() == "start\n"  # the notebook ran once


def test_the_reaper_runs_on_its_own_queue_while_the_notebook_worker_is_busy(
    celery_worker, organizer_session, tmp_path, start_celery, worker_temp_root
):
    session, organizer = organizer_session
    starts, release = tmp_path / "starts", tmp_path / "release"
    notebook = _blocking_notebook(session, starts=starts, release=release)
    busy = services.run_start(
        notebook=notebook,
        started_by=organizer,
        parameters={"starts": str(starts), "release": str(release)},
    )
    wait_for(starts.exists, timeout=60, what="the long run to begin", worker=celery_worker)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    lost = RunFactory(
        status=Run.Status.RUNNING,
        attempts=2,  # RUN_MAX_ATTEMPTS: the reaper fails it
        started_at=an_hour_ago,
        heartbeat_at=an_hour_ago,
        worker_host="a-machine-that-died",
    )
    leftover = worker_temp_root / f"run-{lost.pk}-attempt-2-pid-{_dead_pid()}-planted"
    (leftover / "work").mkdir(parents=True)

    # As docker-compose.yml runs them: beat, and a light worker for the maintenance queue.
    every_second = {"RUN_REAPER_INTERVAL_SECONDS": "1"}
    start_celery(
        "beat",
        ("beat", "--schedule", str(tmp_path / "beat-schedule")),
        ready=b"beat: Starting",
        **every_second,
    )
    start_celery("maintenance", ("worker", "-Q", "maintenance", "--pool", "solo"), **every_second)

    wait_for(
        lambda: Run.objects.get(pk=lost.pk).status == Run.Status.FAILED,
        timeout=60,
        what="the reaper to fail the lost run",
    )
    wait_for(lambda: not leftover.exists(), timeout=10, what="the reaper to sweep the folder")
    busy.refresh_from_db()
    assert (busy.status, busy.attempts) == ("running", 1)  # the notebook worker is still busy
    assert Run.objects.get(pk=lost.pk).reason.startswith("Worker lost: the worker on a-machine")

    release.touch()
    busy = wait_until_finished(busy, worker=celery_worker)
    assert busy.status == Run.Status.SUCCEEDED
