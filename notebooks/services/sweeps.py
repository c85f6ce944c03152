"""Writes for sweeps: many runs of one notebook, one per parameter set, started as one.

Every set is checked before anything is stored, so a bad one refuses the whole sweep. The runs
share a concurrency limit: at most `max_concurrent` of them are sent to the broker at a time,
the rest wait in `queued` with no `dispatched_at`. Each time one finishes (its worker stores the
outcome, it is cancelled, the reaper ends it) the next waiting one is sent, and the reaper's
tick tops up any sweep with a free slot, so a lost message or a crash between the two never
leaves a sweep stuck. Sending happens under a lock on the sweep's row, so two runs finishing at
once never send more than the limit.
"""

import itertools
import json
import math
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from notebooks.ipynb import validation
from notebooks.models import Notebook, Queue, Run, Sweep
from notebooks.services import RunStateError, cancel_runs, enqueue_on_commit
from notebooks.workers import online_workers
from tracker.validation import save_validated

GPU_WORKERS_CHOICES = ("auto", "yes", "no")


def _summary(parameters: dict[str, Any]) -> str:
    return ", ".join(f"{name}={json.dumps(value)}" for name, value in parameters.items())[:120]


def expand_grid(grid: Any) -> list[dict[str, Any]]:
    """Every combination of the grid's values, the first parameter varying slowest; refused
    when it holds more than NOTEBOOK_SWEEP_MAX_RUNS, before any is built."""
    if not isinstance(grid, dict) or not grid:
        raise ValidationError(
            {"grid": "A grid is an object of parameter names, each with a list of values to try."}
        )
    for name, values in grid.items():
        if not isinstance(values, list) or not values:
            raise ValidationError({"grid": f"'{name}' needs a list of at least one value to try."})
    count = math.prod(len(values) for values in grid.values())
    _check_bound(count, field="grid")
    names = list(grid)
    return [
        dict(zip(names, combination, strict=True))
        for combination in itertools.product(*grid.values())
    ]


def _check_sets(sets: Any) -> list[dict[str, Any]]:
    if not isinstance(sets, list) or not sets:
        raise ValidationError({"sets": "Give a list of at least one set of parameters."})
    _check_bound(len(sets), field="sets")
    for number, parameter_set in enumerate(sets, start=1):
        if not isinstance(parameter_set, dict):
            raise ValidationError(
                {"sets": f"Set {number} must be an object of parameter names and values."}
            )
    return sets


def _check_bound(count: int, *, field: str) -> None:
    limit = settings.NOTEBOOK_SWEEP_MAX_RUNS
    if count > limit:
        raise ValidationError(
            {field: f"This sweep would start {count:,} runs; a sweep may have at most {limit}."}
        )


def checked_parameter_sets(
    notebook: Notebook, parameter_sets: list[dict[str, Any]], *, field: str
) -> list[dict[str, Any]]:
    """Each set merged onto the notebook's defaults, after checking it as a single run's
    parameters are (unknown, mistyped or worker-set names refused by name); two sets that come
    to the same parameters are refused. All errors at once, keyed by `field`, each naming its
    set."""
    errors, merged_sets, seen = [], [], {}
    for number, parameter_set in enumerate(parameter_sets, start=1):
        try:
            given = validation.check_parameters(parameter_set, notebook.parameter_spec)
        except ValidationError as error:
            for message in error.message_dict.get("parameters", error.messages):
                errors.append(f"Set {number} ({_summary(parameter_set)}): {message}")
            continue
        merged = {**notebook.parameters, **given}
        key = json.dumps(merged, sort_keys=True)
        if key in seen:
            errors.append(
                f"Set {number} ({_summary(parameter_set)}) is the same as set {seen[key]}; "
                "each run of a sweep needs parameters of its own."
            )
            continue
        seen[key] = number
        merged_sets.append(merged)
    if errors:
        raise ValidationError({field: errors})
    return merged_sets


def sweep_queue(notebook: Notebook) -> str:
    """The queue of the sweep's runs: a GPU-queue notebook's go to `gpu`, which every GPU
    worker consumes one task at a time (prefetch 1, acks late), so they spread over all of
    them; on a site with no worker on `gpu` they go to `cpu` (NOTEBOOK_GPU_WORKERS)."""
    if notebook.queue != Queue.GPU:
        return notebook.queue
    choice = settings.NOTEBOOK_GPU_WORKERS.strip().lower()
    if choice == "yes":
        return Queue.GPU
    if choice == "no":
        return Queue.CPU
    workers = online_workers(timeout=1.0)
    if workers is None:  # the broker cannot tell (the embedded one): keep the notebook's
        return notebook.queue
    return Queue.GPU if any(Queue.GPU in worker["queues"] for worker in workers) else Queue.CPU


