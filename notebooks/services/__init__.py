"""Writes for notebooks and runs. Callers check that the user organizes the course
(selectors.can_manage_notebooks); these validate the input and keep a run's status moving
forward only: every status change is a compare-and-set update on the row."""

import logging
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from notebooks import storage
from notebooks.ipynb import validation
from notebooks.models import Notebook, PinnedRun, Run
from sessions.models import Session
from tracker.celery import app as celery_app
from tracker.concurrency import StateConflict
from tracker.validation import save_validated

logger = logging.getLogger(__name__)

# The name notebooks.tasks registers; kept from when the app lived in `sessions`, so messages
# already queued and beat schedules keep reaching it.
EXECUTE_RUN_TASK = "sessions.execute_run"


class RunStateError(StateConflict):
    """The run is not in a state that allows this (cancelling a finished run, deleting a live
    one); says which state it is in (a 409 in the API)."""


def _read_upload(file: Any) -> bytes:
    size = getattr(file, "size", None)
    limit = settings.NOTEBOOK_MAX_UPLOAD_BYTES
    if size is not None and size > limit:  # refuse before reading a huge upload into memory
        raise ValidationError(
            {"file": f"The file is {size:,} bytes; the limit is {limit:,} bytes."}
        )
    if isinstance(file, bytes):
        return file
    file.seek(0)
    return file.read(limit + 1)


@transaction.atomic
def notebook_create(
    *,
    session: Session,
    created_by: User | None,
    title: str,
    file: Any,
    file_name: str = "",
    parameters: Any = None,
    queue: str = "",
    time_limit: int | None = None,
    kernel_name: str = "",
) -> Notebook:
    """A notebook on the session: the file must be a valid notebook within the size limit, and
    the default parameters must be ones its parameters cell declares. Nothing is stored unless
    all of it is valid."""
    content = _read_upload(file)
    notebook_document = validation.read_notebook(
        content, max_bytes=settings.NOTEBOOK_MAX_UPLOAD_BYTES
    )
    spec = validation.parameter_spec(notebook_document)
    notebook = Notebook(
        session=session,
        created_by=created_by,
        title=title,
        parameters=validation.check_parameters(parameters, spec),
        parameter_spec=spec,
        queue=queue or Notebook._meta.get_field("queue").default,
        time_limit=time_limit or settings.NOTEBOOK_DEFAULT_TIME_LIMIT,
        kernel_name=kernel_name or settings.NOTEBOOK_KERNEL,
        file_size=len(content),
        checksum=storage.checksum(content),
    )
    notebook.full_clean(exclude=["file"])
    name = file_name or getattr(file, "name", "") or title
    notebook.file.name = storage.save(storage.notebook_path(session, name), content)
    try:
        notebook.save()
    except BaseException:
        storage.delete([notebook.file.name])
        raise
    return notebook


@transaction.atomic
def notebook_file_replace(*, notebook: Notebook, content: bytes, file_name: str) -> Notebook:
    """Puts a new version of the notebook's file in place, keeping its runs. The file must be a
    valid notebook whose parameters cell still declares the notebook's default parameters; the
    old file is removed once this commits."""
    notebook_document = validation.read_notebook(
        content, max_bytes=settings.NOTEBOOK_MAX_UPLOAD_BYTES
    )
    spec = validation.parameter_spec(notebook_document)
    validation.check_parameters(notebook.parameters, spec)
    old_name = notebook.file.name
    new_name = storage.save(storage.notebook_path(notebook.session, file_name), content)
    transaction.on_commit(lambda: storage.delete([old_name]))
    Notebook.objects.filter(pk=notebook.pk).update(
        file=new_name,
        file_size=len(content),
        checksum=storage.checksum(content),
        parameter_spec=spec,
    )
    notebook.refresh_from_db()
    return notebook


@transaction.atomic
def notebook_delete(*, notebook: Notebook) -> None:
    """Deletes the notebook with its finished runs and their files; refused while a run of it
    is queued or running."""
    Notebook.objects.select_for_update().filter(pk=notebook.pk).first()
    if notebook.runs.filter(status__in=Run.ACTIVE).exists():
        raise RunStateError("A run of this notebook is queued or running; cancel it first.")
    notebook.delete()


@transaction.atomic
def run_start(*, notebook: Notebook, started_by: User | None, parameters: Any = None) -> Run:
    """Queues a run with the notebook's default parameters, overridden by `parameters`. The task
    is sent once the row is committed."""
    given = validation.check_parameters(parameters, notebook.parameter_spec)
    run = Run(
        notebook=notebook,
        started_by=started_by,
        parameters={**notebook.parameters, **given},
        queue=notebook.queue,
        notebook_sha256=notebook.checksum,
        celery_task_id=str(uuid.uuid4()),
    )
    save_validated(run)
    enqueue_on_commit(run, time_limit=notebook.time_limit)
    return run


def run_rerun(*, run: Run, started_by: User | None, parameters: Any = None) -> Run:
    """Queues a new run of the same notebook with the old run's parameters, overridden by
    `parameters`; both are checked against the notebook's current parameters cell, as for any
    start, so a parameter the notebook no longer declares is refused by name."""
    given = validation.parse_parameters(parameters)
    return run_start(
        notebook=run.notebook, started_by=started_by, parameters={**run.parameters, **given}
    )


