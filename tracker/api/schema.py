"""The OpenAPI schema: request bodies from each viewset's input serializers, and the error
answers every operation can give, documented once here instead of on each endpoint."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

ERROR_DETAIL = inline_serializer(
    name="ErrorDetail", fields={"detail": serializers.CharField(read_only=True)}
)
ERROR_DESCRIPTIONS = {
    "400": "Invalid input: an object of field names, each with a list of messages "
    "(`non_field_errors` for the request as a whole), or `detail` for a body that is not JSON.",
    "401": "Not signed in, or the token is wrong.",
    "403": "Signed in, but not allowed to do this (or the CSRF token is missing).",
    "404": "No such object, or one you may not see; for a list, a page past the end.",
    "429": "Too many requests; `Retry-After` says how many seconds to wait.",
}


class TrackerAutoSchema(AutoSchema):
    """Views may set `schema_reads_forbidden = True` (a GET can answer 403) and
    `schema_destroy_refused = True` (a DELETE can answer 400)."""

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
        codes = ["401", "429"]
        reading = self.method in SAFE_METHODS
        has_path_parameters = "{" in self.path
        listing = reading and self._is_list_view()
        refusable_delete = self.method == "DELETE" and getattr(
            self.view, "schema_destroy_refused", False
        )
        if (not reading and self.method != "DELETE") or listing or refusable_delete:
            codes.append("400")
        if not reading or getattr(self.view, "schema_reads_forbidden", False):
            codes.append("403")
        if has_path_parameters or listing:
            codes.append("404")
        return sorted(codes)