def sweep_start(
    *,
    notebook: Notebook,
    started_by: User | None,
    grid: Any = None,
    sets: Any = None,
    max_concurrent: int | None = None,
) -> Sweep:
    """A sweep of the notebook over a grid ({name: [values]}, every combination) or a list of
    parameter sets; its first `max_concurrent` runs are sent once this commits. Nothing is
    stored or sent unless every set is valid."""
    if (grid is None) == (sets is None):
        raise ValidationError({"grid": "Give either a grid or a list of parameter sets."})
    if grid is not None:
        kind, spec, field, parameter_sets = Sweep.Kind.GRID, grid, "grid", expand_grid(grid)
    else:
        kind, spec, field, parameter_sets = Sweep.Kind.LIST, sets, "sets", _check_sets(sets)
    merged_sets = checked_parameter_sets(notebook, parameter_sets, field=field)
    queue = sweep_queue(notebook)  # may ask the workers: before the transaction takes locks
    with transaction.atomic():
        sweep = Sweep(notebook=notebook, started_by=started_by, kind=kind, spec=spec)
        if max_concurrent is not None:
            sweep.max_concurrent = max_concurrent
        save_validated(sweep)
        Run.objects.bulk_create(
            Run(
                notebook=notebook,
                started_by=started_by,
                parameters=parameters,
                queue=queue,
                notebook_sha256=notebook.checksum,
                celery_task_id=str(uuid.uuid4()),
                sweep=sweep,
                sweep_index=index,
            )
            for index, parameters in enumerate(merged_sets)
        )
        sweep_dispatch(sweep_id=sweep.pk)
    return sweep


def sweep_dispatch(*, sweep_id: int) -> int:
    """Sends the sweep's next waiting runs, in order, up to its free slots (none once a cancel
    was asked for); returns how many. Under a lock on the sweep's row, so concurrent callers
    (two runs finishing at once, the reaper) count each other's sends."""
    with transaction.atomic():
        sweep = (
            Sweep.objects.select_for_update()
            .select_related("notebook")
            .filter(pk=sweep_id, cancel_requested_at__isnull=True)
            .first()
        )
        if sweep is None:
            return 0
        runs = Run.objects.filter(sweep_id=sweep_id)
        busy = runs.filter(status__in=Run.ACTIVE, dispatched_at__isnull=False).count()
        free = sweep.max_concurrent - busy
        if free <= 0:
            return 0
        waiting = runs.filter(status=Run.Status.QUEUED, dispatched_at__isnull=True)
        sent = 0
        now = timezone.now()
        for run in waiting.order_by("sweep_index")[:free]:
            marked = Run.objects.filter(
                pk=run.pk, status=Run.Status.QUEUED, dispatched_at__isnull=True
            ).update(dispatched_at=now)
            if marked:
                enqueue_on_commit(run, time_limit=sweep.notebook.time_limit)
                sent += 1
        return sent


def sweep_run_finished(*, run_id: int) -> int:
    """Called once a run has finished: when it belongs to a sweep, its slot goes to the next
    waiting run."""
    sweep_id = Run.objects.filter(pk=run_id).values_list("sweep_id", flat=True).first()
    return sweep_dispatch(sweep_id=sweep_id) if sweep_id else 0


def sweeps_top_up() -> int:
    """For the reaper's tick: sends waiting runs of every sweep with a free slot (a send lost
    between a run's end and the next one's dispatch is made up here). Returns how many."""
    waiting = (
        Run.objects.filter(
            sweep__isnull=False,
            sweep__cancel_requested_at__isnull=True,
            status=Run.Status.QUEUED,
            dispatched_at__isnull=True,
        )
        .values_list("sweep_id", flat=True)
        .distinct()
    )
    return sum(sweep_dispatch(sweep_id=sweep_id) for sweep_id in list(waiting))


def sweep_cancel(*, sweep: Sweep, user: User | None) -> Sweep:
    """Cancels the sweep's waiting and queued runs at once and asks its running ones to stop
    (as run_cancel does for one run); nothing more is sent. Refused when every run finished."""
    with transaction.atomic():
        locked = Sweep.objects.select_for_update().get(pk=sweep.pk)
        runs = Run.objects.filter(sweep_id=sweep.pk)
        if not runs.filter(status__in=Run.ACTIVE).exists():
            raise RunStateError("Every run of this sweep already finished.")
        if locked.cancel_requested_at is None:
            locked.cancel_requested_at = timezone.now()
            locked.cancel_requested_by = user
            locked.save(update_fields=["cancel_requested_at", "cancel_requested_by"])
        cancel_runs(runs, user=user)
    sweep.refresh_from_db()
    return sweep
