"""The one Celery application; workers start it with `celery -A tracker worker`.

Notebook runs go to one of two queues: `cpu`, or `gpu` for a worker on a machine with CUDA
(`celery -A tracker worker -Q gpu`). Everything else (the reaper) rides on `cpu`.
"""

import os

from celery import Celery
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

NOTEBOOK_QUEUES = ("cpu", "gpu")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name, Exchange(name), routing_key=name) for name in NOTEBOOK_QUEUES]
app.autodiscover_tasks()
