"""What running a notebook through the tracker costs on top of running it with papermill.

For the same small notebook, in the same run, alternately:
- tracker: from `run_start` (the task is queued on commit) until the run's row is final with its
  artifacts stored, through a real `celery -A tracker worker` process;
- baseline: `papermill.execute_notebook` of the same notebook, parameters and kernel.
The difference of the medians is the overhead (queueing, claiming, progress writes, the HTML
rendering, image and metrics extraction, storing files); the target is under 2 s.

    python bench/notebook_overhead.py                      # the embedded SQLite broker
    python bench/notebook_overhead.py --broker redis://127.0.0.1:6379/8

Everything lives in a temporary data folder (database, broker, media), removed at the end.
"""

import argparse
import logging
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench_support import notebook_bytes  # noqa: E402 (bench/ is the script's own folder)

NOTEBOOK_CELLS = [
    "import math\ntotal = sum(math.sqrt(i) for i in range(steps * 1000))\n"
    "print(label, device, total)",
    "import json\njson.dump({'total': total}, open('metrics.json', 'w'))",
    "import base64\nfrom IPython.display import Image, display\n"
    "display(Image(data=base64.b64decode('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlE"
    "QVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==')))",
    "for i in range(3):\n    print('line', i)",
]


def start_worker(env: dict, log_path: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "celery", "-A", "tracker", "worker", "-Q", "cpu,gpu",
        "--concurrency", "1", "--prefetch-multiplier", "1", "--without-gossip",
        "--without-mingle", "--without-heartbeat", "--loglevel", "INFO",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 120
    while b" ready." not in log_path.read_bytes():
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(log_path.read_text(errors="replace")[-3000:])
        time.sleep(0.1)
    return worker


def bench_notebook(data: Path, content: bytes):
    """A user organizing a course with one session holding the notebook `content`; the same file
    in `data` for papermill, and a folder for papermill's output. After django.setup()."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from notebooks import services
    from sessions import services as session_services

    user = User.objects.create_user("bench")
    course = session_services.course_create(slug="bench", title="Bench", organizer=user)
    now = timezone.now()
    session = session_services.session_create(
        course=course, title="Bench", starts_at=now, ends_at=now + timezone.timedelta(hours=1)
    )
    notebook = services.notebook_create(
        session=session, created_by=user, title="Bench", file=content, file_name="bench.ipynb"
    )
    source = data / "bench.ipynb"
    source.write_bytes(content)
    baseline_folder = data / "baseline"
    baseline_folder.mkdir()
    return user, notebook, source, baseline_folder


def time_tracker_run(notebook, user) -> float:
    from notebooks import services
    from notebooks.models import Run

    began = time.perf_counter()
    run = services.run_start(notebook=notebook, started_by=user)
    finished = Run.objects.filter(pk=run.pk, status__in=Run.FINISHED)
    while not finished.exists():
        time.sleep(0.01)
    elapsed = time.perf_counter() - began
    run.refresh_from_db()
    if run.status != Run.Status.SUCCEEDED or run.artifacts.count() != 5:
        raise RuntimeError(f"The run did not succeed with 5 artifacts: {run.status} {run.reason}")
    return elapsed


def time_papermill(source: Path, folder: Path, kernel: str, parameters: dict) -> float:
    import papermill

    began = time.perf_counter()
    papermill.execute_notebook(
        str(source),
        str(folder / "executed.ipynb"),
        parameters=parameters,
        kernel_name=kernel,
        language="python",
        progress_bar=False,
        cwd=str(folder),
    )
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--broker", default="", help="a broker URL; the embedded one by default")
    parser.add_argument("--repeat", type=int, default=5)
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
            }
        )
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        logging.getLogger("papermill").setLevel(logging.ERROR)  # not its per-run chatter
        call_command("migrate", verbosity=0)
        user, notebook, source, baseline_folder = bench_notebook(
            data, notebook_bytes("steps = 10\nlabel = 'bench'", NOTEBOOK_CELLS)
        )

        worker = start_worker(dict(os.environ), data / "worker.log")
        try:
            cold_tracker = time_tracker_run(notebook, user)
            device = notebook.runs.latest("id").device
            parameters = {**notebook.parameters, "device": device}
            cold_papermill = time_papermill(
                source, baseline_folder, settings.NOTEBOOK_KERNEL, parameters
            )
            tracker_times, papermill_times = [], []
            for _ in range(arguments.repeat):
                tracker_times.append(time_tracker_run(notebook, user))
                papermill_times.append(
                    time_papermill(source, baseline_folder, settings.NOTEBOOK_KERNEL, parameters)
                )
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)

    tracker, papermill_median = statistics.median(tracker_times), statistics.median(papermill_times)
    overhead = tracker - papermill_median
    print(f"broker: {settings.CELERY_BROKER_URL.split(':')[0]}, runs: {arguments.repeat}")
    print(
        f"first run (cold worker): tracker {cold_tracker:.2f} s, papermill {cold_papermill:.2f} s"
    )
    print(f"tracker, enqueue to stored artifacts (median): {tracker:.2f} s")
    print(f"plain papermill (median):                      {papermill_median:.2f} s")
    print(f"overhead: {overhead:.2f} s (target < 2 s); ratio tracker/papermill: "
          f"{tracker / papermill_median:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
