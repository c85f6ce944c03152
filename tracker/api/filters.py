"""Filters several resources share."""

import django_filters
from django import forms
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.filters import OrderingFilter, SearchFilter

from tracker import bounds
from tracker.api.serializers import MAX_INTEGER


class _BoundedIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """A filter time within the years the API accepts, so no database ever sees a moment it
    cannot convert to UTC (SQLite would overflow near year 1)."""

    def to_python(self, value):
        moment = super().to_python(value)
        bounds.validate_moment(moment)
        return moment


class BoundedIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = _BoundedIsoDateTimeField


class AuthoredFilterSet(django_filters.FilterSet):
    """`author` (a username), `visibility` and `mine` for things members write."""

    author = django_filters.CharFilter(field_name="author__username", max_length=150)
    mine = django_filters.BooleanFilter(
        method="filter_mine",
        label="Only mine (true) or only others' (false).",
    )

    def filter_mine(self, queryset, name, value):
        user = self.request.user if self.request else None
        if value is None:
            return queryset
        if not (user and user.is_authenticated):
            return queryset.none() if value else queryset
        return queryset.filter(author=user) if value else queryset.exclude(author=user)


class IdFilter(django_filters.NumberFilter):
    """An object's id: a whole number in the range of the database's integers."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_INTEGER)
        super().__init__(*args, **kwargs)


class DocumentedOrderingFilter(OrderingFilter):
    """`?ordering=` as DRF has it, with the fields a list sorts by named in the schema."""

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = ", ".join(getattr(view, "ordering_fields", None) or [])
        for parameter in parameters:
            parameter["description"] = (
                f"Sort by {fields}; a leading `-` sorts descending, commas sort by several. "
                "Unknown fields are ignored."
            )
        return parameters


class FieldSearchFilter(SearchFilter):
    """`?search=` as DRF has it, with a bad value (a NUL character) refused under the
    parameter's name, like every other field error, instead of as a bare list."""

    def get_search_terms(self, request):
        try:
            return super().get_search_terms(request)
        except ApiValidationError as error:
            raise ApiValidationError({self.search_param: error.detail}) from error
