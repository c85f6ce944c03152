"""What a Celery worker does with a run, and the reaper that looks after runs whose worker died.

Every status change is a compare-and-set update: a worker claims a run only while it is queued
(so two workers never both run it), and stores the outcome only while the run is still its own
attempt in `running` (so the outcome is written once and a finished run never goes back). The
attempt number tells one worker's claim from a later one's after the reaper requeued the run.

When the process running an attempt dies (the OOM killer, a kill), Celery hands its message back
(acks_late, reject_on_worker_lost) and the redelivered task takes the run over at once if that
attempt is dead (notebooks.attempts); a duplicate delivery while it lives does nothing.
"""

import logging
import os
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from notebooks import attempts, folders, storage
from notebooks.ipynb import artifacts, execution, results
from notebooks.ipynb.device import detect_device, package_versions
from notebooks.models import Artifact, Run
from notebooks.services import enqueue_on_commit, sweep_run_finished

logger = logging.getLogger(__name__)


def claim(run_id: int, *, task_id: str = "") -> int | None:
    """Moves a queued run to running and returns this attempt's number; None when the run is
    not queued (taken by another worker, finished, or cancelled)."""
    now = timezone.now()
    claimed = Run.objects.filter(pk=run_id, status=Run.Status.QUEUED).update(
        celery_task_id=task_id or F("celery_task_id"), **_new_attempt(now)
    )
    if not claimed:
        return None
    return Run.objects.values_list("attempts", flat=True).get(pk=run_id)


def _new_attempt(now) -> dict:
    return {
        "status": Run.Status.RUNNING,
        "started_at": now,
        "heartbeat_at": now,
        "worker_host": attempts.host(),
        "worker_pid": os.getpid(),
        "attempts": F("attempts") + 1,
        "device": "",
        "device_name": "",
        "cells_done": 0,
        "cells_total": 0,
    }


def take_over(run_id: int, *, task_id: str) -> int | None:
    """For a redelivered message: when the run is running an attempt that this very message
    started (the same task id) and that attempt is dead, starts the next attempt and returns its
    number, or ends the run when it may not be retried (a cancel asked for, no attempts left).
    None when there is nothing to take: the attempt lives (a duplicate delivery), the run is
    queued for another message or finished."""
    run = attempts.read(run_id)
    if run is None or run.status != Run.Status.RUNNING:
        logger.info("Run %s is neither queued nor running; nothing to do.", run_id)
        return None
    if not task_id or run.celery_task_id != task_id:
        logger.info("Run %s is running for another message; nothing to do.", run_id)
        return None
    attempt = run.attempts
    alive, run = attempts.verdict(run)
    if alive or run is None:
        logger.info("Run %s: attempt %s is alive; nothing to do.", run_id, attempt)
        return None
    same_attempt = Run.objects.filter(
        pk=run_id,
        status=Run.Status.RUNNING,
        attempts=run.attempts,
        celery_task_id=task_id,
        heartbeat_at=run.heartbeat_at,
    )
    ending = _ending_of_lost(run, now=timezone.now())
    if ending is not None:
        if same_attempt.update(**ending):
            logger.warning("Run %s: attempt %s died; %s", run_id, run.attempts, ending["reason"])
            sweep_run_finished(run_id=run_id)
        return None
    if not same_attempt.update(**_new_attempt(timezone.now())):
        return None  # the reaper or another delivery was first
    logger.warning(
        "Run %s: attempt %s on %s (pid %s) died; starting attempt %s.",
        run_id,
        run.attempts,
        run.worker_host,
        run.worker_pid,
        run.attempts + 1,
    )
    return run.attempts + 1


def execute(run_id: int, *, task_id: str = "") -> None:
    """Runs the run if it is still queued, or if this message's attempt died (a redelivery);
    otherwise does nothing (a duplicate delivery)."""
    folders.sweep()  # the folders of attempts killed on this host
    attempt = claim(run_id, task_id=task_id) or take_over(run_id, task_id=task_id)
    if attempt is None:
        return
    try:
        with attempts.running_here(run_id, attempt):
            _execute_claimed(run_id, attempt)
    except Exception as error:
        if type(error).__name__ == "SoftTimeLimitExceeded":  # Celery's limit, past ours
            status, reason = Run.Status.TIMED_OUT, "The worker's time limit ran out."
        else:
            logger.exception("Run %s failed inside the worker", run_id)
            status = Run.Status.FAILED
            reason = f"The worker failed: {type(error).__name__}: {error}"
        _finish(run_id, attempt, status=status, reason=reason, failed_cell=None, stored=[])


