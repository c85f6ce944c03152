"""Who may change courses, sessions and memberships; seeing them is the selectors' business."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from sessions import selectors
from sessions.models import Course


class IsCourseOrganizerOrReadOnly(BasePermission):
    """Only the course's organizers change a course or its sessions."""

    message = "Only the course's organizers may change it."

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        course = obj if isinstance(obj, Course) else obj.course
        return selectors.is_course_organizer(user=request.user, course=course)


class CourseMembersPermission(BasePermission):
    """Members see who else belongs; organizers add, change and remove members; a member may
    leave. `view.course` answers 404 for a course the user may not see."""

    message = "Only the course's members see its members, and only organizers change them."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        role = selectors.course_role(user=user, course=view.course)
        if request.method in SAFE_METHODS:
            return role is not None or user.is_superuser
        if view.action == "destroy":
            return role is not None or user.is_superuser
        return selectors.is_course_organizer(user=user, course=view.course)

    def has_object_permission(self, request, view, membership) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if view.action == "destroy" and membership.user_id == request.user.id:
            return True
        return selectors.is_course_organizer(user=request.user, course=view.course)
