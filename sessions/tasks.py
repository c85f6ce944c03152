"""Celery tasks: thin; the work is in sessions.runs.worker."""

import threading

from celery import shared_task
from celery.signals import worker_process_init

from sessions.notebooks.artifacts import prepare_html_exporter
from sessions.notebooks.device import detect_device
from sessions.runs import worker


@shared_task(name="sessions.execute_run", acks_late=True, reject_on_worker_lost=True, bind=True)
def execute_run(self, *, run_id: int) -> None:
    # Idempotent: a redelivered message finds the run no longer queued and does nothing.
    worker.execute(run_id, task_id=self.request.id or "")


@shared_task(name="sessions.reap_lost_runs", ignore_result=True)
def reap_lost_runs() -> dict[str, int]:
    return worker.reap_lost_runs()


def _warm_up() -> None:
    detect_device()
    prepare_html_exporter()


@worker_process_init.connect
def _warm_up_in_the_background(**kwargs) -> None:
    # torch and nbconvert take seconds to load: do it in the background, so a pool process
    # starts within Celery's start-up timeout and the first run does not wait for them.
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
