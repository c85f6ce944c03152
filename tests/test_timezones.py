"""Only real IANA zones may be chosen: not the files that share their folder."""

import pytest
from django.core.exceptions import ValidationError

from tracker.timezones import available_time_zones, validate_time_zone


@pytest.mark.parametrize("name", ["localtime", "posixrules", "Factory", "right/UTC", "Mars/Base"])
def test_a_file_of_the_zone_folder_is_no_time_zone(name):
    assert name not in available_time_zones()
    with pytest.raises(ValidationError, match="is not a known IANA time zone"):
        validate_time_zone(name)


@pytest.mark.parametrize("name", ["UTC", "Pacific/Kiritimati", "Etc/GMT+12", "Australia/Sydney"])
def test_real_zones_are_offered(name):
    assert name in available_time_zones()
    validate_time_zone(name)
