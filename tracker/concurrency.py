"""Writes that cannot lose each other: a service re-reads the row under a lock inside its
transaction, checks the version the editor started from, and saves only the fields it changes.

On PostgreSQL `select_for_update()` makes a second writer wait for the first one's commit; on
SQLite the transaction itself takes the write lock up front (transaction_mode IMMEDIATE), so the
re-read already sees the first writer's commit.
"""

from typing import Any

from django.db import models

STALE_VERSION_MESSAGE = (
    "Someone else saved a newer version while you were editing; nothing was saved."
)


class EditConflict(Exception):
    """The editor started from an older version than the one now saved; nothing was stored.
    `current` is the object as it is saved now (the API answers 412 with it, a page shows both
    texts)."""

    def __init__(self, *, current: models.Model, message: str = ""):
        self.current = current
        super().__init__(message or STALE_VERSION_MESSAGE)


class StateConflict(Exception):
    """The object is not in a state that allows this now (cancelling a finished run, deleting a
    live one); the message says which state it is in. The API answers 409 with it."""


def locked(instance: models.Model) -> models.Model:
    """Reloads the instance in place from the row as committed now, locked until the caller's
    transaction ends (the caller's object then shows what the service saved)."""
    current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    for field in instance._meta.concrete_fields:
        value = getattr(current, field.attname)
        # Unlike refresh_from_db(), keep a related object loaded earlier while it still applies.
        if (
            field.is_relation
            and field.is_cached(instance)
            and getattr(instance, field.attname) != value
        ):
            field.delete_cached_value(instance)
        setattr(instance, field.attname, value)
    instance._prefetched_objects_cache = {}  # related lists may have changed too
    return instance


def check_version(current: models.Model, expected: int | None) -> None:
    """No expected version means last writer wins (on the fields it sends)."""
    if expected is not None and expected != current.version:
        raise EditConflict(current=current)


def apply_changes(instance: models.Model, fields: dict[str, Any]) -> list[str]:
    """Sets the given fields; returns their names, for save(update_fields=...)."""
    for name, value in fields.items():
        setattr(instance, name, value)
    return list(fields)


def save_changed(instance: models.Model, changed: list[str], *, bump_version: bool = False):
    """full_clean() then an UPDATE of only the changed columns (and updated_at, version)."""
    instance.full_clean()
    names = set(changed)
    if bump_version:
        # Under the row lock, so no other writer read the same number in between.
        instance.version += 1
        names.add("version")
    if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
        names.add("updated_at")
    instance.save(update_fields=sorted(names))
    return instance
