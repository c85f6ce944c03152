"""The one Celery application; workers start it with `celery -A tracker worker`.

Notebook runs go to one of two queues: `cpu`, or `gpu` for a worker on a machine with CUDA
(`celery -A tracker worker -Q gpu`). Housekeeping (the reaper of lost runs) has a queue of its
own, `maintenance`, consumed by a light worker of its own, so it never waits behind a notebook
that holds a notebook worker's only slot for an hour.
"""

import os

from celery import Celery
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

NOTEBOOK_QUEUES = ("cpu", "gpu")
MAINTENANCE_QUEUE = "maintenance"

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [
    Queue(name, Exchange(name), routing_key=name) for name in (*NOTEBOOK_QUEUES, MAINTENANCE_QUEUE)
]
app.conf.task_routes = {"sessions.reap_lost_runs": {"queue": MAINTENANCE_QUEUE}}
app.autodiscover_tasks()
