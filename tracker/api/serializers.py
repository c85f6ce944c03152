"""Fields and base classes every API serializer shares.

Unknown fields are refused: a request naming a field the endpoint does not accept (a typo, a
read-only field such as `body_html`, a field of another endpoint) answers 400 with
`{"<name>": ["Unknown field."]}` rather than being dropped in silence.
"""

import re
from collections.abc import Mapping
from datetime import UTC, datetime

from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker import bounds
from tracker.bounds import MAX_INTEGER
from tracker.timezones import to_zone

_SLUG = re.compile(r"^[-a-zA-Z0-9_]+\Z")
_USERNAME = re.compile(r"^[\w.@+-]+\Z")


class StrictInputSerializer(serializers.Serializer):
    """An input serializer that answers 400 for any field it does not accept."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            accepted = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(key) for key in data if key not in accepted)
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


class StrictModelInputSerializer(StrictInputSerializer, serializers.ModelSerializer):
    """Takes field types, lengths, choices and validators from the model; never saves itself
    (viewsets pass `validated_data` to a service)."""

    def create(self, validated_data):  # pragma: no cover - guards against misuse
        raise NotImplementedError("Input serializers never save; call the service.")

    def update(self, instance, validated_data):  # pragma: no cover
        raise NotImplementedError("Input serializers never save; call the service.")


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time that must carry its UTC offset, within a sane range of years.

    A bare 09:00 would silently be read in the server's zone, not the course's."""

    default_error_messages = {
        "naive": "Give the time with its UTC offset, such as 2024-03-01T09:00:00+11:00.",
        "range": bounds.MOMENT_MESSAGE,
    }

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            self.fail("naive")
        if not bounds.moment_in_range(value):  # checked before any conversion can overflow
            self.fail("range")
        return super().enforce_timezone(value)


@extend_schema_field(OpenApiTypes.DATETIME)
class LocalDateTimeField(serializers.Field):
    """The instant as wall time in a named zone (a course's), with that zone's offset."""

    def __init__(self, *, zone_source: str, **kwargs):
        self.zone_source = zone_source
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        moment = super().get_attribute(instance)
        zone_name = instance
        for part in self.zone_source.split("."):
            zone_name = getattr(zone_name, part)
        return moment, zone_name

    def to_representation(self, value):
        moment, zone_name = value
        return to_zone(moment, zone_name).isoformat()


class _CheckedTextMixin:
    """Refuses text that cannot be a key before it reaches the database (PostgreSQL rejects
    NUL characters; a dict or list is not a name)."""

    pattern: re.Pattern

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        ProhibitNullCharactersValidator()(data)
        if not self.pattern.match(data):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.STR)
class SlugReferenceField(_CheckedTextMixin, serializers.SlugRelatedField):
    """Another object named by its slug, looked up only among those the user may see."""

    pattern = _SLUG
    default_error_messages = {"does_not_exist": "Nothing with slug “{value}” exists."}

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "slug")
        super().__init__(**kwargs)


@extend_schema_field(OpenApiTypes.STR)
class UsernameReferenceField(_CheckedTextMixin, serializers.SlugRelatedField):
    pattern = _USERNAME
    default_error_messages = {"does_not_exist": "No user is called “{value}”."}

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "username")
        super().__init__(**kwargs)


class IdReferenceField(serializers.PrimaryKeyRelatedField):
    """Another object by id; unknown and invisible ids get the same answer."""

    default_error_messages = {"does_not_exist": "Nothing with id {pk_value} exists."}

    def __init__(self, **kwargs):
        kwargs.setdefault("pk_field", serializers.IntegerField(min_value=1, max_value=MAX_INTEGER))
        super().__init__(**kwargs)


class VersionField(serializers.IntegerField):
    """The version an update started from, an alternative to `If-Match` (tracker/concurrency)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_INTEGER)
        kwargs.setdefault(
            "help_text",
            "The version you started from (as `If-Match` would give it); a newer saved version "
            "answers 412 with the current object and stores nothing.",
        )
        super().__init__(**kwargs)


def utc_iso(moment: datetime) -> str:
    """A time as DRF's DateTimeField writes it: ISO 8601 in UTC, with `Z` for the offset."""
    text = moment.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def viewer_of(serializer: serializers.BaseSerializer):
    """The signed-in user the serializer works for, or None (e.g. while drawing the schema)."""
    request = serializer.context.get("request")
    return getattr(request, "user", None)
