from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from tracker.timezones import available_time_zones, time_zone_choices

MARKDOWN_HELP = (
    "Markdown: **bold**, *italic*, lists, tables, `code`; [[Term]], [[A reading's title]] and "
    "[[Session 3]] (of this course) or [[course-slug/3]] make links."
)


def markdown_area(rows: int = 8, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "class": "markdown-input", **attrs})


def link_field(label: str, help_text: str = "") -> forms.URLField:
    """An optional web address as the models store it (500 characters; https when no scheme)."""
    return forms.URLField(
        assume_scheme="https", max_length=500, required=False, label=label, help_text=help_text
    )


def version_field() -> forms.IntegerField:
    """The version the editor started from (0: none saved yet); a save over a newer one shows
    both texts instead."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Puts a service's ValidationError on the form: under the field it names when the form
    has that field, above the form otherwise. The user's input stays in the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        form.add_error(target, errors)


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        max_length=100, required=False, help_text="Shown beside what you write."
    )
    time_zone = forms.ChoiceField(help_text="Session times are shown in this zone.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = list(time_zone_choices())
        current = self.initial.get("time_zone")
        if current and current in available_time_zones() and not _offered(current, choices):
            choices.insert(0, ("Your current zone", [(current, current)]))  # a legacy alias
        self.fields["time_zone"].choices = choices


def _offered(zone: str, choices) -> bool:
    return any(zone == name for _, zones in choices for name, _ in zones)


def show_edit_conflict(
    form: forms.Form, current, shown: list[tuple[str, str]], *, saved="a newer version", **hidden
) -> dict:
    """After an EditConflict: keeps what the person typed, moves the hidden version fields to
    the version saved now (so saving again keeps their text on purpose) and says why. Returns
    the page's context for templates/_edit_conflict.html: `shown` is (label, text) of the
    version saved now."""
    form.data = form.data.copy()
    for name, value in {"version": current.version, **hidden}.items():
        form.data[form.add_prefix(name)] = value
    form.add_error(
        None,
        f"Someone else saved {saved} while you were editing, so nothing was saved. Their "
        "version is shown above and yours is still in the form: merge what you want to keep, "
        "then save again.",
    )
    return {"conflict_saved_at": current.updated_at, "conflict_fields": shown}
