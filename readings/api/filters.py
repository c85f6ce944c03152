import django_filters
from django.utils.text import slugify

from readings.models import GlossaryTerm, Highlight, Note, Reading, ReadingStatus
from tracker.api.filters import AuthoredFilterSet, IdFilter
from tracker.visibility import Visibility


class ReadingFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Reading.Kind.choices)
    tag = django_filters.CharFilter(method="filter_tag", max_length=60, label="A tag's name.")
    year = IdFilter(field_name="year", max_value=9999, label="The year it came out.")
    status = django_filters.ChoiceFilter(
        field_name="viewer_status",
        choices=ReadingStatus.Status.choices,
        label="Only readings with this status of yours.",
    )

    class Meta:
        model = Reading
        fields = ["kind", "tag", "year", "status"]

    def filter_tag(self, queryset, name, value):
        return queryset.filter(tags__slug=slugify(value))


class ReadingStatusFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReadingStatus.Status.choices)

    class Meta:
        model = ReadingStatus
        fields = ["status"]


class HighlightFilter(AuthoredFilterSet):
    reading = django_filters.CharFilter(
        field_name="reading__slug", max_length=120, label="The reading's slug."
    )
    visibility = django_filters.ChoiceFilter(
        choices=[(Visibility.PRIVATE, "Only me"), (Visibility.PUBLIC, "Everyone")]
    )

    class Meta:
        model = Highlight
        fields = ["reading", "author", "visibility", "mine"]


class TermFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=GlossaryTerm.Level.choices)

    class Meta:
        model = GlossaryTerm
        fields = ["level"]


class NoteFilter(AuthoredFilterSet):
    session = IdFilter(field_name="session_id", label="The session's id.")
    reading = django_filters.CharFilter(
        field_name="reading__slug", max_length=120, label="The reading's slug."
    )
    term = django_filters.CharFilter(
        field_name="term__slug", max_length=120, label="The term's slug."
    )
    visibility = django_filters.ChoiceFilter(choices=Visibility.choices)

    class Meta:
        model = Note
        fields = ["session", "reading", "term", "author", "visibility", "mine"]
