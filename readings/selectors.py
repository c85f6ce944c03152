"""Reads for readings, highlights, glossary terms and notes, with visibility decided once."""

from django.db.models import CharField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value

from readings.models import (
    GlossaryTerm,
    Highlight,
    Note,
    Reading,
    ReadingAuthor,
    ReadingStatus,
    TermName,
    TermRevision,
)
from sessions.selectors import member_course_ids, sessions_visible_to
from tracker.visibility import Visibility


def readings_with_details() -> QuerySet[Reading]:
    """The shared library (every reading is visible to everyone) with authors and tags loaded."""
    return Reading.objects.prefetch_related(
        Prefetch("authorships", queryset=ReadingAuthor.objects.select_related("author")),
        "tags",
    )


def highlights_visible_to(user) -> QuerySet[Highlight]:
    public = Q(visibility=Visibility.PUBLIC)
    if not (user and user.is_authenticated):
        return Highlight.objects.filter(public)
    return Highlight.objects.filter(public | Q(author=user))


def notes_visible_to(user) -> QuerySet[Note]:
    """Own notes; public ones (on a session only where the session is visible); notes shared
    with a course to its members."""
    visible_sessions = sessions_visible_to(user).values("id")
    public = Q(visibility=Visibility.PUBLIC) & (
        Q(session__isnull=True) | Q(session_id__in=visible_sessions)
    )
    if not (user and user.is_authenticated):
        return Note.objects.filter(public)
    shared_with_course = Q(
        visibility=Visibility.COURSE, session__course_id__in=member_course_ids(user=user)
    )
    return Note.objects.filter(Q(author=user) | public | shared_with_course)


def terms_with_names() -> QuerySet[GlossaryTerm]:
    return GlossaryTerm.objects.prefetch_related(
        Prefetch("names", queryset=TermName.objects.order_by("-is_primary", "name")), "related"
    )


def readings_with_viewer_status(user) -> QuerySet[Reading]:
    """The library with authors and tags loaded and `viewer_status` annotated: the user's
    reading status for each (None when they have none, or are not signed in)."""
    readings = readings_with_details().select_related("added_by")
    if not (user and user.is_authenticated):
        return readings.annotate(viewer_status=Value(None, output_field=CharField()))
    status = ReadingStatus.objects.filter(user=user, reading_id=OuterRef("pk")).values("status")
    return readings.annotate(viewer_status=Subquery(status[:1]))


def reading_statuses_of(user) -> QuerySet[ReadingStatus]:
    """A user's own reading statuses; nobody else's are ever read through here."""
    if not (user and user.is_authenticated):
        return ReadingStatus.objects.none()
    return ReadingStatus.objects.filter(user=user).select_related("reading")


def highlights_with_details(user) -> QuerySet[Highlight]:
    return highlights_visible_to(user).select_related("author", "reading")


def notes_with_details(user) -> QuerySet[Note]:
    return notes_visible_to(user).select_related("author", "session", "reading", "term")


def terms_with_details() -> QuerySet[GlossaryTerm]:
    """Terms with names and related terms loaded and `current_revision` annotated."""
    latest = TermRevision.objects.filter(term_id=OuterRef("pk")).order_by("-number")
    return terms_with_names().annotate(current_revision=Subquery(latest.values("number")[:1]))


def term_revisions(term: GlossaryTerm) -> QuerySet[TermRevision]:
    return term.revisions.select_related("author").order_by("-number")
