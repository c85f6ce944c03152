"""Reads for courses, sessions and reflections. Visibility is decided here, once per model:
pages, API, search, feeds and exports all start from these querysets."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from sessions.models import (
    Attendance,
    Course,
    CourseInvitation,
    Membership,
    Reflection,
    Session,
    SessionReading,
)
from tracker.visibility import Visibility


def _is_signed_in(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_authenticated)


def member_course_ids(*, user) -> QuerySet:
    """The ids of the courses the user belongs to, in any role (a subquery, not a list)."""
    if not _is_signed_in(user):
        return Course.objects.none().values("id")
    return Membership.objects.filter(user=user).values("course_id")


def member_session_ids(*, user) -> QuerySet:
    """The ids of the sessions of the user's courses (a subquery). Filtering `session_id` by it
    spares a join to the session of every row checked, which matters when search checks
    thousands of reflections or notes."""
    return Session.objects.filter(course_id__in=member_course_ids(user=user)).values("id")


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
        visibility=Visibility.COURSE, session_id__in=member_session_ids(user=user)
    )
    return Reflection.objects.filter(Q(author=user) | public | shared_with_course)


def sessions_organized_by(user) -> QuerySet[Session]:
    """The sessions whose details and reading lists the user may change: those of the courses
    they organize (every course for a superuser), in course and session order."""
    sessions = sessions_visible_to(user).select_related("course")
    if not user.is_superuser:
        organized = Membership.objects.filter(user=user, role=Membership.Role.ORGANIZER)
        sessions = sessions.filter(course_id__in=organized.values("course_id"))
    return sessions.order_by("course__title", "number")


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


# Pages


def reflections_covering(user, *, session: Session) -> QuerySet[Reflection]:
    """The reflections the user may see on this session, including ones written on an earlier
    session of the course that span this one."""
    spanning = Q(
        session__course_id=session.course_id,
        session__number__lt=session.number,
        covers_until__number__gte=session.number,
    )
    return (
        reflections_visible_to(user)
        .filter(Q(session=session) | spanning)
        .select_related("author__profile", "session", "covers_until")
        .order_by("created_at", "id")
    )


def my_reflection_covering(*, user, session: Session) -> Reflection | None:
    """The user's own reflection on this session, or the earlier one that spans it."""
    if not _is_signed_in(user):
        return None
    return (
        reflections_covering(user, session=session)
        .filter(author=user)
        .order_by("-session__number")
        .first()
    )


def following_sessions(*, session: Session) -> QuerySet[Session]:
    """The sessions a reflection on this one may also cover."""
    return Session.objects.filter(course_id=session.course_id, number__gt=session.number).order_by(
        "number"
    )


def has_attended(*, user, session: Session) -> bool:
    return _is_signed_in(user) and session.attendances.filter(user=user).exists()


def course_sessions_for_page(*, user, course: Course) -> QuerySet[Session]:
    """A course's sessions in order, speakers loaded, with the user's reflected flag."""
    sessions = course.sessions.prefetch_related("speakers").order_by("number")
    if not _is_signed_in(user):
        return sessions
    attended = Attendance.objects.filter(user=user, session=OuterRef("pk"))
    return sessions_with_reflection_flag(user=user, sessions=sessions).annotate(
        attended=Exists(attended)
    )


def my_courses_with_progress(*, user) -> QuerySet[Course]:
    """The user's courses, each annotated with counts for a progress bar: sessions so far,
    how many of them the user attended and reflected on, required readings and how many read."""
    now = timezone.now()
    so_far = Session.objects.filter(course=OuterRef("pk"), starts_at__lte=now).exclude(
        status=Session.Status.CANCELLED
    )
    attended = so_far.filter(attendances__user=user)
    reflected = sessions_with_reflection_flag(user=user, sessions=so_far).filter(reflected=True)
    required = SessionReading.objects.filter(
        session__course=OuterRef("pk"), role=SessionReading.Role.REQUIRED
    )
    required_read = required.filter(reading__statuses__user=user, reading__statuses__status="read")
    return (
        courses_visible_to(user)
        .filter(id__in=member_course_ids(user=user))
        .annotate(
            sessions_so_far=_count(so_far, "pk"),
            sessions_attended=_count(attended, "pk"),
            sessions_reflected=_count(reflected, "pk"),
            required_readings=_count(required, "reading_id"),
            required_readings_read=_count(required_read, "reading_id"),
            my_role=Subquery(
                Membership.objects.filter(user=user, course=OuterRef("pk")).values("role")[:1]
            ),
        )
        .order_by("title")
    )


def _count(queryset: QuerySet, field: str):
    """A correlated COUNT(DISTINCT field) subquery that reads 0 rather than NULL."""
    counted = (
        queryset.order_by()
        .annotate(_one=Value(1))
        .values("_one")
        .annotate(n=Count(field, distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def upcoming_sessions_for(*, user, limit: int = 5) -> QuerySet[Session]:
    return (
        sessions_visible_to(user)
        .filter(course_id__in=member_course_ids(user=user), ends_at__gte=timezone.now())
        .exclude(status=Session.Status.CANCELLED)
        .order_by("starts_at")[:limit]
    )


def sessions_awaiting_reflection(*, user) -> QuerySet[Session]:
    """Past sessions of the user's courses that none of their reflections covers yet."""
    past = (
        sessions_visible_to(user)
        .filter(course_id__in=member_course_ids(user=user), starts_at__lte=timezone.now())
        .exclude(status=Session.Status.CANCELLED)
    )
    return (
        sessions_with_reflection_flag(user=user, sessions=past)
        .filter(reflected=False)
        .order_by("-starts_at")
    )


def my_reflections(*, user) -> QuerySet[Reflection]:
    return (
        Reflection.objects.filter(author=user)
        .select_related("session__course", "covers_until")
        .order_by("-session__starts_at", "-id")
    )


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


# Course management (organizers)


def course_slug_is_taken(slug: str) -> bool:
    return Course.objects.filter(slug=slug).exists()


def course_membership(*, course: Course, membership_id: int) -> Membership:
    """One of the course's memberships, or Http404 (an id from another course included)."""
    return get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_id, course=course
    )


def users_matching(identifier: str) -> QuerySet[User]:
    """The accounts a typed username or email address may mean: the exact username when there
    is one, otherwise every account with that address (more than one asks for the username)."""
    identifier = identifier.strip()
    if not identifier:
        return User.objects.none()
    active = User.objects.filter(is_active=True)
    by_username = active.filter(username=identifier)
    if by_username.exists():
        return by_username
    return active.filter(email__iexact=identifier)


def invitations_pending(course: Course) -> QuerySet[CourseInvitation]:
    """Invitations neither accepted nor revoked, newest first; expired ones included, since an
    organizer may want to see who never answered."""
    return (
        CourseInvitation.objects.filter(
            course=course, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("created_by__profile")
        .order_by("-created_at", "-id")
    )


def course_invitation(*, course: Course, invitation_id: int) -> CourseInvitation:
    return get_object_or_404(CourseInvitation, pk=invitation_id, course=course)


def invitation_by_token(token: str) -> CourseInvitation:
    """The invitation the link carries, whatever its state, or Http404."""
    return get_object_or_404(
        CourseInvitation.objects.select_related("course", "created_by__profile"), token=token
    )


def sessions_using_reading(user, *, reading) -> QuerySet[SessionReading]:
    """Where a reading is attached, among the sessions the user may see."""
    return (
        SessionReading.objects.filter(reading=reading, session__in=sessions_visible_to(user))
        .select_related("session__course")
        .order_by("session__starts_at")
    )
