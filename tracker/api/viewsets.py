"""The shape every resource viewset shares: reads through an output serializer over a
selector's queryset, writes through an input serializer and a service."""

import re

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from tracker.api.filters import DocumentedOrderingFilter
from tracker.api.parsers import JSONParser


class ResourceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Subclasses give `serializer_class` (output), `input_serializer_classes` by action, and
    `perform_create(data)` / `perform_update(instance, data)` / `perform_destroy(instance)` that
    call services; a write answers with the object as read back through `get_queryset()`.

    `versioned = True` (documents people edit, whose output has `version`): reads and writes
    answer with an `ETag`, and an update's `If-Match` reaches the service as `version`, which
    refuses a stale one (EditConflict, answered 412 by tracker/api/exceptions.py)."""

    parser_classes = [JSONParser]
    filter_backends = [DjangoFilterBackend, DocumentedOrderingFilter]
    input_serializer_classes: dict = {}
    versioned = False

    def get_input_serializer(self, *args, **kwargs):
        serializer_class = self.input_serializer_classes[self.action]
        kwargs.setdefault("context", self.get_serializer_context())
        return serializer_class(*args, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = self.get_input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_create(serializer.validated_data)
        return self.with_etag(Response(self.represent(instance), status=status.HTTP_201_CREATED))

    def retrieve(self, request, *args, **kwargs):
        return self.with_etag(super().retrieve(request, *args, **kwargs))

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_input_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if self.versioned and "If-Match" in request.headers:
            # The header wins over a `version` in the body; `*` leaves the body's in place.
            data["version"] = if_match_version(request.headers["If-Match"]) or data.get("version")
        instance = self.perform_update(instance, data)
        return self.with_etag(Response(self.represent(instance)))

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        self.perform_destroy(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def with_etag(self, response: Response) -> Response:
        if self.versioned and isinstance(response.data, dict) and "version" in response.data:
            response["ETag"] = etag(response.data["version"])
        return response

    def represent(self, instance) -> dict:
        """The object as a read of it would show it (annotations and prefetches included)."""
        fresh = self.get_queryset().get(pk=instance.pk)
        return self.get_serializer(fresh).data

    def perform_create(self, data):
        raise NotImplementedError

    def perform_update(self, instance, data):
        raise NotImplementedError

    def perform_destroy(self, instance):
        raise NotImplementedError


_ENTITY_TAG = re.compile(r'^(?:W/)?"([1-9][0-9]{0,9})"$')


def etag(version: int) -> str:
    return f'"{version}"'


def if_match_version(header: str) -> int | None:
    """The version an `If-Match` names: `"3"` (or weak `W/"3"`); `*` matches any version."""
    value = header.strip()
    if value == "*":
        return None
    match = _ENTITY_TAG.match(value)
    if match is None:
        raise ValidationError(
            {"If-Match": ['Give one ETag as this API sent it, such as "3", or *.']}
        )
    return int(match.group(1))