def enqueue_on_commit(run: Run, *, time_limit: int) -> None:
    """Sends the run's task after the surrounding transaction commits, with Celery's limits
    above the notebook's. When the broker refuses it, the run fails saying so, instead of
    waiting in `queued` forever."""
    run_id, queue, task_id = run.pk, run.queue, run.celery_task_id
    soft_limit = time_limit + settings.RUN_TASK_MARGIN_SECONDS

    def send() -> None:
        try:
            # By its registered name: the task module imports this one, never the reverse.
            celery_app.send_task(
                EXECUTE_RUN_TASK,
                kwargs={"run_id": run_id},
                queue=queue,
                task_id=task_id,
                soft_time_limit=soft_limit,
                time_limit=soft_limit + 60,
            )
        except Exception as error:
            logger.exception("Could not queue run %s", run_id)
            Run.objects.filter(pk=run_id, status=Run.Status.QUEUED).update(
                status=Run.Status.FAILED,
                reason=f"Could not queue the run: {error}",
                finished_at=timezone.now(),
            )

    transaction.on_commit(send)


def cancel_runs(runs: QuerySet[Run], *, user: User | None) -> int:
    """Cancels the queued runs among `runs` at once and marks the running ones for cancelling
    (their worker stops them); returns how many changed. Finished runs are left alone."""
    now = timezone.now()
    queued = runs.filter(status=Run.Status.QUEUED)
    running = runs.filter(status=Run.Status.RUNNING, cancel_requested_at__isnull=True)
    return queued.update(
        status=Run.Status.CANCELLED,
        reason=f"Cancelled by {user or 'someone'} before it started.",
        finished_at=now,
        cancel_requested_at=now,
        cancel_requested_by=user,
    ) + running.update(cancel_requested_at=now, cancel_requested_by=user)


def run_cancel(*, run: Run, user: User | None) -> Run:
    """A queued run is cancelled at once. A running one is marked for cancelling: its worker
    stops the kernel within a second or so, stores the partial outputs and records the outcome
    (or the reaper does, if that worker is gone). A finished run is left as it is."""
    changed = cancel_runs(Run.objects.filter(pk=run.pk), user=user)
    run.refresh_from_db()
    if not changed and run.is_finished:
        raise RunStateError(f"The run already finished ({run.get_status_display().lower()}).")
    if run.is_finished and run.sweep_id:
        sweep_run_finished(run_id=run.pk)  # its slot in the sweep goes to the next run
    return run


@transaction.atomic
def run_delete(*, run: Run) -> None:
    """Deletes a finished run and its files; refused while it is queued or running."""
    # A finished run never changes again, so this filter cannot race with the worker.
    deleted, _ = Run.objects.filter(pk=run.pk, status__in=Run.FINISHED).delete()
    if not deleted:
        run.refresh_from_db()
        raise RunStateError(
            f"The run is {run.get_status_display().lower()}; cancel it before deleting it."
        )


@transaction.atomic
def run_pin(*, run: Run, pinned_by: User | None) -> PinnedRun:
    """Pins a finished run as its session's result, replacing the run pinned before; refused
    (RunStateError) while the run is queued or running."""
    session = run.notebook.session
    # One pin per session: pins of the same session wait for each other here.
    Session.objects.select_for_update().filter(pk=session.pk).first()
    # Locked, so a delete of the run waits for the pin (and then takes it with the run).
    status = (
        Run.objects.select_for_update().filter(pk=run.pk).values_list("status", flat=True).first()
    )
    if status is None or status not in Run.FINISHED:
        raise RunStateError(
            f"The run is {status or 'gone'}; only a finished run can be the session's result."
        )
    pin, _created = PinnedRun.objects.update_or_create(
        session=session, defaults={"run": run, "pinned_by": pinned_by}
    )
    return pin


def run_unpin(*, run: Run) -> bool:
    """Takes the run off its session's result; True if it was pinned."""
    deleted, _ = PinnedRun.objects.filter(run=run).delete()
    return bool(deleted)


# Sweeps, in their own module for size; here so `services.sweep_start` is the one name pages, API
# and worker call. Last: it imports the helpers above.
from notebooks.services.sweeps import (  # noqa: E402 (last: it imports enqueue_on_commit from here)
    checked_parameter_sets,
    expand_grid,
    sweep_cancel,
    sweep_dispatch,
    sweep_run_finished,
    sweep_start,
    sweeps_top_up,
)

__all__ = [  # what other modules use; listing the sweeps' marks them as re-exported
    "EXECUTE_RUN_TASK",
    "RunStateError",
    "cancel_runs",
    "checked_parameter_sets",
    "enqueue_on_commit",
    "expand_grid",
    "notebook_create",
    "notebook_delete",
    "notebook_file_replace",
    "run_cancel",
    "run_delete",
    "run_pin",
    "run_rerun",
    "run_start",
    "run_unpin",
    "sweep_cancel",
    "sweep_dispatch",
    "sweep_run_finished",
    "sweep_start",
    "sweeps_top_up",
]
