"""Writes for courses, sessions, attendance and reflections. Each runs in one transaction and
validates first, so bad input raises a ValidationError naming the field and stores nothing."""

import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from sessions.models import (
    INVITATION_LIFETIME,
    AgendaItem,
    Attendance,
    Course,
    CourseInvitation,
    Membership,
    Reflection,
    Session,
    SessionReading,
    Speaker,
)
from sessions.series import MAX_SERIES
from tracker.concurrency import apply_changes, check_version, locked, save_changed
from tracker.markdown import render_markdown
from tracker.markdown_refresh import refresh_session_links
from tracker.validation import only_fields, save_validated

COURSE_FIELDS = {
    "title",
    "kind",
    "description",
    "time_zone",
    "default_location",
    "online_url",
    "online_passcode",
    "visibility",
}
SESSION_FIELDS = {
    "title",
    "starts_at",
    "ends_at",
    "location",
    "online_url",
    "abstract",
    "recording_url",
    "status",
    "ical_uid",
    "ical_recurrence_id",
}


@transaction.atomic
def course_create(*, slug: str, title: str, organizer: User | None = None, **fields: Any) -> Course:
    course = Course(slug=slug, title=title, **only_fields(fields, COURSE_FIELDS))
    course.description_html = render_markdown(course.description, course_slug=course.slug)
    save_validated(course)
    if organizer is not None:
        membership_set(course=course, user=organizer, role=Membership.Role.ORGANIZER)
    return course


@transaction.atomic
def course_update(*, course: Course, **fields: Any) -> Course:
    """Changes only the given fields, on the row as committed now (see tracker/concurrency)."""
    course = locked(course)
    visibility_before = course.visibility
    changed = apply_changes(course, only_fields(fields, COURSE_FIELDS))
    if "description" in fields:
        course.description_html = render_markdown(course.description, course_slug=course.slug)
        changed.append("description_html")
    save_changed(course, changed)
    if course.visibility != visibility_before:
        refresh_session_links(course=course)  # links to its sessions appear or go
    return course


@transaction.atomic
def membership_set(*, course: Course, user: User, role: str = Membership.Role.MEMBER) -> Membership:
    membership, _ = Membership.objects.get_or_create(course=course, user=user)
    membership = locked(membership)
    if membership.role != role:
        membership.role = role
        save_changed(membership, ["role"])
    return membership


@transaction.atomic
def session_create(
    *,
    course: Course,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    number: int | None = None,
    speakers: Iterable[dict] = (),
    agenda: Iterable[dict] = (),
    readings: Iterable[dict] = (),
    **fields: Any,
) -> Session:
    """A session with its speakers, agenda and readings, all or nothing.

    Left out, the number is the next after the course's highest (Session.save); the course row
    is locked meanwhile, so two organizers adding sessions at once do not pick the same one.
    """
    Course.objects.select_for_update().filter(pk=course.pk).first()
    session = Session(
        course=course,
        number=number,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        **only_fields(fields, SESSION_FIELDS),
    )
    session.abstract_html = render_markdown(session.abstract, course_slug=course.slug)
    save_validated(session)
    _replace_children(session, speakers=speakers, agenda=agenda, readings=readings)
    refresh_session_links(course=course, linked=False)  # [[Session N]] written before links
    return session


@transaction.atomic
def session_update(
    *,
    session: Session,
    speakers: Iterable[dict] | None = None,
    agenda: Iterable[dict] | None = None,
    readings: Iterable[dict] | None = None,
    **fields: Any,
) -> Session:
    """Changes the given fields; a given list of speakers, agenda or readings replaces the old."""
    session = locked(session)
    number_before = session.number
    changed = apply_changes(session, only_fields(fields, SESSION_FIELDS | {"number"}))
    if "abstract" in fields:
        session.abstract_html = render_markdown(session.abstract, course_slug=session.course.slug)
        changed.append("abstract_html")
    save_changed(session, changed)
    if session.number != number_before:
        refresh_session_links(course=session.course)
    _replace_children(session, speakers=speakers, agenda=agenda, readings=readings)
    return session


