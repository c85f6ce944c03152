"""The API of courses, members, sessions and reflections."""

from sessions.api.viewsets import (
    CourseMemberViewSet,
    CourseViewSet,
    ReflectionViewSet,
    SessionViewSet,
)


def register(router) -> None:
    router.register(r"courses", CourseViewSet, basename="course")
    router.register(
        r"courses/(?P<course_slug>[-a-zA-Z0-9_]+)/members",
        CourseMemberViewSet,
        basename="course-member",
    )
    router.register(r"sessions", SessionViewSet, basename="session")
    router.register(r"reflections", ReflectionViewSet, basename="reflection")
