"""Calendar feeds (RFC 5545, through the icalendar library).

Events carry their course's time zone (TZID plus a VTIMEZONE made from the zone database for
the span of the feed), so a session keeps its local wall time across daylight-saving changes.
Public feeds never carry the online link or passcode.
"""

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

import icalendar
from django.conf import settings

from sessions.models import Session
from tracker.timezones import to_zone

PRODID = "-//Tracker//Course calendar//EN"
# What this site (and, before the UIDs carried the site's domain, every site) wrote as UIDs.
OWN_UID = re.compile(r"session-(?P<pk>[1-9][0-9]{0,17})@(?P<domain>.+)")
LEGACY_UID_DOMAIN = "tracker"


def generated_uid(session: Session) -> str:
    return f"session-{session.pk}@{settings.CALENDAR_UID_DOMAIN}"


def session_uid(session: Session) -> str:
    """Stable across feeds and edits, and unique across sites (the domain is the site's).

    A session imported from a single event of another calendar keeps that event's UID, so
    people who have both calendars see one event and feeds written before keep theirs. An
    occurrence of a recurring event, or a session imported from one of our own feeds (whose UID
    names another session), gets its own: a UID shared by two events in one feed would merge them.
    """
    uid = session.ical_uid
    if uid and not session.ical_recurrence_id and not OWN_UID.fullmatch(uid):
        return uid
    return generated_uid(session)


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
    first = last = None
    for session in sessions:
        calendar.add_component(_event(session, include_online, absolute_url))
        first = min(first or session.starts_at, session.starts_at)
        last = max(last or session.ends_at, session.ends_at)
    if first is not None:
        # The zone database's rules for every day the feed holds (icalendar's default covers
        # 1970-2038 only); a day's margin covers the furthest offsets from UTC.
        calendar.add_missing_timezones(
            first_date=_day(first) - timedelta(days=2), last_date=_day(last) + timedelta(days=2)
        )
        _one_rdate_per_line(calendar)
    return calendar.to_ical()


def _one_rdate_per_line(calendar: icalendar.Calendar) -> None:
    """icalendar lists a zone's transitions as one comma-separated RDATE; some readers (vobject
    among them) then get winter times wrong, while one RDATE a line reads right everywhere."""
    for observance in calendar.walk("STANDARD") + calendar.walk("DAYLIGHT"):
        listed = observance.pop("RDATE", None)
        for value in listed if isinstance(listed, list) else [listed] if listed else []:
            for moment in value.dts:
                observance.add("RDATE", moment.dt)


def _day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def _event(session: Session, include_online: bool, absolute_url) -> icalendar.Event:
    course = session.course
    event = icalendar.Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", session.updated_at)
    event.add("dtstart", wall_time_or_utc(session.starts_at, course.time_zone))
    event.add("dtend", wall_time_or_utc(session.ends_at, course.time_zone))
    event.add("summary", f"{course.title} #{session.number}: {session.title}")
    event.add("status", "CANCELLED" if session.status == Session.Status.CANCELLED else "CONFIRMED")
    event.add("url", absolute_url(session.get_absolute_url()))
    location = session.location or course.default_location
    if location:
        event.add("location", location)
    event.add("description", _description(session, include_online))
    return event


def wall_time_or_utc(moment: datetime, zone_name: str) -> datetime:
    """The moment as wall time in the zone, unless a reader would take that wall time for
    another instant: RFC 5545 reads a wall time that occurs twice (the hour repeated when clocks
    go back) as its first occurrence, so a session in the second one is written in UTC."""
    local = to_zone(moment, zone_name)
    if local.replace(fold=0).astimezone(UTC) != moment.astimezone(UTC):
        return moment.astimezone(UTC)
    return local


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
