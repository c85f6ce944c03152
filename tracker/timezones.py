"""The one time-zone helper: validation and conversion to a zone's wall time."""

import zoneinfo
from datetime import datetime
from functools import cache

from django.core.exceptions import ValidationError


@cache
def available_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in available_time_zones():
        raise ValidationError(
            "%(value)s is not a known IANA time zone (for example Australia/Sydney).",
            code="invalid_time_zone",
            params={"value": value},
        )


def to_zone(moment: datetime, zone_name: str) -> datetime:
    """The same instant, expressed as wall time in the named zone."""
    return moment.astimezone(zoneinfo.ZoneInfo(zone_name))
