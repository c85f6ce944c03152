"""A 20-run sweep on two workers against the same 20 notebooks run with plain papermill.

In the same run:
- sweep: `sweep_start` of a 20-set grid (two at a time) through two real `celery -A tracker
  worker` processes, from the call until every run's row is final with its artifacts stored;
- baseline: `papermill.execute_notebook` of the same notebook with each of the 20 parameter
  sets, one after another.
The small notebook sleeps 0.5 s and writes metrics.json. Printed: the sweep's wall time, the
papermill total, their ratio sweep / (papermill total / 2) (aim: at most 1.2), and the overhead
per run, (2 x sweep wall - papermill total) / 20: what each run costs a worker beyond papermill
(aim: under 0.5 s).

    python bench/sweep.py                                 # the embedded SQLite broker
    python bench/sweep.py --broker redis://127.0.0.1:6379/8

Each is timed --repeat times (3), alternately, and the medians compared: on a shared machine a
neighbour's load then weighs on both. Everything lives in a temporary data folder (database,
broker, media), removed at the end.
"""

import argparse
import logging
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench_support import notebook_bytes  # noqa: E402 (bench/ is the script's own folder)
from notebook_overhead import bench_notebook, start_worker  # noqa: E402 (bench/ is the script's own folder)
from notebook_overhead import time_papermill as papermill_once  # noqa: E402 (as above)

RUNS = 20
WORKERS = 2
NOTEBOOK_CELLS = [
    "import time\ntime.sleep(0.5)",
    "import json\njson.dump({'score': steps * 0.5, 'label': label}, open('metrics.json', 'w'))",
]


def wait_until_finished(runs, *, timeout: float = 600) -> None:
    from notebooks.models import Run

    deadline = time.monotonic() + timeout
    while runs.exclude(status__in=Run.FINISHED).exists():
        if time.monotonic() > deadline:
            raise RuntimeError("The runs did not finish in time.")
        time.sleep(0.02)


def time_sweep(notebook, user, grid: dict) -> tuple[float, list]:
    from notebooks import services
    from notebooks.models import Run

    began = time.perf_counter()
    sweep = services.sweep_start(
        notebook=notebook, started_by=user, grid=grid, max_concurrent=WORKERS
    )
    wait_until_finished(Run.objects.filter(sweep=sweep))
    elapsed = time.perf_counter() - began
    runs = list(sweep.runs.order_by("sweep_index"))
    bad = [(run.pk, run.status, run.reason) for run in runs if run.status != "succeeded"]
    if bad or any(run.artifacts.filter(name="metrics.json").count() != 1 for run in runs):
        raise RuntimeError(f"Not every run succeeded with its metrics: {bad}")
    return elapsed, runs


def time_papermill(source: Path, folder: Path, kernel: str, parameter_sets: list[dict]) -> float:
    """The same notebooks through plain papermill, one after another."""
    return sum(papermill_once(source, folder, kernel, parameters) for parameters in parameter_sets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--broker", default="", help="a broker URL; the embedded one by default")
    parser.add_argument("--repeat", type=int, default=3, help="sweeps (and baselines) timed")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as temporary:
        data = Path(temporary)
        os.environ.update(
            {
                "TRACKER_ENV": "development",
                "DATA_DIR": str(data),
                "MEDIA_ROOT": str(data / "media"),
                "DATABASE_URL": f"sqlite:///{data / 'bench.sqlite3'}",
                "CELERY_BROKER_URL": arguments.broker
                or f"sqla+sqlite:///{data / 'celery-broker.sqlite3'}",
                "NOTEBOOK_GPU_WORKERS": "no",
            }
        )
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        logging.getLogger("papermill").setLevel(logging.ERROR)  # not its per-run chatter
        call_command("migrate", verbosity=0)
        if arguments.broker.startswith("redis"):
            import redis

            redis.Redis.from_url(arguments.broker).flushdb()  # no task of an earlier run
        user, notebook, source, baseline_folder = bench_notebook(
            data, notebook_bytes("steps = 1\nlabel = 'bench'", NOTEBOOK_CELLS)
        )
        grid = {"steps": list(range(1, RUNS + 1))}

        workers = [start_worker(dict(os.environ), data / f"worker-{n}.log") for n in range(WORKERS)]
        try:
            # Both workers warm (torch and the exporter loaded), papermill's imports done.
            time_sweep(notebook, user, {"steps": [101, 102]})
            time_papermill(source, baseline_folder, settings.NOTEBOOK_KERNEL, [{"device": "cpu"}])
            # Alternately, so a neighbour's load on a shared machine weighs on both alike.
            sweep_walls, papermill_totals, runs = [], [], []
            for repeat in range(arguments.repeat):
                offset = repeat * 1000  # each sweep's sets are new, as a new sweep's would be
                wall, runs = time_sweep(
                    notebook, user, {"steps": [step + offset for step in grid["steps"]]}
                )
                sweep_walls.append(wall)
                parameter_sets = [{**run.parameters, "device": run.device} for run in runs]
                papermill_totals.append(
                    time_papermill(
                        source, baseline_folder, settings.NOTEBOOK_KERNEL, parameter_sets
                    )
                )
            devices = {run.device for run in runs}
            sweep_wall = statistics.median(sweep_walls)
            papermill_total = statistics.median(papermill_totals)
        finally:
            for worker in workers:
                os.killpg(worker.pid, signal.SIGTERM)
            for worker in workers:
                worker.wait(timeout=30)

    hosts = {(run.worker_host, run.worker_pid) for run in runs}
    ideal = papermill_total / WORKERS
    overhead = (WORKERS * sweep_wall - papermill_total) / RUNS
    print(f"broker: {settings.CELERY_BROKER_URL.split(':')[0]}, runs: {RUNS}, workers: "
          f"{WORKERS} ({len(hosts)} took runs), device: {', '.join(sorted(devices))}, "
          f"medians of {arguments.repeat}")  # fmt: skip
    print(f"sweep, start to every run stored:       {sweep_wall:.2f} s "
          f"({', '.join(f'{wall:.1f}' for wall in sweep_walls)})")  # fmt: skip
    print(f"plain papermill, one after another:     {papermill_total:.2f} s "
          f"({papermill_total / RUNS:.2f} s a run; "
          f"{', '.join(f'{total:.1f}' for total in papermill_totals)})")  # fmt: skip
    print(f"ratio sweep / (papermill / {WORKERS}):          {sweep_wall / ideal:.2f} "
          "(aim <= 1.2)")  # fmt: skip
    print(f"overhead per run:                       {overhead:.2f} s (aim < 0.5 s)")
    # Where a run's time goes: on its worker (claim to outcome stored, papermill's share
    # included), and from being sent to being claimed.
    on_worker = statistics.mean((r.finished_at - r.started_at).total_seconds() for r in runs)
    to_claim = statistics.mean((r.started_at - r.dispatched_at).total_seconds() for r in runs)
    load = os.getloadavg()[0]
    print(f"a run on its worker (mean): {on_worker:.2f} s; sent to claimed (mean): "
          f"{to_claim:.3f} s; load average {load:.1f} on {os.cpu_count()} CPUs")  # fmt: skip


if __name__ == "__main__":
    main()