class RunRecorder:
    """The supervisor's observer: writes progress and heartbeats, reads cancellation."""

    def __init__(self, run_id: int, attempt: int) -> None:
        self.run_id = run_id
        self.attempt = attempt
        self._last_heartbeat = time.monotonic()

    def _ours(self):
        return Run.objects.filter(pk=self.run_id, status=Run.Status.RUNNING, attempts=self.attempt)

    def started(self, cells_total: int) -> None:
        self._ours().update(cells_total=cells_total, cells_done=0)

    def cell_finished(self, cells_done: int) -> None:
        self._ours().update(cells_done=cells_done)

    def poll(self) -> str | None:
        if time.monotonic() - self._last_heartbeat >= settings.RUN_HEARTBEAT_SECONDS:
            self._last_heartbeat = time.monotonic()
            if not self._ours().update(heartbeat_at=timezone.now()):
                return execution.LOST
        row = (
            Run.objects.filter(pk=self.run_id)
            .values_list("status", "attempts", "cancel_requested_at")
            .first()
        )
        if row is None or row[0] != Run.Status.RUNNING or row[1] != self.attempt:
            return execution.LOST
        return execution.CANCELLED if row[2] is not None else None

    def supervisor_finished(self) -> None:
        connection.close()  # the supervisor thread's own connection


def _execute_claimed(run_id: int, attempt: int) -> None:
    run = Run.objects.select_related("notebook__session").get(pk=run_id)
    notebook = run.notebook
    with folders.attempt_folder(run_id, attempt) as folder:
        workdir = folder / "work"
        workdir.mkdir()
        source = folder / "source.ipynb"
        executed = folder / artifacts.EXECUTED_NOTEBOOK_NAME
        log = execution.RunLog(folder / artifacts.LOG_NAME)
        supervisor = execution.Supervisor(
            RunRecorder(run_id, attempt),
            time_limit=notebook.time_limit,
            log=log,
            poll_interval=min(0.5, settings.RUN_HEARTBEAT_SECONDS),
            stop_grace=settings.NOTEBOOK_STOP_GRACE_SECONDS,
        )
        stored: list[storage.StoredFile] = []
        try:
            # Watched from here on, so the heartbeat also covers loading torch and the source.
            with supervisor:
                device = detect_device()
                content = storage.read_notebook_source(notebook)
                # The bytes this attempt runs, which may be newer than those the run was
                # queued with if the notebook's file was replaced meanwhile.
                Run.objects.filter(pk=run_id, status=Run.Status.RUNNING, attempts=attempt).update(
                    device=device.kind,
                    device_name=device.name,
                    notebook_sha256=storage.checksum(content),
                    package_versions=package_versions(),
                )
                source.write_bytes(content)
                log.event(
                    f"Run {run_id}, attempt {attempt}, on {attempts.host()} (pid {os.getpid()}): "
                    f"device={device.kind} ({device.name}), kernel {notebook.kernel_name}, "
                    f"time limit {notebook.time_limit} s."
                )
                parameters = {**run.parameters, "device": device.kind}
                outcome = execution.run_notebook(
                    source,
                    executed,
                    workdir=workdir,
                    parameters=parameters,
                    kernel_name=notebook.kernel_name,
                    supervisor=supervisor,
                    start_timeout=settings.NOTEBOOK_START_TIMEOUT,
                )
                files = artifacts.collect_artifacts(
                    executed=executed, workdir=workdir, note=log.event
                )
                run_results = results.results_of_files(files, note=log.event)
                log.close()
                files.append(
                    artifacts.ArtifactFile("log", artifacts.LOG_NAME, log.path.read_bytes())
                )
                for file in files:
                    stored.append(
                        storage.save_run_file(
                            run, kind=file.kind, name=file.name, content=file.content
                        )
                    )
        except BaseException:
            storage.delete([file.path for file in stored])
            raise
        finally:
            log.close()
    reason = outcome.reason
    if outcome.status == Run.Status.CANCELLED:
        reason = f"Cancelled by {_canceller(run_id)} {outcome.where}."
    _finish(
        run_id,
        attempt,
        status=outcome.status,
        reason=reason,
        failed_cell=outcome.failed_cell,
        stored=stored,
        results=run_results,
    )


