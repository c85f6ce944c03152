"""Courses, their members, sessions and reflections. Thin: selectors decide what a user sees
(anything else is a 404), services do every write."""

from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticatedOrReadOnly

from sessions import selectors, services
from sessions.api import filters, serializers
from sessions.api.permissions import CourseMembersPermission, IsCourseOrganizerOrReadOnly
from sessions.models import Membership
from tracker.api.permissions import IsAuthorOrReadOnly
from tracker.api.viewsets import ResourceViewSet

SLUG_PATTERN = r"[-a-zA-Z0-9_]+"
ID_PATTERN = r"[0-9]{1,10}"
USERNAME_PATTERN = r"[\w.@+-]{1,150}"


class CourseViewSet(ResourceViewSet):
    """Courses you may see. Anyone signed in creates one (and organizes it); only its
    organizers change or delete it. The online link and passcode are shown to members only."""

    serializer_class = serializers.CourseSerializer
    input_serializer_classes = {
        "create": serializers.CourseCreateInputSerializer,
        "update": serializers.CourseUpdateInputSerializer,
        "partial_update": serializers.CourseUpdateInputSerializer,
    }
    permission_classes = [IsAuthenticatedOrReadOnly, IsCourseOrganizerOrReadOnly]
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    filterset_class = filters.CourseFilter
    ordering_fields = ["title", "created_at"]
    ordering = ["title"]

    def get_queryset(self):
        return selectors.courses_with_viewer_role(self.request.user)

    def perform_create(self, data):
        return services.course_create(organizer=self.request.user, **data)

    def perform_update(self, course, data):
        return services.course_update(course=course, **data)

    def perform_destroy(self, course):
        services.course_delete(course=course)


@extend_schema_view(
    **{
        action: extend_schema(
            parameters=[
                OpenApiParameter(
                    "course_slug", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=SLUG_PATTERN
                )
            ]
        )
        for action in ("list", "retrieve", "create", "update", "partial_update", "destroy")
    }
)
class CourseMemberViewSet(ResourceViewSet):
    """The members of a course, for its members. Organizers add members, change roles and
    remove members; a member may remove themself. A course always keeps one organizer."""

    serializer_class = serializers.MemberSerializer
    input_serializer_classes = {
        "create": serializers.MemberCreateInputSerializer,
        "update": serializers.MemberUpdateInputSerializer,
        "partial_update": serializers.MemberUpdateInputSerializer,
    }
    permission_classes = [CourseMembersPermission]
    lookup_field = "user__username"
    lookup_url_kwarg = "username"
    lookup_value_regex = USERNAME_PATTERN
    filterset_class = filters.MemberFilter
    ordering_fields = ["joined_at", "role"]
    schema_reads_forbidden = True

    @cached_property
    def course(self):
        return selectors.course_visible_to(self.request.user, slug=self.kwargs["course_slug"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return selectors.course_members(self.course)

    def perform_create(self, data):
        return services.membership_add(course=self.course, user=data["username"], role=data["role"])

    def perform_update(self, membership, data):
        if "role" not in data:  # nothing to change; never write back the role loaded here
            return membership
        return services.membership_change_role(membership=membership, role=data["role"])

    def perform_destroy(self, membership):
        services.membership_remove(membership=membership)


class SessionViewSet(ResourceViewSet):
    """Sessions you may see, with speakers, agenda and readings; times in UTC and in the
    course's zone. Organizers create (with speakers, agenda and readings in one request),
    change and delete them."""

    serializer_class = serializers.SessionSerializer
    input_serializer_classes = {
        "create": serializers.SessionCreateInputSerializer,
        "update": serializers.SessionUpdateInputSerializer,
        "partial_update": serializers.SessionUpdateInputSerializer,
    }
    permission_classes = [IsAuthenticatedOrReadOnly, IsCourseOrganizerOrReadOnly]
    lookup_value_regex = ID_PATTERN
    filterset_class = filters.SessionFilter
    ordering_fields = ["starts_at", "number", "title"]
    ordering = ["starts_at", "id"]

    def get_queryset(self):
        return selectors.sessions_with_details(self.request.user)

    def perform_create(self, data):
        course = data.pop("course")
        if not selectors.is_course_organizer(user=self.request.user, course=course):
            raise PermissionDenied("Only the course's organizers may add sessions.")
        return services.session_create(course=course, **data)

    def perform_update(self, session, data):
        return services.session_update(session=session, **data)

    def perform_destroy(self, session):
        services.session_delete(session=session)


class ReflectionViewSet(ResourceViewSet):
    """Reflections you may see: your own, public ones on sessions you may see, and those
    shared with a course you belong to. Only the author changes or deletes one."""

    serializer_class = serializers.ReflectionSerializer
    input_serializer_classes = {
        "create": serializers.ReflectionCreateInputSerializer,
        "update": serializers.ReflectionUpdateInputSerializer,
        "partial_update": serializers.ReflectionUpdateInputSerializer,
    }
    permission_classes = [IsAuthenticatedOrReadOnly, IsAuthorOrReadOnly]
    lookup_value_regex = ID_PATTERN
    filterset_class = filters.ReflectionFilter
    ordering_fields = ["created_at", "updated_at"]
    ordering = ["session__starts_at", "id"]
    versioned = True

    def get_queryset(self):
        return selectors.reflections_with_details(self.request.user)

    def perform_create(self, data):
        return services.reflection_create(author=self.request.user, **data)

    def perform_update(self, reflection, data):
        # Only the fields the client sent: a missing one keeps what is saved now, not what
        # this request loaded (another request may have changed it meanwhile).
        return services.reflection_update(reflection=reflection, **data)

    def perform_destroy(self, reflection):
        services.reflection_delete(reflection=reflection)
