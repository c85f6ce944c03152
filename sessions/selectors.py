"""Reads for courses, sessions and reflections. Visibility is decided here, once per model:
pages, API, search, feeds and exports all start from these querysets."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.shortcuts import get_object_or_404

from sessions.models import Course, Membership, Reflection, Session, SessionReading
from tracker.visibility import Visibility


def _is_signed_in(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_authenticated)


def member_course_ids(*, user) -> QuerySet:
    """The ids of the courses the user belongs to, in any role (a subquery, not a list)."""
    if not _is_signed_in(user):
        return Course.objects.none().values("id")
    return Membership.objects.filter(user=user).values("course_id")


def courses_visible_to(user) -> QuerySet[Course]:
    public = Q(visibility=Course.CourseVisibility.PUBLIC)
    if not _is_signed_in(user):
        return Course.objects.filter(public)
    if user.is_superuser:
        return Course.objects.all()
    return Course.objects.filter(public | Q(id__in=member_course_ids(user=user)))


def course_role(*, user, course: Course) -> str | None:
    """'organizer', 'member' or None."""
    if not _is_signed_in(user):
        return None
    return (
        Membership.objects.filter(user=user, course=course).values_list("role", flat=True).first()
    )


def is_course_member(*, user, course: Course) -> bool:
    return course_role(user=user, course=course) is not None


def is_course_organizer(*, user, course: Course) -> bool:
    if _is_signed_in(user) and user.is_superuser:
        return True
    return course_role(user=user, course=course) == Membership.Role.ORGANIZER


def course_visible_to(user, *, slug: str) -> Course:
    """The course, or Http404 when it does not exist or the user may not see it."""
    return get_object_or_404(courses_visible_to(user), slug=slug)


def sessions_visible_to(user) -> QuerySet[Session]:
    return Session.objects.filter(course__in=courses_visible_to(user)).select_related("course")


def session_visible_to(user, *, slug: str, number: int) -> Session:
    return get_object_or_404(sessions_visible_to(user), course__slug=slug, number=number)


def reflections_visible_to(user) -> QuerySet[Reflection]:
    """Own reflections; public ones where the session is visible; course ones to members."""
    visible_sessions = sessions_visible_to(user).values("id")
    public = Q(visibility=Visibility.PUBLIC, session_id__in=visible_sessions)
    if not _is_signed_in(user):
        return Reflection.objects.filter(public)
    shared_with_course = Q(
        visibility=Visibility.COURSE, session__course_id__in=member_course_ids(user=user)
    )
    return Reflection.objects.filter(Q(author=user) | public | shared_with_course)


def sessions_with_reflection_flag(*, user, sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Annotates `reflected`: whether one of the user's reflections covers each session,
    counting the sessions a reflection spans."""
    covering = Reflection.objects.filter(
        author=user,
        session__course_id=OuterRef("course_id"),
        session__number__lte=OuterRef("number"),
    ).filter(
        Q(covers_until__isnull=True, session__number=OuterRef("number"))
        | Q(covers_until__number__gte=OuterRef("number"))
    )
    return sessions.annotate(reflected=Exists(covering))


def courses_with_viewer_role(user, courses: QuerySet[Course] | None = None) -> QuerySet[Course]:
    """Visible courses annotated with `viewer_role`: the user's role in each, or None."""
    courses = courses if courses is not None else courses_visible_to(user)
    if not _is_signed_in(user):
        return courses.annotate(viewer_role=Value(None, output_field=CharField()))
    role = Membership.objects.filter(user=user, course_id=OuterRef("pk")).values("role")[:1]
    return courses.annotate(viewer_role=Subquery(role))


def course_members(course: Course) -> QuerySet[Membership]:
    """The course's memberships with their users (and profiles, where there is one)."""
    return (
        Membership.objects.filter(course=course)
        .select_related("user", "user__profile")
        .order_by("user__username")
    )


def sessions_with_details(user) -> QuerySet[Session]:
    """Visible sessions with speakers, agenda and readings loaded, and `viewer_is_member`
    annotated, so a list of any length costs the same few queries."""
    if _is_signed_in(user):
        member = Exists(Membership.objects.filter(user=user, course_id=OuterRef("course_id")))
    else:
        member = Value(False, output_field=BooleanField())
    return (
        sessions_visible_to(user)
        .annotate(viewer_is_member=member)
        .prefetch_related(
            "speakers",
            "agenda_items",
            Prefetch(
                "session_readings",
                queryset=SessionReading.objects.select_related("reading").order_by(
                    "position", "id"
                ),
            ),
        )
    )


def reflections_with_details(user) -> QuerySet[Reflection]:
    return reflections_visible_to(user).select_related("author", "session__course", "covers_until")