def _replace_children(session: Session, *, speakers, agenda, readings) -> None:
    if speakers is not None:
        session.speakers.all().delete()
        for position, speaker in enumerate(speakers):
            save_validated(Speaker(session=session, position=position, **speaker))
    if agenda is not None:
        session.agenda_items.all().delete()
        for position, item in enumerate(agenda):
            save_validated(AgendaItem(session=session, position=position, **item))
    if readings is not None:
        session.session_readings.all().delete()
        for position, attached in enumerate(readings):
            save_validated(SessionReading(session=session, position=position, **attached))


def attendance_mark(*, user: User, session: Session, attended: bool = True) -> Attendance | None:
    """Records (or, with attended=False, removes) the user's attendance; returns the record.
    Nobody attends a session before it starts, or one that was cancelled."""
    if attended:
        if not session.has_started:
            raise ValidationError({"session": "You can say you attended once the session starts."})
        if session.status == Session.Status.CANCELLED:
            raise ValidationError({"session": "This session was cancelled."})
        return Attendance.objects.get_or_create(user=user, session=session)[0]
    Attendance.objects.filter(user=user, session=session).delete()
    return None


@transaction.atomic
def reflection_save(
    *,
    author: User,
    session: Session,
    body: str,
    visibility: str,
    covers_until: Session | None = None,
    version: int | None = None,
) -> Reflection:
    """Create or update the author's reflection on the session; renders its markdown once.
    `version`, when given, is the one the editor started from (0: none yet; EditConflict if
    stale). The session row is locked first, so two first saves at once are one create and one
    conflict, not an integrity error."""
    Session.objects.select_for_update(no_key=True).filter(pk=session.pk).first()
    existing = Reflection.objects.filter(author=author, session=session).first()
    if existing is None:
        reflection = Reflection(author=author, session=session, body=body, visibility=visibility)
        reflection.covers_until = covers_until
        reflection.body_html = render_markdown(body, course_slug=session.course.slug)
        return save_validated(reflection)
    return reflection_update(
        reflection=existing,
        version=version,
        body=body,
        visibility=visibility,
        covers_until=covers_until,
    )


REFLECTION_FIELDS = {"body", "visibility", "covers_until"}


@transaction.atomic
def reflection_update(
    *, reflection: Reflection, version: int | None = None, **fields: Any
) -> Reflection:
    """Changes only the given fields of the reflection as saved now; with `version`, only if
    nobody saved since the editor loaded that version (EditConflict otherwise)."""
    reflection = locked(reflection)
    check_version(reflection, version)
    changed = apply_changes(reflection, only_fields(fields, REFLECTION_FIELDS))
    if "body" in fields:
        reflection.body_html = render_markdown(
            reflection.body, course_slug=reflection.session.course.slug
        )
        changed.append("body_html")
    return save_changed(reflection, changed, bump_version=True)


@transaction.atomic
def course_delete(*, course: Course) -> None:
    course.delete()
    refresh_session_links(course=course)


@transaction.atomic
def membership_add(*, course: Course, user: User, role: str = Membership.Role.MEMBER) -> Membership:
    """Adds a new member; someone who already belongs is an error, not a silent role change."""
    if Membership.objects.filter(course=course, user=user).exists():
        raise ValidationError({"user": f"{user.get_username()} already belongs to this course."})
    return save_validated(Membership(course=course, user=user, role=role))


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    membership = locked(membership)
    if role != Membership.Role.ORGANIZER:
        _keep_an_organizer(membership)
    membership.role = role
    return save_changed(membership, ["role"])


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    _keep_an_organizer(membership)
    membership.delete()


def _keep_an_organizer(membership: Membership) -> None:
    """A course always keeps one organizer, or nobody could change it again."""
    if membership.role != Membership.Role.ORGANIZER:
        return
    organizers = Membership.objects.select_for_update().filter(
        course_id=membership.course_id, role=Membership.Role.ORGANIZER
    )
    if not organizers.exclude(pk=membership.pk).exists():
        raise ValidationError({"role": "A course needs at least one organizer."})


