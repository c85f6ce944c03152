"""The OpenAPI schema: request bodies from each viewset's input serializers, and the error
answers every operation can give, documented once here instead of on each endpoint."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

ERROR_DETAIL = inline_serializer(
    name="ErrorDetail", fields={"detail": serializers.CharField(read_only=True)}
)
ERROR_DESCRIPTIONS = {
    "400": "Invalid input: an object of field names, each with a list of messages "
    "(`non_field_errors` for the request as a whole), or `detail` for a body that is not JSON. "
    "Any request whose address holds a NUL or bytes that are not UTF-8 gets it too.",
    "401": "Not signed in, or the token is wrong.",
    "403": "Signed in, but not allowed to do this (or the CSRF token is missing).",
    "404": "No such object, or one you may not see; for a list, a page past the end.",
    "409": "The object's state does not allow this now (a run still queued or running, or one "
    "already finished; a study card graded since it was shown); `detail` says which state it "
    "is in. Nothing was changed.",
    "412": "`If-Match` (or `version`) names an older version than the one saved now; nothing "
    "was stored. `current` is the object as saved now: merge, then send it again with its ETag.",
    "429": "Too many requests; `Retry-After` says how many seconds to wait.",
}
VERSIONED_UPDATES = {"update", "partial_update"}
ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201, 412],
    description='The version of the object, quoted ("3"); send it back in `If-Match`.',
)
IF_MATCH_HEADER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The ETag you started from ("3"): a newer saved version answers 412 and '
    "stores nothing. Left out, the fields you send are applied to the object as saved now.",
)


class TrackerAutoSchema(AutoSchema):
    """Views may set `schema_reads_forbidden = True` (a GET can answer 403) and
    `conflict_actions` (actions whose service may refuse with a StateConflict: 409); every
    operation can answer 400 (tracker/request_guard.py refuses bad addresses); a `versioned`
    view's ETag, If-Match and 412 are documented here (tracker/api/viewsets.py)."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if not getattr(self.view, "versioned", False) or self._is_list_view():
            return parameters
        if getattr(self.view, "action", None) in VERSIONED_UPDATES:
            parameters = [*parameters, IF_MATCH_HEADER]
        return [*parameters, ETAG_HEADER]

    def get_request_serializer(self):
        by_action = getattr(self.view, "input_serializer_classes", None) or {}
        action = getattr(self.view, "action", None)
        if action in by_action:
            return by_action[action](context={"request": getattr(self.view, "request", None)})
        return super().get_request_serializer()

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        blankable = field.read_only or getattr(field, "allow_blank", False)
        if isinstance(field, serializers.URLField | serializers.EmailField) and blankable:
            # An unset link or address is "", which is no URI or email: document the string
            # without the format, or a correct answer would not match its own schema.
            schema.pop("format", None)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code in responses:
                continue
            body = OpenApiTypes.OBJECT if code == "400" else ERROR_DETAIL
            if code == "412":
                body = self._edit_conflict_body()
            responses[code] = self._get_response_for_code(
                OpenApiResponse(response=body, description=ERROR_DESCRIPTIONS[code]),
                code,
                direction=direction,
            )
            if code == "429":
                responses[code]["headers"] = {
                    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."}
                }
        return responses

    def _error_codes(self) -> list[str]:
        codes = ["400", "401", "429"]
        reading = self.method in SAFE_METHODS
        has_path_parameters = "{" in self.path
        listing = reading and self._is_list_view()
        if not reading or getattr(self.view, "schema_reads_forbidden", False):
            codes.append("403")
        if has_path_parameters or listing:
            codes.append("404")
        if getattr(self.view, "action", None) in getattr(self.view, "conflict_actions", ()):
            codes.append("409")
        if getattr(self.view, "versioned", False) and self.view.action in VERSIONED_UPDATES:
            codes.append("412")
        return sorted(codes)

    def _edit_conflict_body(self):
        output = self.view.get_serializer_class()
        if output not in _EDIT_CONFLICT_BODIES:  # one component for both PUT and PATCH
            _EDIT_CONFLICT_BODIES[output] = inline_serializer(
                name=f"{output.__name__.removesuffix('Serializer')}EditConflict",
                fields={
                    "detail": serializers.CharField(read_only=True),
                    "current": output(read_only=True),
                },
            )
        return _EDIT_CONFLICT_BODIES[output]


_EDIT_CONFLICT_BODIES: dict[type, serializers.Serializer] = {}
