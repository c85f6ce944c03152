"""Which sessions go into which calendar, and with what: the one place pages and API ask.

A course feed is for public courses only and never carries the online link; the personal feed
(found by its secret token) holds the courses its owner belongs to, online link included; a
single session's file carries the link only for the course's members.
"""

import re

from django.db.models import QuerySet
from django.http import Http404
from django.utils.text import slugify

from sessions import calendars, selectors
from sessions.models import Course, Session
from tracker.models import Profile

CONTENT_TYPE = "text/calendar; charset=utf-8"
# What new_calendar_token makes (URL-safe base64); anything else is no token of ours, and is
# never looked up (PostgreSQL refuses a NUL in the comparison).
_TOKEN = re.compile(r"[-_A-Za-z0-9]{1,64}")


def _with_details(sessions: QuerySet[Session]) -> QuerySet[Session]:
    return sessions.select_related("course").prefetch_related("speakers").order_by("starts_at")


def public_course(*, slug: str) -> Course:
    """The course when it is public (whoever asks); a members-only course is a 404 here."""
    return selectors.course_visible_to(None, slug=slug)


def course_feed(course: Course, *, absolute_url) -> bytes:
    sessions = _with_details(selectors.sessions_visible_to(None).filter(course=course))
    return calendars.calendar_for(
        sessions, name=course.title, include_online=False, absolute_url=absolute_url
    )


def personal_feed(*, token: str, absolute_url) -> bytes:
    """The sessions of every course the token's owner belongs to; Http404 for an unknown token."""
    if not _TOKEN.fullmatch(token):
        raise Http404("No such calendar.")
    profile = Profile.objects.select_related("user").filter(calendar_token=token).first()
    if profile is None:
        raise Http404("No such calendar.")
    user = profile.user
    sessions = selectors.sessions_visible_to(user).filter(
        course_id__in=selectors.member_course_ids(user=user)
    )
    return calendars.calendar_for(
        _with_details(sessions),
        name="My sessions",
        include_online=True,
        absolute_url=absolute_url,
    )


def session_file(session: Session, *, user, absolute_url) -> bytes:
    include_online = selectors.is_course_member(user=user, course=session.course)
    sessions = _with_details(Session.objects.filter(pk=session.pk))
    return calendars.calendar_for(
        sessions, name=session.title, include_online=include_online, absolute_url=absolute_url
    )


def file_name(text: str, extension: str) -> str:
    return f"{slugify(text)[:60] or 'calendar'}.{extension}"
