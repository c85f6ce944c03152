"""The one time-zone helper: validation and conversion to a zone's wall time."""

import zoneinfo
from datetime import datetime
from functools import cache

from django.core.exceptions import ValidationError

# Files the system's zone folder holds beside the zones: the machine's own setting (whatever
# the server happens to use), the rules file for POSIX strings, and tzdata's placeholder.
# None is a place a person lives; "UTC" stays.
NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
NOT_ZONE_FOLDERS = ("posix/", "right/")


@cache
def available_time_zones() -> frozenset[str]:
    """The IANA zone names a person may choose (as a profile's or a course's zone)."""
    return frozenset(
        name
        for name in zoneinfo.available_timezones()
        if name not in NOT_ZONES and not name.startswith(NOT_ZONE_FOLDERS)
    )


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
