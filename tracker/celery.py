"""The one Celery application; workers start it with `celery -A tracker worker`.

Notebook runs go to one of two queues: `cpu`, or `gpu` for a worker on a machine with CUDA
(`celery -A tracker worker -Q gpu`). Housekeeping (the reaper of lost runs) has a queue of its
own, `maintenance`, consumed by a light worker of its own, so it never waits behind a notebook
that holds a notebook worker's only slot for an hour. Embeddings (search by meaning) have
`embeddings`, so a save's embedding never waits behind a notebook either; a site with a GPU
worker may send them to `gpu` instead (MEANING_QUEUE).
"""

import os

from celery import Celery
from kombu import Exchange, Queue

from tracker import broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

NOTEBOOK_QUEUES = ("cpu", "gpu")
MAINTENANCE_QUEUE = "maintenance"
EMBEDDINGS_QUEUE = "embeddings"

broker.register()
app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [
    Queue(name, Exchange(name), routing_key=name)
    for name in (*NOTEBOOK_QUEUES, MAINTENANCE_QUEUE, EMBEDDINGS_QUEUE)
]
app.conf.task_routes = {"sessions.reap_lost_runs": {"queue": MAINTENANCE_QUEUE}}
app.autodiscover_tasks()
