"""One exception handler: a service's ValidationError becomes a 400 naming its fields, an
EditConflict (a stale version) a 412 with the object as saved now, a StateConflict (the object's
state does not allow this now) a 409 saying why."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from tracker.api.viewsets import etag
from tracker.concurrency import EditConflict, StateConflict


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def api_exception_handler(exc, context):
    if isinstance(exc, EditConflict):
        return _edit_conflict(exc, context["view"])
    if isinstance(exc, StateConflict):
        exc = Conflict(str(exc))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=_field_errors(exc))
    elif isinstance(exc, IntegrityError):
        # Services validate first, so this is a race with a concurrent write; the service's
        # transaction has rolled back and nothing was stored.
        exc = exceptions.ValidationError(
            {
                api_settings.NON_FIELD_ERRORS_KEY: [
                    "This conflicts with data that changed meanwhile; try again."
                ]
            }
        )
    return exception_handler(exc, context)


def _field_errors(exc: DjangoValidationError) -> dict:
    errors = as_serializer_error(exc)
    if NON_FIELD_ERRORS in errors:
        errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop(NON_FIELD_ERRORS)
    return errors


def _edit_conflict(exc: EditConflict, view) -> Response:
    """412 with the current object, so the client can merge and send it again with its ETag."""
    current = view.represent(exc.current)
    return Response(
        {"detail": str(exc), "current": current},
        status=status.HTTP_412_PRECONDITION_FAILED,
        headers={"ETag": etag(current["version"])},
    )
