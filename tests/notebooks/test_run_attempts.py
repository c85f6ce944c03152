"""Taking over a run whose attempt died, and sweeping dead attempts' folders, against the real
database and real processes (the worker processes themselves: tests/worker/)."""

import os
import subprocess
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from notebooks import attempts, folders, worker
from notebooks.models import Run
from tests.notebooks.factories import RunFactory

TASK_ID = "the-first-message"


@pytest.fixture
def live_process():
    process = subprocess.Popen(["sleep", "60"])
    time.sleep(0.05)  # started strictly before the attempt that records it
    yield process
    process.kill()
    process.wait()


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def _running(**fields) -> Run:
    now = timezone.now()
    defaults = {
        "status": Run.Status.RUNNING,
        "attempts": 1,
        "started_at": now,
        "heartbeat_at": now,
        "worker_host": attempts.host(),
        "celery_task_id": TASK_ID,
    }
    return RunFactory(**{**defaults, **fields})


@pytest.mark.django_db
def test_a_redelivery_takes_over_a_run_whose_process_on_this_host_is_gone(settings):
    settings.RUN_MAX_ATTEMPTS = 2
    run = _running(worker_pid=_dead_pid(), cells_done=2, cells_total=5)
    began = time.monotonic()
    assert worker.take_over(run.pk, task_id=TASK_ID) == 2
    assert time.monotonic() - began < 1  # no waiting on this host
    run.refresh_from_db()
    assert (run.status, run.attempts, run.worker_pid) == ("running", 2, os.getpid())
    assert (run.cells_done, run.cells_total) == (0, 0)


@pytest.mark.django_db
def test_a_duplicate_takes_nothing_while_the_attempts_process_lives(live_process):
    run = _running(worker_pid=live_process.pid)
    assert worker.take_over(run.pk, task_id=TASK_ID) is None
    run.refresh_from_db()
    assert (run.status, run.attempts, run.worker_pid) == ("running", 1, live_process.pid)


@pytest.mark.django_db
def test_a_younger_process_reusing_the_pid_does_not_keep_a_dead_attempt_alive(live_process):
    run = _running(worker_pid=live_process.pid, started_at=timezone.now() - timedelta(hours=1))
    assert worker.take_over(run.pk, task_id=TASK_ID) == 2


@pytest.mark.django_db
def test_a_message_replaced_by_the_reaper_takes_nothing():
    run = _running(worker_pid=_dead_pid(), celery_task_id="the-reapers-message")
    assert worker.take_over(run.pk, task_id=TASK_ID) is None
    assert Run.objects.get(pk=run.pk).attempts == 1


@pytest.mark.django_db
def test_a_redelivery_after_the_last_attempt_fails_the_run(settings):
    settings.RUN_MAX_ATTEMPTS = 2
    run = _running(attempts=2, worker_pid=_dead_pid())
    assert worker.take_over(run.pk, task_id=TASK_ID) is None
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED and run.attempts == 2
    assert run.reason.startswith(f"Worker lost: the worker on {attempts.host()} stopped")


@pytest.mark.django_db
def test_a_redelivery_of_a_run_asked_to_cancel_cancels_it():
    run = _running(worker_pid=_dead_pid(), cancel_requested_at=timezone.now())
    assert worker.take_over(run.pk, task_id=TASK_ID) is None
    assert Run.objects.get(pk=run.pk).status == Run.Status.CANCELLED


@pytest.mark.django_db
def test_from_another_host_a_long_silent_heartbeat_is_taken_over_at_once():
    an_hour_ago = timezone.now() - timedelta(hours=1)
    run = _running(worker_host="elsewhere", worker_pid=1, heartbeat_at=an_hour_ago)
    assert worker.take_over(run.pk, task_id=TASK_ID) == 2


@pytest.mark.django_db
def test_from_another_host_a_heartbeat_that_stops_is_taken_over_after_a_few_beats(settings):
    settings.RUN_HEARTBEAT_SECONDS = 0.2
    run = _running(worker_host="elsewhere", worker_pid=1)
    began = time.monotonic()
    assert worker.take_over(run.pk, task_id=TASK_ID) == 2
    assert 0.4 < time.monotonic() - began < 3


@pytest.mark.django_db(transaction=True)
def test_from_another_host_a_beating_attempt_is_left_alone(settings):
    settings.RUN_HEARTBEAT_SECONDS = 0.2
    run = _running(worker_host="elsewhere", worker_pid=1)
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(0.1):
            Run.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())
        connection.close()

    beating = threading.Thread(target=beat)
    beating.start()
    try:
        assert worker.take_over(run.pk, task_id=TASK_ID) is None
    finally:
        stop.set()
        beating.join()
    assert Run.objects.get(pk=run.pk).attempts == 1


def _folder(root, run_id: int, attempt: int, pid: int):
    folder = root / f"run-{run_id}-attempt-{attempt}-pid-{pid}-x"
    (folder / "work").mkdir(parents=True)
    return folder


def test_the_sweep_removes_only_folders_whose_attempt_is_gone(settings, tmp_path, live_process):
    settings.RUN_TEMP_ROOT = str(tmp_path)
    root = folders.root()
    assert root == tmp_path / attempts.host()
    dead = _folder(root, 1, 1, _dead_pid())
    alive = _folder(root, 2, 1, live_process.pid)
    ours_finished = _folder(root, 3, 1, os.getpid())
    ours_running = _folder(root, 4, 1, os.getpid())
    not_ours = root / "someone-elses"
    not_ours.mkdir()
    too_old = _folder(root, 5, 1, live_process.pid)
    long_ago = time.time() - settings.CELERY_TASK_TIME_LIMIT - 60
    os.utime(too_old, (long_ago, long_ago))

    with attempts.running_here(4, 1):
        assert folders.sweep() == 3

    assert {path.name for path in root.iterdir()} == {alive.name, ours_running.name, not_ours.name}
    assert not dead.exists() and not ours_finished.exists() and not too_old.exists()


def test_an_attempts_folder_is_named_for_its_process_and_removed_after_it(settings, tmp_path):
    settings.RUN_TEMP_ROOT = str(tmp_path)
    with folders.attempt_folder(7, 2) as folder:
        assert folder.parent == tmp_path / attempts.host()
        assert folder.name.startswith(f"run-7-attempt-2-pid-{os.getpid()}-")
        with attempts.running_here(7, 2):
            assert folders.sweep() == 0 and folder.exists()
    assert not folder.exists()
