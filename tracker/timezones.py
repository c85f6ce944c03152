"""The one time-zone helper: validation and conversion to a zone's wall time."""

import zoneinfo
from datetime import datetime
from functools import cache
from importlib import resources

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


# The regions of the zones offered in lists. The other names among the ~600 are legacy aliases
# ("US/Pacific", "W-SU", "GB") and fixed offsets ("Etc/GMT+5"): still accepted, since a
# calendar or an old profile may carry one, but not offered in a list people pick from.
REGIONS = (
    "Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian",
    "Pacific",
)  # fmt: skip


@cache
def time_zone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Canonical zones grouped by region, each labelled by its place ("Argentina / Buenos
    Aires"), for a select's optgroups; UTC first."""
    by_region: dict[str, list[tuple[str, str]]] = {region: [] for region in REGIONS}
    for name in _zones_people_live_in():
        region, _, place = name.partition("/")
        if region in by_region and place:
            by_region[region].append((name, place.replace("_", " ").replace("/", " / ")))
    groups = [("", [("UTC", "UTC")])]
    groups += [(region, sorted(zones, key=lambda z: z[1])) for region, zones in by_region.items()]
    return groups


def _zones_people_live_in() -> set[str]:
    """tzdata's zone.tab: one zone per region of each country, without the backward-compatible
    links ("Australia/ACT", "Asia/Calcutta") that fill the rest of the names."""
    try:
        table = (resources.files("tzdata.zoneinfo") / "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # no tzdata package: offer every name
        return set(available_time_zones())
    listed = {
        line.split("\t")[2] for line in table.splitlines() if line and not line.startswith("#")
    }
    return listed & available_time_zones()


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
