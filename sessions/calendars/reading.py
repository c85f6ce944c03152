"""Reading .ics files written by other tools (Google, Outlook, Thunderbird, Radicale, Apple) into
the events an import would turn into sessions.

- Recurring events (RRULE, RDATE, EXDATE, overrides by RECURRENCE-ID) are expanded by the
  recurring-ical-events library: each occurrence becomes its own event, keyed by UID plus
  RECURRENCE-ID (kept in UTC, so the key does not depend on how a file writes the zone). A
  series with an end (COUNT or UNTIL) is expanded whole; an open-ended one up to a year after
  today, or after its start when that is later. Each event gives at most MAX_OCCURRENCES.
- A cancelled occurrence (STATUS:CANCELLED) becomes a cancelled session, so the course's list
  shows that the meeting was called off; an excluded one (EXDATE) becomes nothing.
- Lengths are exact time: an event from 00:00 to 03:00 on the night clocks go back lasts four
  hours; a DURATION is added in elapsed time, and every occurrence of a series lasts what its
  first one does (RFC 5545, 3.8.5.3).
- An all-day event starts at local midnight in the course's zone and ends at the midnight after
  its last day (so a day when clocks change lasts 23 or 25 hours). Floating times are read in the
  calendar's X-WR-TIMEZONE (Google's header) if it has one, else in the course's zone. Windows
  zone names ("W. Europe Standard Time") are read as the zones they stand for.

Every problem is a ValidationError on "file" that names the event (its number, title, UID and
line) and says what is wrong; nothing a file holds raises anything else.
"""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import x_wr_timezone
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar.timezone import tzp

from sessions.calendars.occurrences import (
    LONGEST_EVENT,
    ImportedEvent,
    Length,
    Source,
    expand,
    instant,
    is_date,
    out_of_range,
    problem,
    recurrence_key,
    text_property,
    times,
)
from tracker import bounds

MAX_EVENTS = 2000  # per file, recurrences included
DEFAULT_LENGTH = timedelta(hours=1)  # an event with a start only
# Properties whose broken value (icalendar keeps those aside in `errors`) makes an event unusable.
TIME_PROPERTIES = ("DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")
_BEGIN_EVENT = re.compile(r"^BEGIN:VEVENT\s*$", re.IGNORECASE)


def parse_calendar(
    data: bytes | str, *, zone_name: str, now: datetime | None = None
) -> list[ImportedEvent]:
    """The events of an .ics document, recurrences expanded, in order of start.

    Floating and all-day times are read in `zone_name`; `now` places the end of open-ended
    series. Raises ValidationError naming each event that cannot be used.
    """
    text = _text(data)
    calendar = _standard(_calendar(text))
    zone = ZoneInfo(zone_name)
    lines = [number for number, line in enumerate(_lines(text), 1) if _BEGIN_EVENT.match(line)]
    components = calendar.walk("VEVENT")
    if len(lines) != len(components):
        lines = []  # events inside something else: name them without a line
    sources, problems = [], []
    for index, component in enumerate(components, start=1):
        line = lines[index - 1] if lines else None
        try:
            sources.append(_source(index, line, component, zone))
        except ValueError as error:
            title = text_property(component, "summary") or "untitled"
            uid = text_property(component, "uid")
            problems.append(problem(index, title, str(error), uid, line))
    if not problems and not sources:
        raise ValidationError({"file": "The file has no events."})
    problems += _repeated_uids(sources)
    if problems:
        raise ValidationError({"file": problems})
    events = expand(sources, zone, now or timezone.now())
    if len(events) > MAX_EVENTS:
        raise ValidationError(
            {"file": f"The file gives {len(events):,} sessions; an import takes {MAX_EVENTS:,}."}
        )
    return sorted(events, key=lambda event: (event.starts_at, event.uid))


def _text(data: bytes | str) -> str:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError({"file": "The file is not UTF-8 text."}) from None
    return data.removeprefix("\ufeff")  # a byte-order mark, as Windows tools write


def _lines(text: str) -> list[str]:
    return re.split(r"\r\n|\n|\r", text)


def _calendar(text: str) -> icalendar.Component:
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as error:  # icalendar raises many kinds; each means a broken file
        raise ValidationError({"file": f"This is not an iCalendar file ({error})."}) from None
    if not calendars:
        raise ValidationError({"file": "This is not an iCalendar file (no BEGIN:VCALENDAR)."})
    first, *others = calendars  # some tools write several calendars one after the other
    for other in others:
        for component in other.subcomponents:
            first.add_component(component)
    return first