@transaction.atomic
def session_delete(*, session: Session) -> None:
    course = session.course
    session.delete()
    refresh_session_links(course=course)


@transaction.atomic
def reflection_create(
    *,
    author: User,
    session: Session,
    body: str,
    visibility: str,
    covers_until: Session | None = None,
) -> Reflection:
    """A new reflection; one already on the session is changed with reflection_save instead."""
    if Reflection.objects.filter(author=author, session=session).exists():
        raise ValidationError({"session": "You already have a reflection on this session."})
    return reflection_save(
        author=author,
        session=session,
        body=body,
        visibility=visibility,
        covers_until=covers_until,
    )


@transaction.atomic
def reflection_delete(*, reflection: Reflection) -> None:
    reflection.delete()


# Invitations: a link an organizer sends; whoever holds it signs in and joins with its role.


@transaction.atomic
def invitation_create(
    *, course: Course, email: str, role: str, created_by: User
) -> CourseInvitation:
    """An open invitation with a random token. An address with an open one already, or whose
    account already belongs, is an error; an expired one is closed to make way for the new."""
    Course.objects.select_for_update().filter(pk=course.pk).first()  # one invitation at a time
    if Membership.objects.filter(course=course, user__email__iexact=email).exists():
        raise ValidationError({"email": f"Someone with {email} already belongs to this course."})
    now = timezone.now()
    unanswered = CourseInvitation.objects.filter(
        course=course, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    )
    if unanswered.filter(expires_at__gt=now).exists():
        raise ValidationError(
            {"email": f"{email} already has an open invitation; revoke it to send a new one."}
        )
    unanswered.update(revoked_at=now)
    invitation = CourseInvitation(
        course=course,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        created_by=created_by,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    return save_validated(invitation)


def invitation_send(*, invitation: CourseInvitation, link: str) -> None:
    """Emails the link to the invited address (EMAIL_URL; the console in development)."""
    context = {"invitation": invitation, "link": link}
    send_mail(
        subject=f"Invitation to {invitation.course.title}",
        message=render_to_string("sessions/invitation_email.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


@transaction.atomic
def invitation_accept(*, invitation: CourseInvitation, user: User) -> Membership:
    """Makes the user a member with the invitation's role and closes it. The link is the
    credential: it need not be the account the address belongs to. Someone who already
    belongs is refused and the invitation stays open for the person it was meant for."""
    invitation = locked(invitation)
    if invitation.state != "open":
        raise ValidationError({"token": INVITATION_CLOSED[invitation.state]})
    membership = membership_add(course=invitation.course, user=user, role=invitation.role)
    invitation.accepted_by, invitation.accepted_at = user, timezone.now()
    save_changed(invitation, ["accepted_by", "accepted_at"])
    return membership


INVITATION_CLOSED = {
    "accepted": "This invitation has already been used.",
    "revoked": "This invitation was withdrawn by an organizer.",
    "expired": "This invitation has expired.",
}


@transaction.atomic
def invitation_revoke(*, invitation: CourseInvitation) -> CourseInvitation:
    invitation = locked(invitation)
    if invitation.accepted_at is not None:
        raise ValidationError({"token": INVITATION_CLOSED["accepted"]})
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        save_changed(invitation, ["revoked_at"])
    return invitation


@transaction.atomic
def sessions_create_series(*, course: Course, sessions: Sequence[dict]) -> list[Session]:
    """Several sessions at once (sessions/series.py plans them), each through session_create,
    all or none: the first that cannot be stored raises a ValidationError naming it, and the
    ones before it are rolled back."""
    if not 1 <= len(sessions) <= MAX_SERIES:
        raise ValidationError(f"A series has between 1 and {MAX_SERIES} sessions.")
    Course.objects.select_for_update().filter(pk=course.pk).first()
    created = []
    for fields in sessions:
        try:
            created.append(session_create(course=course, **fields))
        except ValidationError as error:
            label = f"Session {fields.get('number') or len(created) + 1} ({fields['title']})"
            raise ValidationError(f"{label}: {' '.join(error.messages)}") from error
    return created
