"""Celery tasks: thin; the work is in sessions.runs.worker."""

import threading

from celery import shared_task
from celery.signals import worker_process_init

from sessions.notebooks.device import detect_device
from sessions.runs import worker


@shared_task(name="sessions.execute_run", acks_late=True, reject_on_worker_lost=True, bind=True)
def execute_run(self, *, run_id: int) -> None:
    # Idempotent: a redelivered message finds the run no longer queued and does nothing.
    worker.execute(run_id, task_id=self.request.id or "")


@shared_task(name="sessions.reap_lost_runs", ignore_result=True)
def reap_lost_runs() -> dict[str, int]:
    return worker.reap_lost_runs()


@worker_process_init.connect
def _detect_device_early(**kwargs) -> None:
    # torch takes seconds to import: look in the background, so a pool process starts within
    # Celery's start-up timeout and the first run does not pay for it.
    threading.Thread(target=detect_device, name="detect-device", daemon=True).start()
