import django_filters

from sessions.models import Course, Membership, Reflection, Session
from tracker.api.filters import AuthoredFilterSet, BoundedIsoDateTimeFilter, IdFilter
from tracker.visibility import Visibility


class CourseFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Course.Kind.choices)
    visibility = django_filters.ChoiceFilter(choices=Course.CourseVisibility.choices)
    role = django_filters.ChoiceFilter(
        field_name="viewer_role",
        choices=Membership.Role.choices,
        label="Only courses where you have this role.",
    )

    class Meta:
        model = Course
        fields = ["kind", "visibility", "role"]


class MemberFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Membership.Role.choices)

    class Meta:
        model = Membership
        fields = ["role"]


class SessionFilter(django_filters.FilterSet):
    course = django_filters.CharFilter(
        field_name="course__slug", max_length=80, label="The course's slug."
    )
    status = django_filters.ChoiceFilter(choices=Session.Status.choices)
    starts_after = BoundedIsoDateTimeFilter(
        field_name="starts_at", lookup_expr="gte", label="Starting at or after (ISO 8601)."
    )
    starts_before = BoundedIsoDateTimeFilter(
        field_name="starts_at", lookup_expr="lt", label="Starting before (ISO 8601)."
    )

    class Meta:
        model = Session
        fields = ["course", "status", "starts_after", "starts_before"]


class ReflectionFilter(AuthoredFilterSet):
    session = IdFilter(field_name="session_id", label="The session's id.")
    course = django_filters.CharFilter(
        field_name="session__course__slug", max_length=80, label="The course's slug."
    )
    visibility = django_filters.ChoiceFilter(choices=Visibility.choices)

    class Meta:
        model = Reflection
        fields = ["session", "course", "author", "visibility", "mine"]
