"""Calendar feeds and imports (RFC 5545, through the icalendar library).

Events carry their course's time zone (TZID plus a VTIMEZONE), so a session keeps its local wall
time across daylight-saving changes. Public feeds never carry the online link or passcode.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.core.exceptions import ValidationError
from django.db import transaction

from sessions import services
from sessions.models import Course, Session
from tracker import bounds
from tracker.timezones import to_zone

PRODID = "-//Tracker//Course calendar//EN"
# Longer than any session; keeps an imported end far from the edge of what a date can hold.
LONGEST_EVENT = timedelta(days=366)
UID_DOMAIN = "tracker"


def session_uid(session: Session) -> str:
    """Stable across feeds and edits; an imported session keeps the UID it came with."""
    return session.ical_uid or f"session-{session.pk}@{UID_DOMAIN}"


def calendar_for(
    sessions: Iterable[Session], *, name: str, include_online: bool, absolute_url
) -> bytes:
    """An iCalendar document for the sessions (each with its course and speakers loaded).

    `absolute_url(path)` turns a site path into a full URL for each event's URL property.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for session in sessions:
        calendar.add_component(_event(session, include_online, absolute_url))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _event(session: Session, include_online: bool, absolute_url) -> icalendar.Event:
    course = session.course
    event = icalendar.Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", session.updated_at)
    event.add("dtstart", to_zone(session.starts_at, course.time_zone))
    event.add("dtend", to_zone(session.ends_at, course.time_zone))
    event.add("summary", f"{course.title} #{session.number}: {session.title}")
    event.add("status", "CANCELLED" if session.status == Session.Status.CANCELLED else "CONFIRMED")
    event.add("url", absolute_url(session.get_absolute_url()))
    location = session.location or course.default_location
    if location:
        event.add("location", location)
    event.add("description", _description(session, include_online))
    return event


def _description(session: Session, include_online: bool) -> str:
    parts = []
    speakers = [str(speaker) for speaker in session.speakers.all()]
    if speakers:
        parts.append("Speakers: " + "; ".join(speakers))
    if session.abstract:
        parts.append(session.abstract)
    online_url = session.effective_online_url
    if include_online and online_url:
        passcode = session.course.online_passcode
        parts.append(f"Online: {online_url}" + (f" (passcode {passcode})" if passcode else ""))
    return "\n\n".join(parts)


# Import


@dataclass
class ImportedEvent:
    uid: str
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str = ""
    abstract: str = ""
    cancelled: bool = False


@dataclass
class ImportPlan:
    """What an import would do, shown as a preview before anything is saved."""

    course: Course
    to_create: list[ImportedEvent] = field(default_factory=list)
    to_update: list[tuple[Session, ImportedEvent]] = field(default_factory=list)
    unchanged: list[tuple[Session, ImportedEvent]] = field(default_factory=list)


def parse_calendar(data: bytes | str, *, zone_name: str) -> list[ImportedEvent]:
    """The events of an .ics document; floating and all-day times are read in `zone_name`.

    Raises ValidationError naming the event when the file or an event cannot be used.
    """
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception as error:  # icalendar raises many kinds; each means a broken file
        raise ValidationError({"file": f"This is not an iCalendar file ({error})."}) from error
    zone = ZoneInfo(zone_name)
    events, problems = [], []
    for index, component in enumerate(calendar.walk("VEVENT"), start=1):
        try:
            events.append(_imported_event(component, zone))
        except ValueError as error:
            problems.append(f"Event {index} ({component.get('summary', 'untitled')}): {error}")
    if problems:
        raise ValidationError({"file": problems})
    if not events:
        raise ValidationError({"file": "The file has no events."})
    return events


def _imported_event(component, zone: ZoneInfo) -> ImportedEvent:
    uid = str(component.get("uid", "")).strip()
    if not uid:
        raise ValueError("it has no UID, so a second import could not recognise it")
    if component.get("dtstart") is None:
        raise ValueError("it has no start time")
    starts_at = _within_bounds(_aware(_decoded(component, "dtstart"), zone), "starts")
    if component.get("dtend") is not None:
        ends_at = _aware(_decoded(component, "dtend"), zone)
    elif component.get("duration") is not None:
        duration = _decoded(component, "duration")
        if not isinstance(duration, timedelta) or duration > LONGEST_EVENT:
            raise ValueError("its duration is not a length of time under a year")
        ends_at = starts_at + duration
    else:
        ends_at = starts_at + timedelta(hours=1)
    _within_bounds(ends_at, "ends")
    if ends_at <= starts_at:
        raise ValueError("it ends before it starts")
    return ImportedEvent(
        uid=uid[:255],
        title=str(component.get("summary", "")).strip()[:200] or "Untitled session",
        starts_at=starts_at,
        ends_at=ends_at,
        location=str(component.get("location", "")).strip()[:200],
        abstract=str(component.get("description", "")).strip(),
        cancelled=str(component.get("status", "")).upper() == "CANCELLED",
    )


def _decoded(component, name: str):
    """The property's value; icalendar raises many kinds of error for a malformed one (an
    AttributeError for a DTSTART given as a bare time), each a ValueError here."""
    try:
        return component.decoded(name)
    except Exception as error:  # any of them means this event cannot be read
        raise ValueError(f"its {name.upper()} cannot be read ({type(error).__name__})") from None


def _aware(value: date | datetime, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    if isinstance(value, date):  # an all-day event starts at local midnight
        return datetime.combine(value, time(0), tzinfo=zone)
    raise ValueError("its times are not dates or dates with times")


def _within_bounds(moment: datetime, verb: str) -> datetime:
    """The moment, when every page, feed and export can show it in any zone."""
    if not bounds.moment_in_range(moment):
        raise ValueError(
            f"it {verb} in the year {moment.year}; sessions take place between the years "
            f"{bounds.EARLIEST_YEAR} and {bounds.LATEST_YEAR}"
        )
    return moment


def plan_import(*, course: Course, events: list[ImportedEvent]) -> ImportPlan:
    by_uid = {s.ical_uid: s for s in course.sessions.exclude(ical_uid="")}
    # A feed we exported carries our own UIDs: match those sessions too.
    own = {f"session-{s.pk}@{UID_DOMAIN}": s for s in course.sessions.all()}
    plan = ImportPlan(course=course)
    for event in events:
        session = by_uid.get(event.uid) or own.get(event.uid)
        if session is None:
            plan.to_create.append(event)
        elif _changes(session, event):
            plan.to_update.append((session, event))
        else:
            plan.unchanged.append((session, event))
    return plan


def _fields(event: ImportedEvent) -> dict:
    return {
        "title": event.title,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "location": event.location,
        "abstract": event.abstract,
        "status": Session.Status.CANCELLED if event.cancelled else None,
    }


def _changes(session: Session, event: ImportedEvent) -> dict:
    wanted = _fields(event)
    if wanted["status"] is None:  # an import never un-holds a held session
        wanted.pop("status")
    return {name: value for name, value in wanted.items() if getattr(session, name) != value}


@transaction.atomic
def apply_import(plan: ImportPlan) -> ImportPlan:
    """Saves the plan, all or nothing."""
    for event in plan.to_create:
        fields = {k: v for k, v in _fields(event).items() if v is not None}
        services.session_create(course=plan.course, ical_uid=event.uid, **fields)
    for session, event in plan.to_update:
        services.session_update(session=session, **_changes(session, event))
    return plan
