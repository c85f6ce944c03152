"""Sweep services against the real database: expansion, the bound, checks before anything is
stored or sent, the shared concurrency limit and how a finished run hands its slot on, cancel,
and the queue a GPU notebook's sweep goes to. The worker itself is in tests/worker/."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from notebooks import selectors, services, tasks, worker
from notebooks.models import Run, Sweep
from tests.notebooks.factories import NotebookFactory, notebook_bytes
from tests.sessions.factories import UserFactory
from tracker.celery import app as celery_app

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_media")]


def _notebook(**fields):
    content = notebook_bytes(
        "print(steps, label, rate, flag, sizes)",
        parameters="steps = 2\nlabel = 'tiny'\nrate = 0.5\nflag = False\nsizes = [1]\n"
        "device = 'cpu'",
    )
    return NotebookFactory(content=content, **fields)


def _sent(sweep) -> list[int]:
    """Indexes of the sweep's runs handed to the broker (dispatched), in order."""
    return list(
        Run.objects.filter(sweep=sweep, dispatched_at__isnull=False)
        .order_by("sweep_index")
        .values_list("sweep_index", flat=True)
    )


def _finish(run_index: int, sweep, status=Run.Status.SUCCEEDED) -> Run:
    """Ends a dispatched run as its worker would: claim, then store the outcome."""
    run = Run.objects.get(sweep=sweep, sweep_index=run_index)
    attempt = worker.claim(run.pk)
    assert worker._finish(run.pk, attempt, status=status, reason="", failed_cell=None, stored=[])
    return run


def test_a_grid_expands_to_every_combination_merged_onto_the_defaults(
    django_capture_on_commit_callbacks,
):
    notebook = _notebook(parameters={"label": "base"})
    starter = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        sweep = services.sweep_start(
            notebook=notebook,
            started_by=starter,
            grid={"steps": [1, 2, 3], "flag": [False, True]},
            max_concurrent=2,
        )
    runs = list(sweep.runs.order_by("sweep_index"))
    assert [(r.parameters["steps"], r.parameters["flag"]) for r in runs] == [
        (1, False), (1, True), (2, False), (2, True), (3, False), (3, True),
    ]  # fmt: skip
    assert {r.parameters["label"] for r in runs} == {"base"}
    assert {(r.status, r.queue, r.started_by) for r in runs} == {("queued", "cpu", starter)}
    assert (sweep.kind, sweep.spec) == ("grid", {"steps": [1, 2, 3], "flag": [False, True]})
    assert len(callbacks) == 2 and _sent(sweep) == [0, 1]  # the limit, no more


def test_a_list_sweep_runs_each_set_as_given():
    notebook = _notebook()
    sweep = services.sweep_start(
        notebook=notebook,
        started_by=None,
        sets=[{"sizes": [0]}, {"sizes": [2.5], "label": "x"}, {}],
    )
    assert [r.parameters for r in sweep.runs.order_by("sweep_index")] == [
        {"sizes": [0]},
        {"sizes": [2.5], "label": "x"},
        {},
    ]
    assert sweep.max_concurrent == 2  # NOTEBOOK_SWEEP_CONCURRENCY


@pytest.mark.parametrize(
    ("given", "field", "said"),
    [
        ({"grid": {"steps": [1, "two"]}}, "grid", "Set 2 (steps=\"two\"): 'steps' must be a whole"),
        ({"grid": {"stpes": [1]}}, "grid", "Set 1 (stpes=1): 'stpes' is not a parameter"),
        ({"grid": {"device": ["cuda"]}}, "grid", "'device' is set by the worker"),
        ({"grid": {"steps": []}}, "grid", "'steps' needs a list of at least one value"),
        ({"grid": {"steps": 3}}, "grid", "'steps' needs a list"),
        ({"grid": {}}, "grid", "A grid is an object"),
        ({"sets": [{"rate": "fast"}]}, "sets", "'rate' must be a number"),
        ({"sets": [{"steps": 2}, {}]}, "sets", "Set 2 () is the same as set 1"),
        ({"sets": [3]}, "sets", "Set 1 must be an object"),
        ({"sets": []}, "sets", "at least one set"),
        ({"grid": {"steps": [1]}, "sets": [{}]}, "grid", "either a grid or a list"),
        ({"grid": {"steps": [1]}, "max_concurrent": 0}, "max_concurrent", "greater than"),
    ],
)
def test_a_bad_sweep_names_the_set_and_parameter_and_stores_and_sends_nothing(
    django_capture_on_commit_callbacks, given, field, said
):
    notebook = _notebook(parameters={"steps": 2})
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError) as error:
        services.sweep_start(notebook=notebook, started_by=None, **given)
    assert said in " ".join(error.value.message_dict[field])
    assert not Sweep.objects.exists() and not Run.objects.exists()
    assert callbacks == []


