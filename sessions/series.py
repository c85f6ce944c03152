"""Planning a series of sessions: the dates a recurrence gives, each turned into an instant at
the same wall-clock time where the course meets, checked before anything is stored.

The plan is what the preview shows and what sessions_create_series stores; its fingerprint
lets the confirmation notice when the course changed in between.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Max

from sessions.models import Course, Session
from tracker import bounds

MAX_SERIES = 52
# Recurrences people ask for; "dates" takes a list instead of a rule.
STEPS = {"weekly": timedelta(weeks=1), "fortnightly": timedelta(weeks=2), "daily": timedelta(1)}
NUMBER_PLACEHOLDER = "{n}"


@dataclass
class PlannedSession:
    number: int
    title: str
    starts_at: datetime  # aware, in the course's zone: what the preview shows
    ends_at: datetime
    location: str = ""
    online_url: str = ""
    collides_with: list[Session] = field(default_factory=list)
    problem: str = ""  # why it cannot be created; empty when it can

    def fields(self) -> dict:
        """The keyword arguments session_create takes for it."""
        return {
            "number": self.number,
            "title": self.title,
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            "location": self.location,
            "online_url": self.online_url,
        }


@dataclass
class SeriesPlan:
    course: Course
    sessions: list[PlannedSession]

    @property
    def problems(self) -> list[PlannedSession]:
        return [s for s in self.sessions if s.problem]

    @property
    def collisions(self) -> list[PlannedSession]:
        return [s for s in self.sessions if s.collides_with]

    @property
    def fingerprint(self) -> str:
        """Changes when anything shown in the preview would change, flags included."""
        parts = [
            f"{s.number}|{s.title}|{s.starts_at.astimezone(UTC).isoformat()}|"
            f"{s.ends_at.astimezone(UTC).isoformat()}|{s.location}|{s.online_url}|"
            f"{','.join(str(c.pk) for c in s.collides_with)}|{s.problem}"
            for s in self.sessions
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def series_dates(
    *, first: date | None, count: int, frequency: str, dates=(), skip=()
) -> list[date]:
    """The days of the series: `count` steps of the recurrence from `first`, passing over the
    skipped days (the series still has `count` sessions), or the listed `dates` in order."""
    skipped = set(skip)
    if frequency == "dates":
        return sorted(d for d in set(dates) if d not in skipped)
    step, day, days = STEPS[frequency], first, []
    while len(days) < count:
        if day not in skipped:
            days.append(day)
        day += step
    return days


def wall_time_problem(moment: datetime) -> str:
    """Why a wall-clock time cannot be meant unambiguously in its zone: one the clocks skip
    or one they pass twice. Empty when it is fine."""
    naive = moment.replace(tzinfo=None)
    if moment.astimezone(UTC).astimezone(moment.tzinfo).replace(tzinfo=None) != naive:
        return f"{moment:%H:%M} does not exist on {moment:%d %b %Y}: the clocks go forward."
    if moment.replace(fold=1).utcoffset() != moment.utcoffset():
        return f"{moment:%H:%M} happens twice on {moment:%d %b %Y}: the clocks go back."
    return ""


def plan_series(
    *,
    course: Course,
    days: list[date],
    start_time: time,
    duration: timedelta,
    title_pattern: str,
    location: str = "",
    online_url: str = "",
) -> SeriesPlan:
    """The sessions to create, numbered after the course's highest, each at `start_time`
    where the course meets (so a weekly 18:00 stays 18:00 when the clocks change) and lasting
    `duration` of real time. Two queries, whatever the length."""
    zone = ZoneInfo(course.time_zone)
    highest = course.sessions.aggregate(n=Max("number"))["n"] or 0
    planned = []
    for offset, day in enumerate(days, start=1):
        number = highest + offset
        starts_at = datetime.combine(day, start_time, tzinfo=zone)
        # Arithmetic on a zone-aware time moves the wall clock; the length is real time.
        ends_at = (starts_at.astimezone(UTC) + duration).astimezone(zone)
        session = PlannedSession(
            number=number,
            title=title_pattern.replace(NUMBER_PLACEHOLDER, str(number)),
            starts_at=starts_at,
            ends_at=ends_at,
            location=location,
            online_url=online_url,
        )
        if not (bounds.moment_in_range(starts_at) and bounds.moment_in_range(ends_at)):
            session.problem = bounds.MOMENT_MESSAGE
        elif number > bounds.MAX_SESSION_NUMBER:
            session.problem = f"A session's number is at most {bounds.MAX_SESSION_NUMBER:,}."
        else:
            session.problem = wall_time_problem(starts_at)
        planned.append(session)
    _flag_collisions(course, planned)
    return SeriesPlan(course=course, sessions=planned)


def _flag_collisions(course: Course, planned: list[PlannedSession]) -> None:
    """Marks each planned session that overlaps one of the course's (not cancelled) sessions."""
    in_range = [s for s in planned if not s.problem]
    if not in_range:
        return
    existing = list(
        course.sessions.exclude(status=Session.Status.CANCELLED)
        .filter(
            starts_at__lt=max(s.ends_at for s in in_range),
            ends_at__gt=min(s.starts_at for s in in_range),
        )
        .order_by("starts_at")
    )
    for session in in_range:
        session.collides_with = [
            other
            for other in existing
            if other.starts_at < session.ends_at and session.starts_at < other.ends_at
        ]
