"""What an import would do, and doing it: one plan serves the preview (page and `dry_run`) and
the import, so the import does what the preview listed. Its fingerprint lets a confirmation
notice that the file or the course changed in between."""

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sessions import services
from sessions.calendars.export import LEGACY_UID_DOMAIN, OWN_UID
from sessions.calendars.reading import ImportedEvent, parse_calendar
from sessions.models import Course, Session


@dataclass
class ImportPlan:
    """What an import would do, shown as a preview before anything is saved."""

    course: Course
    to_create: list[ImportedEvent] = field(default_factory=list)
    to_update: list[tuple[Session, ImportedEvent]] = field(default_factory=list)
    unchanged: list[tuple[Session, ImportedEvent]] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        """Changes whenever the plan would do anything else."""
        lines = [f"create {_describe(event)}" for event in self.to_create]
        lines += [
            f"update {session.pk} {sorted(changes(session, event).items())}"
            for session, event in self.to_update
        ]
        lines += [f"keep {session.pk}" for session, _event in self.unchanged]
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32]


def _describe(event: ImportedEvent) -> str:
    return repr([*sorted(fields_of(event).items()), ("key", event.key)])


def plan_calendar(*, course: Course, text: bytes | str, now=None) -> ImportPlan:
    """The plan for an .ics document: what the preview lists and what the import does."""
    events = parse_calendar(text, zone_name=course.time_zone, now=now)
    return plan_import(course=course, events=events)


def plan_import(*, course: Course, events: list[ImportedEvent]) -> ImportPlan:
    """Matches each event to a session by UID and RECURRENCE-ID (or, for a feed of ours, by
    the session its UID names); raises ValidationError when two events want one session."""
    sessions = list(course.sessions.all())
    by_key = {(s.ical_uid, s.ical_recurrence_id): s for s in sessions if s.ical_uid}
    by_pk = {s.pk: s for s in sessions}
    plan = ImportPlan(course=course)
    claimed: dict[int, ImportedEvent] = {}
    problems = []
    keys = set()
    for event in events:
        if event.key in keys:  # parse_calendar gives each once; a caller's own list may not
            problems.append(f"{event.source}: another event has its UID and RECURRENCE-ID.")
        keys.add(event.key)
        session = by_key.get(event.key) or _own_session(event, by_pk)
        if session is None:
            plan.to_create.append(event)
            continue
        other = claimed.setdefault(session.pk, event)
        if other is not event:
            problems.append(
                f"{event.source}: it and {other.source} both stand for session {session.number}."
            )
        elif changes(session, event):
            plan.to_update.append((session, event))
        else:
            plan.unchanged.append((session, event))
    if problems:
        raise ValidationError({"file": problems})
    return plan


def _own_session(event: ImportedEvent, by_pk: dict[int, Session]) -> Session | None:
    """The session an event of one of our own feeds stands for (its UID names it)."""
    match = OWN_UID.fullmatch(event.uid)
    if event.recurrence_id or match is None:
        return None
    if match["domain"] not in {settings.CALENDAR_UID_DOMAIN, LEGACY_UID_DOMAIN}:
        return None
    return by_pk.get(int(match["pk"]))


def fields_of(event: ImportedEvent) -> dict:
    return {
        "title": event.title,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "location": event.location,
        "abstract": event.abstract,
        "status": Session.Status.CANCELLED if event.cancelled else None,
    }


def changes(session: Session, event: ImportedEvent) -> dict:
    wanted = fields_of(event)
    if wanted["status"] is None:  # an import never un-holds a held session
        wanted.pop("status")
    return {name: value for name, value in wanted.items() if getattr(session, name) != value}


def apply_import(plan: ImportPlan) -> ImportPlan:
    """Saves the plan, all or nothing; sessions are numbered in order of their start."""
    try:
        with transaction.atomic():
            for event in sorted(plan.to_create, key=lambda e: (e.starts_at, e.key)):
                fields = {k: v for k, v in fields_of(event).items() if v is not None}
                _save(
                    event,
                    services.session_create,
                    course=plan.course,
                    ical_uid=event.uid,
                    ical_recurrence_id=event.recurrence_id,
                    **fields,
                )
            for session, event in plan.to_update:
                _save(event, services.session_update, session=session, **changes(session, event))
    except IntegrityError:  # another import of the same events got there first
        raise ValidationError(
            {"file": "The course's sessions changed during the import; nothing was saved."}
        ) from None
    return plan


def _save(event: ImportedEvent, service, **arguments) -> None:
    try:
        service(**arguments)
    except ValidationError as error:
        raise ValidationError({"file": f"{event.source}: {' '.join(error.messages)}"}) from None
