"""What an event of a calendar file is, and the occurrences it gives: a single event gives
itself; a recurring one (RRULE, RDATE, EXDATE, overrides by RECURRENCE-ID) is expanded by the
recurring-ical-events library. A series with an end (COUNT or UNTIL) is expanded whole, an
open-ended one up to a year after today (or after its start, when that is later); each event
gives at most MAX_OCCURRENCES. Times are kept in UTC, lengths in exact time (see reading.py).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from django.core.exceptions import ValidationError

from tracker import bounds

MAX_OCCURRENCES = 500  # per event of the file
OPEN_ENDED_HORIZON = timedelta(days=366)
LONGEST_EVENT = timedelta(days=366)


@dataclass(frozen=True)
class ImportedEvent:
    uid: str
    title: str
    starts_at: datetime  # in UTC
    ends_at: datetime
    recurrence_id: str = ""  # the occurrence of a recurring event; empty for a single event
    location: str = ""
    abstract: str = ""
    cancelled: bool = False
    all_day: bool = False
    source: str = ""  # "Event 3 (Title)": names it in a message

    @property
    def key(self) -> tuple[str, str]:
        return (self.uid, self.recurrence_id)


@dataclass(frozen=True)
class Length:
    """How long an event lasts: whole days for an all-day event, else exact time."""

    days: int = 0
    exact: timedelta = timedelta(0)


@dataclass
class Source:
    """One VEVENT of the file, checked."""

    index: int
    line: int | None
    component: icalendar.Event
    uid: str
    title: str
    recurrence_id: str
    recurring: bool  # has RRULE or RDATE
    open_ended: bool  # an RRULE with neither COUNT nor UNTIL
    length: Length
    starts_at: datetime

    def problem(self, text: str) -> str:
        return problem(self.index, self.title, text, self.uid, self.line)


def problem(index: int, title: str, text: str, uid: str = "", line: int | None = None) -> str:
    where = ", ".join(part for part in (f"UID {uid}" if uid else "", _at(line)) if part)
    return f"Event {index} ({title}): {text}" + (f" ({where})." if where else ".")


def _at(line: int | None) -> str:
    return f"line {line}" if line else ""


def text_property(component, name: str) -> str:
    value = component.get(name)
    if isinstance(value, list):  # a tool that repeats SUMMARY: the first counts
        value = value[0] if value else ""
    return str(value or "").strip()


def is_date(value) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def instant(prop, zone: ZoneInfo, name: str) -> datetime:
    """The aware moment a DTSTART or DTEND stands for (not yet converted: a year far out of
    range cannot be)."""
    value = prop.dt
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value
        tzid = prop.params.get("TZID")
        if tzid:
            raise ValueError(
                f"its {name} is in the time zone {tzid!r}, which is neither a zone we know nor "
                "described in the file (VTIMEZONE)"
            )
        return value.replace(tzinfo=zone)  # a floating time: the course's wall time
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=zone)
    raise ValueError(f"its {name} is not a date or a date with a time")


def times(value, length: Length, zone: ZoneInfo, what: str) -> tuple[datetime, datetime]:
    """An occurrence's start and end in UTC, given its start as the file writes it."""
    if is_date(value):
        starts_at = datetime.combine(value, time(0), tzinfo=zone)
    else:
        starts_at = value if value.tzinfo is not None else value.replace(tzinfo=zone)
    if not bounds.moment_in_range(starts_at):
        raise ValueError(out_of_range(starts_at, "starts", what))
    if length.days:  # all-day: to the midnight after its last day, however long that day is
        ends_at = datetime.combine(value + timedelta(days=length.days), time(0), tzinfo=zone)
    else:  # exact time, added in UTC (a zone's times add as wall times)
        ends_at = starts_at.astimezone(UTC) + length.exact
    if not bounds.moment_in_range(ends_at):
        raise ValueError(out_of_range(ends_at, "ends", what))
    return starts_at.astimezone(UTC), ends_at.astimezone(UTC)


def out_of_range(moment: datetime, verb: str, what: str = "it") -> str:
    return (
        f"{what} {verb} in the year {moment.year}; sessions take place between the years "
        f"{bounds.EARLIEST_YEAR} and {bounds.LATEST_YEAR}"
    )


