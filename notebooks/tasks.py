"""Celery tasks: thin; the work is in notebooks.worker.

Their registered names still say `sessions.`, as before the app moved out of `sessions`: messages
already in a broker, beat schedules (settings) and routes (tracker/celery.py) find them by name,
and notebooks.services queues by that name instead of importing this module."""

import threading

from celery import shared_task
from celery.signals import worker_process_init, worker_ready

from notebooks import folders, services, worker
from notebooks.ipynb.artifacts import prepare_html_exporter
from notebooks.ipynb.device import detect_device


@shared_task(name="sessions.execute_run", acks_late=True, reject_on_worker_lost=True, bind=True)
def execute_run(self, *, run_id: int) -> None:
    # Idempotent: a duplicate delivery finds the run taken by a live attempt and does nothing;
    # the redelivery of a message whose attempt died takes the run over.
    worker.execute(run_id, task_id=self.request.id or "")


@shared_task(name="sessions.reap_lost_runs", ignore_result=True)
def reap_lost_runs() -> dict[str, int]:
    # Routed to the `maintenance` queue (tracker/celery.py), never behind a notebook.
    counts = worker.reap_lost_runs()
    counts["folders_removed"] = folders.sweep()
    # Sweeps with a free slot and runs waiting (a send lost in a crash) get them sent.
    counts["sweep_runs_sent"] = services.sweeps_top_up()
    return counts


def _warm_up() -> None:
    detect_device()
    prepare_html_exporter()


@worker_process_init.connect
def _warm_up_in_the_background(**kwargs) -> None:
    # torch and nbconvert take seconds to load: do it in the background, so a pool process
    # starts within Celery's start-up timeout and the first run does not wait for them.
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()


@worker_ready.connect
def _sweep_leftover_folders(**kwargs) -> None:
    # Attempts killed with the whole worker (a machine or container restart) left folders.
    folders.sweep()
