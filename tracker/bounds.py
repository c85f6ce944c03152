"""The one definition of the dates and numbers the site stores and shows.

Every entry (API, forms, calendar and bibliography imports, and the models' clean()) checks
against these. A moment between 1900 and 2200 stays far inside what Python's datetime, PostgreSQL,
SQLite, icalendar and strftime handle in every time zone (offsets reach +14 and -12 hours), so
no stored row can make a list, feed or export fail to render.
"""

from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

# Session times.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200
EARLIEST_MOMENT = datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC)
LATEST_MOMENT = datetime(LATEST_YEAR + 1, 1, 1, tzinfo=UTC) - timedelta(microseconds=1)
MOMENT_MESSAGE = f"Give a time between the years {EARLIEST_YEAR} and {LATEST_YEAR}."

# When a reading came out (its year, or the day it was published).
EARLIEST_PUBLICATION_YEAR, LATEST_PUBLICATION_YEAR = 1000, 2100
PUBLICATION_MESSAGE = (
    f"Give a year between {EARLIEST_PUBLICATION_YEAR} and {LATEST_PUBLICATION_YEAR}."
)

# A reading's length (audio and video): about 115 days.
MAX_DURATION = timedelta(seconds=10_000_000)

# A session's number: far beyond any course, and far below the integer column's limit, so the
# next number (the highest plus one) always fits.
MAX_SESSION_NUMBER = 100_000

# PostgreSQL's integer; larger numbers would overflow the column rather than fail validation.
MAX_INTEGER = 2_147_483_647


def moment_in_range(value: datetime) -> bool:
    """Whether an aware time lies within the years above, in UTC. Comparing aware datetimes
    never converts them, so this is safe for any value, even year 1 at +14:00."""
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)  # a naive time is read as UTC, where it is checked
    return EARLIEST_MOMENT <= value <= LATEST_MOMENT


def validate_moment(value: datetime) -> None:
    if value is not None and not moment_in_range(value):
        raise ValidationError(MOMENT_MESSAGE, code="range")


def publication_year_in_range(year: int) -> bool:
    return EARLIEST_PUBLICATION_YEAR <= year <= LATEST_PUBLICATION_YEAR


def validate_publication_date(value: date) -> None:
    if value is not None and not publication_year_in_range(value.year):
        raise ValidationError(PUBLICATION_MESSAGE, code="range")