def test_a_sweep_past_the_bound_is_refused_before_it_is_expanded(settings):
    settings.NOTEBOOK_SWEEP_MAX_RUNS = 100
    notebook = _notebook()
    grid = {"steps": list(range(1000)), "rate": [float(i) for i in range(1000)]}
    with pytest.raises(ValidationError) as error:
        services.sweep_start(notebook=notebook, started_by=None, grid=grid)
    assert error.value.message_dict["grid"] == [
        "This sweep would start 1,000,000 runs; a sweep may have at most 100."
    ]
    assert not Run.objects.exists()
    assert len(services.sweep_start(notebook=notebook, started_by=None, grid={
        "steps": list(range(10)), "rate": [float(i) for i in range(10)]
    }).runs.all()) == 100  # fmt: skip


def test_a_finished_run_hands_its_slot_to_the_next_waiting_one(
    django_capture_on_commit_callbacks,
):
    notebook = _notebook()
    with django_capture_on_commit_callbacks(execute=False):
        sweep = services.sweep_start(
            notebook=notebook, started_by=None, grid={"steps": [1, 2, 3, 4, 5]}, max_concurrent=2
        )
    assert _sent(sweep) == [0, 1]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _finish(0, sweep, status=Run.Status.FAILED)  # a failure does not stop the others
    assert len(callbacks) == 1 and _sent(sweep) == [0, 1, 2]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.sweep_dispatch(sweep_id=sweep.pk) == 0  # no slot free: nothing sent
    assert callbacks == []
    _finish(1, sweep)
    _finish(2, sweep, status=Run.Status.TIMED_OUT)
    assert _sent(sweep) == [0, 1, 2, 3, 4]
    _finish(3, sweep)
    _finish(4, sweep)
    sweep = selectors.sweeps_visible_to(UserFactory(is_superuser=True)).get(pk=sweep.pk)
    assert selectors.sweep_status(sweep) == "finished"
    assert (sweep.runs_succeeded, sweep.runs_failed, sweep.runs_timed_out) == (3, 1, 1)


def test_cancelling_one_queued_run_of_a_sweep_sends_the_next(django_capture_on_commit_callbacks):
    notebook = _notebook()
    with django_capture_on_commit_callbacks(execute=False):
        sweep = services.sweep_start(
            notebook=notebook, started_by=None, grid={"steps": [1, 2, 3]}, max_concurrent=1
        )
    services.run_cancel(run=sweep.runs.get(sweep_index=0), user=None)
    assert _sent(sweep) == [0, 1]


def test_the_reaper_tops_up_a_sweep_whose_send_was_lost(django_capture_on_commit_callbacks):
    """A worker that died between storing an outcome and sending the next run: the reaper's
    tick sends it."""
    notebook = _notebook()
    with django_capture_on_commit_callbacks(execute=False):
        sweep = services.sweep_start(
            notebook=notebook, started_by=None, grid={"steps": [1, 2, 3]}, max_concurrent=1
        )
    Run.objects.filter(sweep=sweep, sweep_index=0).update(status=Run.Status.SUCCEEDED)
    assert _sent(sweep) == [0]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.sweeps_top_up() == 1
    assert len(callbacks) == 1 and _sent(sweep) == [0, 1]
    assert services.sweeps_top_up() == 0