def _standard(calendar: icalendar.Component) -> icalendar.Component:
    """The calendar with Google's X-WR-TIMEZONE applied to its floating and UTC times, so a
    weekly event written in UTC keeps its local time across daylight-saving changes."""
    name = text_property(calendar, "x-wr-timezone")
    if not name:
        return calendar
    zone = tzp.timezone(name)  # also reads Windows names
    if not isinstance(zone, ZoneInfo):
        raise ValidationError({"file": f"The calendar's X-WR-TIMEZONE ({name}) is not a zone."})
    calendar["X-WR-TIMEZONE"] = zone.key
    try:
        return x_wr_timezone.to_standard(calendar)
    except Exception as error:  # any failure to convert is the file's
        raise ValidationError(
            {"file": f"The calendar's times cannot be read in {name} ({error})."}
        ) from None


def _source(index: int, line: int | None, component, zone: ZoneInfo) -> Source:
    uid = text_property(component, "uid")
    title = text_property(component, "summary")[:200] or "Untitled session"
    for name, message in component.errors:
        if (name or "").upper() in TIME_PROPERTIES:
            raise ValueError(f"its {name.upper()} cannot be read ({message})")
    if not uid:
        raise ValueError("it has no UID, so a second import could not recognise it")
    start = _single(component, "DTSTART")
    if start is None:
        raise ValueError("it has no start time (DTSTART)")
    starts_at = instant(start, zone, "DTSTART")
    all_day = is_date(start.dt)
    if all_day and not bounds.moment_in_range(starts_at):
        raise ValueError(out_of_range(starts_at, "starts"))
    length = _length(component, start, starts_at, zone, all_day)
    rrules = _many(component, "RRULE")
    for rule in rrules:
        if not rule.get("FREQ"):
            raise ValueError(f"its RRULE ({rule.to_ical().decode()[:60]}) has no FREQ")
    recurrence = _single(component, "RECURRENCE-ID")
    times(start.dt, length, zone, "it")  # the first occurrence must fit too
    return Source(
        index=index,
        line=line,
        component=component,
        uid=uid[:255],
        title=title,
        recurrence_id=recurrence_key(recurrence.dt, zone) if recurrence is not None else "",
        recurring=bool(rrules or _many(component, "RDATE")),
        open_ended=any("COUNT" not in rule and "UNTIL" not in rule for rule in rrules),
        length=length,
        starts_at=starts_at,
    )


def _single(component, name: str):
    value = component.get(name)
    if isinstance(value, list):
        raise ValueError(f"it has {len(value)} {name} lines; an event has one")
    return value


def _many(component, name: str) -> list:
    value = component.get(name)
    return [] if value is None else value if isinstance(value, list) else [value]


def _length(component, start, starts_at: datetime, zone: ZoneInfo, all_day: bool) -> Length:
    end, duration = _single(component, "DTEND"), _single(component, "DURATION")
    if end is not None:
        if all_day and is_date(end.dt):
            length = Length(days=(end.dt - start.dt).days)
        else:
            ends_at = instant(end, zone, "DTEND")
            for moment, verb in ((starts_at, "starts"), (ends_at, "ends")):
                if not bounds.moment_in_range(moment):
                    raise ValueError(out_of_range(moment, verb))
            # In UTC: Python subtracts two times of one zone as wall times.
            length = Length(exact=ends_at.astimezone(UTC) - starts_at.astimezone(UTC))
    elif duration is not None:
        if not isinstance(duration.dt, timedelta):
            raise ValueError("its DURATION is not a length of time")
        whole_days = duration.dt % timedelta(days=1) == timedelta(0)
        length = (
            Length(days=duration.dt.days) if all_day and whole_days else Length(exact=duration.dt)
        )
    else:
        length = Length(days=1) if all_day else Length(exact=DEFAULT_LENGTH)
    if length.days <= 0 and length.exact <= timedelta(0):
        raise ValueError("it ends before it starts")
    if timedelta(days=length.days) + length.exact > LONGEST_EVENT:
        raise ValueError("it lasts longer than a year")
    return length


def _repeated_uids(sources: list[Source]) -> list[str]:
    seen: dict[tuple[str, str], Source] = {}
    problems = []
    for source in sources:
        first = seen.setdefault((source.uid, source.recurrence_id), source)
        if first is not source:
            what = "UID" if not source.recurrence_id else "UID and RECURRENCE-ID"
            problems.append(
                source.problem(
                    f"event {first.index} has the same {what}, so a second import could not "
                    "tell them apart"
                )
            )
    return problems
