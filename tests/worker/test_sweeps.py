"""Sweeps end to end through the API, a real Redis and a real Celery worker process: the
activation steering demo over five coefficients, a failing run among others, cancel while one
runs, and bad sets refused with nothing on the broker."""

import json
import time

import pytest
import redis
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.test import Client

from notebooks import services
from notebooks.models import Run, Sweep
from tests.api.helpers import api_client
from tests.notebooks.factories import NotebookFactory, notebook_bytes
from tests.worker_process import NOTEBOOK_WORKER_ARGUMENTS, REDIS_URL, wait_for

pytestmark = pytest.mark.worker

STEERING = django_settings.BASE_DIR / "demos" / "notebooks" / "activation_steering.ipynb"
# Small enough for a few seconds a run on a CPU, big enough for the steering to show.
STEERING_DEFAULTS = {
    "reviews": 1000,
    "train_steps": 150,
    "samples_per_coefficient": 32,
    "new_tokens": 12,
}


def _start(user, body) -> Sweep:
    response = api_client(user).post("/api/v1/sweeps/", body, format="json")
    assert response.status_code == 201, response.content
    return Sweep.objects.get(pk=response.json()["id"])


def _all_finished(sweep: Sweep, *, worker, timeout: float) -> list[Run]:
    def finished() -> list[Run] | None:
        runs = list(sweep.runs.order_by("sweep_index"))
        return runs if all(run.is_finished for run in runs) else None

    return wait_for(finished, timeout=timeout, what=f"sweep {sweep.pk} to finish", worker=worker)


def _metrics(run: Run) -> dict:
    artifact = run.artifacts.get(name="metrics.json")
    return json.loads(default_storage.open(artifact.file.name).read())


def test_a_steering_sweep_over_five_coefficients_rises_with_the_coefficient(
    celery_worker, course_session
):
    session, organizer, _member = course_session
    notebook = services.notebook_create(
        session=session,
        created_by=organizer,
        title="Activation steering",
        file=STEERING.read_bytes(),
        file_name=STEERING.name,
        parameters=STEERING_DEFAULTS,
    )
    # The demo's range: past about 1 its generations degenerate and the share falls again.
    coefficients = [[-1], [-0.5], [0], [0.5], [1]]
    sweep = _start(
        organizer,
        {"notebook": notebook.pk, "grid": {"coefficients": coefficients}, "max_concurrent": 2},
    )
    runs = _all_finished(sweep, worker=celery_worker, timeout=600)

    assert [run.status for run in runs] == ["succeeded"] * 5, [run.reason for run in runs]
    assert [run.parameters["coefficients"] for run in runs] == coefficients
    metrics = [_metrics(run) for run in runs]
    assert [m["coefficients"] for m in metrics] == [[-1.0], [-0.5], [0.0], [0.5], [1.0]]
    attribute = [m["attribute"][0] for m in metrics]
    assert attribute == sorted(attribute), attribute  # monotone non-decreasing
    assert attribute[-1] > attribute[0] + 0.5, attribute
    # At most two on the broker at once: the k-th was sent only after k - 1 had finished.
    finishes = sorted(run.finished_at for run in runs)
    sent = sorted(run.dispatched_at for run in runs)
    for k in range(2, 5):
        assert sent[k] >= finishes[k - 2]
    detail = api_client(organizer).get(f"/api/v1/sweeps/{sweep.pk}/").json()
    assert detail["status"] == "succeeded" and detail["runs_by_status"]["succeeded"] == 5
    # The results are stored as data (what the demo records), and the comparison and its plot
    # are built from them.
    shares = [run.results["positive_share"] for run in runs]
    assert shares == pytest.approx(attribute)
    assert [r["results"]["positive_share"] for r in detail["runs"]] == pytest.approx(shares)
    table = api_client(organizer).get(f"/api/v1/runs/compare/?sweep={sweep.pk}").json()
    by_run = {row["run"]: row["cells"] for row in table["rows"]}
    assert [by_run[run.pk]["result:positive_share"] for run in runs] == pytest.approx(shares)
    web = Client()
    web.force_login(organizer)
    page = web.get(
        f"/runs/compare/?sweep={sweep.pk}&x=parameter:coefficients&y=result:positive_share"
    ).content.decode()
    assert page.count('class="plot-point"') == 5
    for share in shares:
        assert f"{share:.4g}" in page  # the numbers beside the plot


