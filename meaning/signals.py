"""Saves of searchable rows, heard through Django's signals (the apps below never
import this one). A save queues the row for embedding once its transaction commits: one task
for all the rows a transaction saved, never one per row. A delete removes the row's embedding.
"""

import threading

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save

from meaning.kinds import KIND_OF_MODEL, KINDS
from tracker.celery import app as celery_app

EMBED_TASK = "meaning.embed_pending"
# Rows per queued task: a task's batch is embedded in one go.
ITEMS_PER_TASK = 256

_pending = threading.local()


def _pending_items() -> set[tuple[str, int]]:
    if not hasattr(_pending, "items"):
        _pending.items = set()
    return _pending.items


def queue_embedding(kind: str, pk: int) -> None:
    """Queues the row after the current transaction commits (now, outside one). Rows saved
    together go in one task; a rolled-back row is sent with the next commit and found gone or
    unchanged there, which costs nothing."""
    if not settings.MEANING_EMBED_ON_SAVE:
        return
    _pending_items().add((kind, pk))
    transaction.on_commit(_send_pending)


def _send_pending() -> None:
    items = sorted(_pending_items())
    _pending_items().clear()
    for start in range(0, len(items), ITEMS_PER_TASK):
        celery_app.send_task(
            EMBED_TASK,
            kwargs={"items": [list(item) for item in items[start : start + ITEMS_PER_TASK]]},
            queue=settings.MEANING_QUEUE,
        )


def _saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # fixtures loading
        return
    queue_embedding(KIND_OF_MODEL[sender].name, instance.pk)


def connect() -> None:
    for kind in KINDS:
        post_save.connect(_saved, sender=kind.model, dispatch_uid=f"meaning-saved-{kind.name}")