def _canceller(run_id: int) -> str:
    user = Run.objects.filter(pk=run_id).values_list("cancel_requested_by__username", flat=True)
    return user.first() or "someone"


def _finish(
    run_id: int,
    attempt: int,
    *,
    status: str,
    reason: str,
    failed_cell: int | None,
    stored: list[storage.StoredFile],
    results: dict | None = None,
) -> bool:
    """Stores the outcome, its results and the artifacts together, once: only if the run is
    still this attempt's. Otherwise the files just saved are removed again."""
    with transaction.atomic():
        updated = Run.objects.filter(pk=run_id, status=Run.Status.RUNNING, attempts=attempt).update(
            status=status,
            reason=reason,
            failed_cell=failed_cell,
            finished_at=timezone.now(),
            results=results or {},
        )
        if updated:
            Artifact.objects.bulk_create(
                Artifact(
                    run_id=run_id,
                    kind=file.kind,
                    name=file.name,
                    file=file.path,
                    size=file.size,
                    checksum=file.checksum,
                )
                for file in stored
            )
    if not updated:
        logger.warning(
            "Run %s attempt %s was finished elsewhere; its files are dropped.", run_id, attempt
        )
        storage.delete([file.path for file in stored])
    else:
        sweep_run_finished(run_id=run_id)  # a sweep's next run takes the slot
    return bool(updated)


def _ending_of_lost(run: Run, *, now) -> dict | None:
    """How a run whose attempt died ends when it may not be tried again: cancelled when a
    cancel was asked for, failed after its last attempt. None when it may be retried."""
    progress = f"after {run.cells_done} of {run.cells_total} code cells"
    host = run.worker_host or "its worker"
    if run.cancel_requested_at is not None:
        reason = (
            f"Cancelled by {run.cancel_requested_by or 'someone'}; the worker on "
            f"{host} stopped answering {progress}."
        )
        return {"status": Run.Status.CANCELLED, "reason": reason, "finished_at": now}
    if run.attempts >= settings.RUN_MAX_ATTEMPTS:
        reason = (
            f"Worker lost: the worker on {host} stopped answering {progress} "
            f"(attempt {run.attempts} of {settings.RUN_MAX_ATTEMPTS})."
        )
        return {"status": Run.Status.FAILED, "reason": reason, "finished_at": now}
    return None


def reap_lost_runs() -> dict[str, int]:
    """Runs whose heartbeat stopped (their worker died) are requeued until they have had
    RUN_MAX_ATTEMPTS attempts, then failed as "worker lost"; one whose cancel was asked for is
    cancelled. Each change is a compare-and-set on the same stale heartbeat, so a run whose
    worker comes back to life in between is left alone."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.RUN_LOST_AFTER_SECONDS)
    counts = {"requeued": 0, "failed": 0, "cancelled": 0}
    lost = Run.objects.filter(status=Run.Status.RUNNING, heartbeat_at__lt=stale_before)
    for run in lost.select_related("notebook", "cancel_requested_by"):
        stale = Run.objects.filter(
            pk=run.pk,
            status=Run.Status.RUNNING,
            attempts=run.attempts,
            heartbeat_at__lt=stale_before,
        )
        ending = _ending_of_lost(run, now=now)
        if ending is not None:
            ended = stale.update(**ending)
            counts[ending["status"]] += ended
            if ended:
                sweep_run_finished(run_id=run.pk)
            continue
        with transaction.atomic():
            requeued = stale.update(
                status=Run.Status.QUEUED,
                started_at=None,
                heartbeat_at=None,
                worker_host="",
                worker_pid=None,
                device="",
                device_name="",
                cells_done=0,
                cells_total=0,
                celery_task_id=str(uuid.uuid4()),
            )
            if requeued:
                run.refresh_from_db()
                enqueue_on_commit(run, time_limit=run.notebook.time_limit)
        counts["requeued"] += requeued
    if any(counts.values()):
        logger.warning("Reaper: %s", counts)
    return counts
