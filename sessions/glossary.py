"""The sessions that wiki-links name, for the markdown pipeline's links (tracker/glossary.py)."""

from django.db.models import Case, CharField, QuerySet, Value, When
from django.db.models.functions import Cast

from sessions.models import Course, Session
from tracker.glossary import PUBLIC, Wanted


def sessions_named(wanted: Wanted) -> list[QuerySet]:
    """The sessions that exist among those named, with whether each one's course is public."""
    if not wanted.sessions:
        return []
    found = Session.objects.filter(
        course__slug__in={course for course, _ in wanted.sessions},
        number__in={number for _, number in wanted.sessions},
    )
    public = Case(
        When(course__visibility=Course.CourseVisibility.PUBLIC, then=Value(PUBLIC)),
        default=Value(""),
        output_field=CharField(),
    )
    number = Cast("number", output_field=CharField())
    return [found.values_list(Value("session"), "course__slug", number, public)]
