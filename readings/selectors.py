"""Reads for readings, highlights, glossary terms and notes, with visibility decided once."""

from django.db.models import CharField, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value

from readings.models import (
    GlossaryTerm,
    Highlight,
    Note,
    Reading,
    ReadingAuthor,
    ReadingStatus,
    Tag,
    TermName,
    TermRevision,
)
from sessions.selectors import (
    courses_visible_to,
    member_session_ids,
    reflections_visible_to,
    sessions_visible_to,
)
from tracker.markdown import term_link_marker
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
        visibility=Visibility.COURSE, session_id__in=member_session_ids(user=user)
    )
    return Note.objects.filter(Q(author=user) | public | shared_with_course)


def terms_with_names() -> QuerySet[GlossaryTerm]:
    return GlossaryTerm.objects.prefetch_related(
        Prefetch("names", queryset=TermName.objects.order_by("-is_primary", "name")), "related"
    )


# Pages

LIBRARY_SORTS = {
    "added": ("Recently added", ("-created_at", "-id")),
    "year": ("Year, newest first", (F("year").desc(nulls_last=True), "title")),
    "title": ("Title", ("title",)),
}
NO_STATUS = "none"


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def reading_library(
    user,
    *,
    kind: str = "",
    tag: str = "",
    year: int | None = None,
    status: str = "",
    course: str = "",
    sort: str = "added",
) -> QuerySet[Reading]:
    """The library filtered and sorted, each reading annotated with the user's `my_status`."""
    readings = readings_with_details()
    if _signed_in(user):
        mine = ReadingStatus.objects.filter(user=user, reading=OuterRef("pk"))
        readings = readings.annotate(my_status=Subquery(mine.values("status")[:1]))
    if kind:
        readings = readings.filter(kind=kind)
    if tag:
        readings = readings.filter(tags__slug=tag)
    if year:
        readings = readings.filter(year=year)
    if status and _signed_in(user):
        readings = (
            readings.filter(my_status__isnull=True)
            if status == NO_STATUS
            else readings.filter(my_status=status)
        )
    if course:
        used = Reading.objects.filter(
            session_uses__session__in=sessions_visible_to(user).filter(course__slug=course)
        ).values("id")
        readings = readings.filter(id__in=used)
    _label, order = LIBRARY_SORTS.get(sort, LIBRARY_SORTS["added"])
    return readings.order_by(*order)


def library_filter_options(user) -> dict:
    """What the library's filters offer: tags and years in use, courses with readings."""
    courses_with_readings = courses_visible_to(user).filter(
        id__in=Reading.objects.filter(session_uses__isnull=False).values(
            "session_uses__session__course_id"
        )
    )
    return {
        "tags": Tag.objects.filter(readings__isnull=False).distinct().order_by("name"),
        "years": Reading.objects.exclude(year=None)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct(),
        "courses": courses_with_readings.order_by("title").only("slug", "title"),
    }


def my_status_for(*, user, reading: Reading) -> str:
    if not _signed_in(user):
        return ""
    return (
        ReadingStatus.objects.filter(user=user, reading=reading)
        .values_list("status", flat=True)
        .first()
        or ""
    )


def readings_i_am_reading(*, user) -> QuerySet[Reading]:
    return readings_with_details().filter(
        statuses__user=user, statuses__status=ReadingStatus.Status.READING
    )


def session_readings_with_status(user, *, session) -> QuerySet:
    """A session's list (its SessionReading rows), each with the user's `my_status`."""
    attached = session.session_readings.select_related("reading").order_by("position", "id")
    if not _signed_in(user):
        return attached
    mine = ReadingStatus.objects.filter(user=user, reading=OuterRef("reading_id"))
    return attached.annotate(my_status=Subquery(mine.values("status")[:1]))


def highlights_on(user, *, reading: Reading) -> QuerySet[Highlight]:
    return (
        highlights_visible_to(user)
        .filter(reading=reading)
        .select_related("author__profile", "reading")
        .order_by("created_at", "id")
    )


def notes_on(user, **target) -> QuerySet[Note]:
    """Visible notes on one session, reading or term (`session=`, `reading=` or `term=`)."""
    return (
        notes_visible_to(user)
        .filter(**target)
        .select_related("author__profile")
        .order_by("created_at", "id")
    )


def my_notes(*, user) -> QuerySet[Note]:
    return (
        Note.objects.filter(author=user)
        .select_related("session__course", "reading", "term")
        .order_by("-created_at", "-id")
    )


def glossary_for_list() -> QuerySet[GlossaryTerm]:
    return GlossaryTerm.objects.prefetch_related(
        Prefetch("names", queryset=TermName.objects.filter(is_primary=False).order_by("name"))
    ).order_by("name")


def term_backlinks(user, *, term: GlossaryTerm) -> dict[str, QuerySet]:
    """What links to the term, among what the user may see: reflections, notes, readings and
    other terms. Stored HTML carries every link, so a text search finds them."""
    marker = term_link_marker(term.slug)
    return {
        "reflections": reflections_visible_to(user)
        .filter(body_html__contains=marker)
        .select_related("author__profile", "session__course")
        .order_by("-created_at"),
        "notes": notes_visible_to(user)
        .filter(body_html__contains=marker)
        .select_related("author__profile", "session__course", "reading", "term")
        .order_by("-created_at"),
        "readings": Reading.objects.filter(summary_html__contains=marker).order_by("title"),
        "terms": GlossaryTerm.objects.filter(definition_html__contains=marker)
        .exclude(pk=term.pk)
        .order_by("name"),
    }


def term_revisions(*, term: GlossaryTerm) -> QuerySet[TermRevision]:
    return term.revisions.select_related("author__profile").order_by("-number")


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


# Bibliography exports: the lists a user can export, among what they may see.


def readings_of_session(user, *, session) -> QuerySet[Reading]:
    """A session's readings in the order the session lists them (the caller has checked that
    the user may see the session), with the user's `viewer_status`."""
    return (
        readings_with_viewer_status(user)
        .filter(session_uses__session=session)
        .order_by("session_uses__position", "session_uses__id")
    )


def readings_of_course(user, *, course) -> QuerySet[Reading]:
    """Every reading a course's sessions list, among the sessions the user may see."""
    used = Reading.objects.filter(
        session_uses__session__in=sessions_visible_to(user).filter(course=course)
    ).values("id")
    return readings_with_viewer_status(user).filter(id__in=used).order_by("title", "id")