def test_a_failing_run_does_not_stop_the_others(celery_worker, course_session):
    session, organizer, _member = course_session
    notebook = NotebookFactory(
        session=session,
        content=notebook_bytes("assert steps != 2, 'two is refused'\nprint(steps)"),
    )
    sweep = _start(
        organizer, {"notebook": notebook.pk, "grid": {"steps": [1, 2, 3]}, "max_concurrent": 1}
    )
    runs = _all_finished(sweep, worker=celery_worker, timeout=180)
    assert [run.status for run in runs] == ["succeeded", "failed", "succeeded"]
    assert "two is refused" in runs[1].reason


def test_cancelling_a_sweep_stops_its_running_run_and_cancels_the_waiting_ones(
    celery_worker, course_session, tmp_path
):
    session, organizer, _member = course_session
    notebook = NotebookFactory(
        session=session,
        content=notebook_bytes(
            "import time\nprint('sleeping', steps)\ntime.sleep(120)", parameters="steps = 1"
        ),
    )
    sweep = _start(
        organizer,
        {"notebook": notebook.pk, "grid": {"steps": [1, 2, 3, 4]}, "max_concurrent": 2},
    )
    wait_for(
        lambda: sweep.runs.filter(status="running", cells_done__gte=1).exists(),
        timeout=90,
        what="a run of the sweep to be running",
        worker=celery_worker,
    )
    response = api_client(organizer).post(f"/api/v1/sweeps/{sweep.pk}/cancel/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelling"
    began = time.monotonic()
    runs = _all_finished(sweep, worker=celery_worker, timeout=60)
    assert time.monotonic() - began < 30  # not the 120 s the cell sleeps
    assert [run.status for run in runs] == ["cancelled"] * 4
    assert "before it started" not in runs[0].reason  # stopped while it ran
    assert all("before it started" in run.reason for run in runs[2:])  # never sent
    assert sweep.runs.filter(dispatched_at__isnull=False).count() == 2


def test_a_bad_sweep_queues_nothing(celery_worker, course_session):
    session, organizer, member = course_session
    notebook = NotebookFactory(session=session)
    by_member = api_client(member).post(
        "/api/v1/sweeps/", {"notebook": notebook.pk, "grid": {"steps": [1]}}, format="json"
    )
    bad = api_client(organizer).post(
        "/api/v1/sweeps/",
        {"notebook": notebook.pk, "sets": [{"steps": 1}, {"steps": "x"}]},
        format="json",
    )
    assert (by_member.status_code, bad.status_code) == (403, 400)
    assert "Set 2" in bad.json()["sets"][0] and "'steps'" in bad.json()["sets"][0]
    assert not Sweep.objects.exists() and not Run.objects.exists()
    broker = redis.Redis.from_url(REDIS_URL)
    assert broker.llen("cpu") == 0 and broker.llen("gpu") == 0


def test_on_a_site_without_gpu_workers_a_gpu_notebooks_sweep_runs_on_the_cpu_queue(
    worker_process, start_celery, transactional_db, settings, worker_media_root, course_session
):
    """NOTEBOOK_GPU_WORKERS=auto asks the workers online: here only one on `cpu` answers."""
    settings.MEDIA_ROOT = worker_media_root
    settings.NOTEBOOK_GPU_WORKERS = "auto"
    worker_process.stop()  # the shared one takes `gpu` too; later tests start it again
    arguments = list(NOTEBOOK_WORKER_ARGUMENTS)
    arguments[arguments.index("-Q") + 1] = "cpu"
    cpu_worker = start_celery("cpu-only", tuple(arguments))
    session, organizer, _member = course_session
    notebook = NotebookFactory(session=session, queue="gpu")
    sweep = _start(organizer, {"notebook": notebook.pk, "grid": {"steps": [1, 2]}})
    runs = _all_finished(sweep, worker=cpu_worker, timeout=120)
    assert [(run.queue, run.status) for run in runs] == [("cpu", "succeeded")] * 2
