from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models

from tracker.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "time_zone"]
    search_fields = ["user__username", "display_name"]
    exclude = ["calendar_token"]


class ServiceWriteAdmin(admin.ModelAdmin):
    """An admin whose saves go through the app's services, like the pages' and the API's: the
    markdown is rendered there (with its course's wiki-links), versions are bumped, glossary
    edits become revisions, and the row is locked and only the changed fields are written.

    A subclass names its three services. `create_service` gets the form's fields as keywords;
    `update_service` gets the object (keyword `update_argument`, the model's name by default)
    and only the fields the form changed; `delete_service` the object under the same keyword,
    for a delete and for each row of the bulk delete action. `fixed_fields` are given at
    creation and read-only afterwards (the services do not move a reflection to another author,
    say). Many-to-many
    fields are left to the admin's own save_related unless `service_extras` passes them.
    """

    create_service: Callable[..., models.Model]
    update_service: Callable[..., models.Model]
    delete_service: Callable[..., None]
    update_argument: str = ""
    fixed_fields: tuple[str, ...] = ()

    def delete_model(self, request, obj):
        """Deleted through the service too, which re-renders the texts that linked to it."""
        argument = self.update_argument or obj._meta.model_name
        type(self).delete_service(**{argument: obj})

    def delete_queryset(self, request, queryset):
        for obj in queryset:  # the admin's bulk action: each row through the service
            self.delete_model(request, obj)

    def service_extras(self, request, form, change: bool) -> dict[str, Any]:
        """Keywords a service needs beyond the form's plain fields (who acts, for instance)."""
        return {}

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly += [name for name in self.fixed_fields if name not in readonly]
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        prepopulated = super().get_prepopulated_fields(request, obj)
        if obj is None:
            return prepopulated
        # A read-only field is no input for the admin's slug script to fill.
        return {name: src for name, src in prepopulated.items() if name not in self.fixed_fields}

    def changeform_view(self, request, *args, **kwargs):
        """A rule only the service knows (a name another term has, say) refuses the save: the
        atomic block around the first try has undone everything, so the page is built again,
        this time with the service's reasons as form errors and what was typed kept."""
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ValidationError as error:
            request.service_error = error
            return super().changeform_view(request, *args, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        error = getattr(request, "service_error", None)
        if error is None:
            return form_class

        class RefusedByService(form_class):
            def clean(self):
                cleaned = super().clean()
                reasons = (
                    error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
                )
                for field, messages in reasons.items():
                    self.add_error(field if field in self.fields else None, messages)
                return cleaned

        return RefusedByService

    def save_model(self, request, obj, form, change):
        plain = {f.name for f in obj._meta.concrete_fields}
        names = form.changed_data if change else form.cleaned_data
        fields = {name: form.cleaned_data[name] for name in names if name in plain}
        fields |= self.service_extras(request, form, change)
        if change:
            argument = self.update_argument or obj._meta.model_name
            saved = type(self).update_service(**{argument: obj}, **fields)
        else:
            saved = type(self).create_service(**fields)
        _adopt(obj, saved)


def _adopt(obj: models.Model, saved: models.Model) -> None:
    """The admin goes on with `obj` (inlines, many-to-many, its messages): make it the row the
    service saved."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db
