"""Small helpers that keep every write validated before it reaches the database."""

from typing import Any

from django.db import models


def save_validated(instance: models.Model, *, exclude: list[str] | None = None) -> models.Model:
    """full_clean() then save(): bad input raises a ValidationError that names the field."""
    instance.full_clean(exclude=exclude)
    instance.save()
    return instance


def only_fields(fields: dict[str, Any], allowed: set[str]) -> dict[str, Any]:
    """The fields, after making sure a caller passed no field that a service does not set."""
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    return fields
