"""Reads for readings, highlights, glossary terms and notes, with visibility decided once."""

from django.db.models import Prefetch, Q, QuerySet

from readings.models import GlossaryTerm, Highlight, Note, Reading, ReadingAuthor, TermName
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