def recurrence_key(value, zone: ZoneInfo) -> str:
    """A RECURRENCE-ID as the import stores it: UTC for a time, the day for an all-day event."""
    if is_date(value):
        return f"{value.year:04d}{value.month:02d}{value.day:02d}"
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    if not bounds.moment_in_range(value):
        raise ValueError(f"its RECURRENCE-ID {out_of_range(value, 'lies')[3:]}")
    value = value.astimezone(UTC)
    return f"{value.year:04d}{value.month:02d}{value.day:02d}T{value:%H%M%S}Z"


class EventProblem(ValueError):
    """A problem already named for its event."""


def expand(sources: list[Source], zone: ZoneInfo, now: datetime) -> list[ImportedEvent]:
    by_uid: dict[str, list[Source]] = {}
    for source in sources:
        by_uid.setdefault(source.uid, []).append(source)
    events, problems = [], []
    for group in by_uid.values():
        try:
            if len(group) == 1 and not group[0].recurring and not group[0].recurrence_id:
                events.append(_event(group[0], group[0].component, "", zone))
            else:
                events += _occurrences(group, zone, now)
        except EventProblem as error:
            problems.append(str(error))
        except Exception as error:  # the library raises many kinds for a rule it cannot follow
            problems.append(group[0].problem(f"its recurrence cannot be followed ({error})"))
    if problems:
        raise ValidationError({"file": problems})
    return events


def _occurrences(group: list[Source], zone: ZoneInfo, now: datetime) -> list[ImportedEvent]:
    """Every occurrence of one UID's series, overrides applied, exclusions left out."""
    master = next((s for s in group if not s.recurrence_id), group[0])
    open_ended = any(s.open_ended for s in group)
    horizon = min(bounds.LATEST_MOMENT, max(now, master.starts_at) + OPEN_ENDED_HORIZON)
    calendar = icalendar.Calendar()
    for source in group:
        calendar.add_component(source.component)
    # An override may move its occurrence a little before the series' start.
    earliest = max(min(s.starts_at for s in group) - LONGEST_EVENT, bounds.EARLIEST_MOMENT)
    events = []
    overrides = {s.recurrence_id: s for s in group if s.recurrence_id}
    query = recurring_ical_events.of(calendar)
    seen = set()
    for occurrence in query.after(earliest.astimezone(UTC).replace(tzinfo=None)):
        start = instant(occurrence["DTSTART"], zone, "DTSTART")
        if open_ended and start > horizon:
            break
        if not bounds.moment_in_range(start):
            what = f"its occurrence of {_local(occurrence['DTSTART'].dt, zone)}"
            raise EventProblem(master.problem(out_of_range(start, "starts", what)))
        if len(events) == MAX_OCCURRENCES:
            until = f" before {horizon:%Y-%m-%d}" if open_ended else ""
            raise EventProblem(
                master.problem(
                    f"it repeats more than {MAX_OCCURRENCES} times{until}; an import takes "
                    f"{MAX_OCCURRENCES} sessions of one event (give its RRULE an earlier UNTIL "
                    "or a smaller COUNT)"
                )
            )
        try:
            recurrence_id = recurrence_key(occurrence["RECURRENCE-ID"].dt, zone)
        except ValueError as error:
            raise EventProblem(master.problem(str(error))) from None
        if recurrence_id in seen:  # a wall time a zone skipped is the instant after the gap
            continue
        seen.add(recurrence_id)
        source = overrides.get(recurrence_id, master)
        events.append(_event(source, occurrence, recurrence_id, zone))
    return events


def _event(source: Source, occurrence, recurrence_id: str, zone: ZoneInfo) -> ImportedEvent:
    start = occurrence["DTSTART"].dt
    what = f"its occurrence of {_local(start, zone)}" if recurrence_id else "it"
    try:
        starts_at, ends_at = times(start, source.length, zone, what)
    except ValueError as error:
        raise EventProblem(source.problem(str(error))) from None
    return ImportedEvent(
        uid=source.uid,
        title=text_property(occurrence, "summary")[:200] or "Untitled session",
        starts_at=starts_at,
        ends_at=ends_at,
        recurrence_id=recurrence_id,
        location=text_property(occurrence, "location")[:200],
        abstract=text_property(occurrence, "description"),
        cancelled=text_property(occurrence, "status").upper() == "CANCELLED",
        all_day=is_date(start),
        source=f"Event {source.index} ({source.title})",
    )


def _local(value, zone: ZoneInfo) -> str:
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(zone) if bounds.moment_in_range(value) else value
    return (
        value.isoformat(sep=" ", timespec="minutes") if isinstance(value, datetime) else str(value)
    )