def test_the_reapers_periodic_task_tops_up_sweeps(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.RUN_TEMP_ROOT = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=False):
        sweep = services.sweep_start(
            notebook=_notebook(), started_by=None, grid={"steps": [1, 2]}, max_concurrent=1
        )
    Run.objects.filter(sweep=sweep, sweep_index=0).update(status=Run.Status.FAILED)
    with django_capture_on_commit_callbacks(execute=False):
        assert tasks.reap_lost_runs()["sweep_runs_sent"] == 1  # as beat's tick runs it
    assert _sent(sweep) == [0, 1]


def test_the_reaper_ending_a_lost_run_of_a_sweep_sends_the_next(settings):
    settings.RUN_MAX_ATTEMPTS = 1
    notebook = _notebook()
    sweep = services.sweep_start(
        notebook=notebook, started_by=None, grid={"steps": [1, 2]}, max_concurrent=1
    )
    first = sweep.runs.get(sweep_index=0)
    worker.claim(first.pk)
    Run.objects.filter(pk=first.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert worker.reap_lost_runs()["failed"] == 1
    assert _sent(sweep) == [0, 1]


def test_cancelling_a_sweep_cancels_waiting_and_queued_runs_and_stops_running_ones():
    notebook = _notebook()
    canceller = UserFactory(username="ada")
    sweep = services.sweep_start(
        notebook=notebook, started_by=None, grid={"steps": [1, 2, 3, 4]}, max_concurrent=2
    )
    running = sweep.runs.get(sweep_index=0)
    worker.claim(running.pk)
    services.sweep_cancel(sweep=sweep, user=canceller)
    runs = {r.sweep_index: r for r in sweep.runs.all()}
    assert [runs[i].status for i in range(4)] == ["running", "cancelled", "cancelled", "cancelled"]
    assert runs[0].cancel_requested_by == canceller  # its worker stops it
    assert runs[3].reason == "Cancelled by ada before it started."
    assert _sent(sweep) == [0, 1]  # the waiting ones were never sent
    assert sweep.cancel_requested_at is not None
    worker._finish(running.pk, 1, status="cancelled", reason="", failed_cell=None, stored=[])
    assert _sent(sweep) == [0, 1]  # nothing more after the cancel
    listed = selectors.sweeps_visible_to(UserFactory(is_superuser=True)).get(pk=sweep.pk)
    assert selectors.sweep_status(listed) == "cancelled"
    with pytest.raises(services.RunStateError, match="already finished"):
        services.sweep_cancel(sweep=sweep, user=canceller)


@pytest.mark.parametrize(("gpu_workers", "queue"), [("no", "cpu"), ("yes", "gpu"), ("NO", "cpu")])
def test_a_gpu_notebooks_sweep_runs_on_the_cpu_queue_on_a_site_without_gpu_workers(
    settings, gpu_workers, queue
):
    settings.NOTEBOOK_GPU_WORKERS = gpu_workers
    notebook = _notebook(queue="gpu")
    sweep = services.sweep_start(notebook=notebook, started_by=None, grid={"steps": [1, 2]})
    assert set(sweep.runs.values_list("queue", flat=True)) == {queue}


def test_a_gpu_notebooks_sweep_keeps_the_gpu_queue_when_the_broker_cannot_tell(
    settings, monkeypatch
):
    """The embedded development broker cannot ask the workers; its one worker takes both."""
    settings.NOTEBOOK_GPU_WORKERS = "auto"
    monkeypatch.setattr(celery_app.conf, "broker_url", "sqla+sqlite:///unused.sqlite3")
    notebook = _notebook(queue="gpu")
    sweep = services.sweep_start(notebook=notebook, started_by=None, grid={"steps": [1]})
    assert sweep.runs.get().queue == "gpu"


def test_a_cpu_notebooks_sweep_stays_on_the_cpu_queue(settings):
    settings.NOTEBOOK_GPU_WORKERS = "yes"
    sweep = services.sweep_start(notebook=_notebook(), started_by=None, grid={"steps": [1]})
    assert sweep.runs.get().queue == "cpu"
