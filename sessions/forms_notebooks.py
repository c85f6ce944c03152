"""Forms for the notebook section of a session page: uploading a notebook, and the parameters
of a run, one field per name the notebook's parameters cell declares."""

import json

from django import forms
from django.conf import settings

from sessions.models import Notebook
from sessions.models_notebooks import Queue
from sessions.notebooks.validation import RESERVED_PARAMETERS
from tracker import json_limits


class NotebookUploadForm(forms.Form):
    title = forms.CharField(max_length=200)
    file = forms.FileField(help_text="A Jupyter notebook (.ipynb).")
    parameters = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text='Default parameters as a JSON object, such as {"epochs": 3}.',
    )
    queue = forms.ChoiceField(choices=Queue.choices, initial=Queue.CPU)
    time_limit = forms.IntegerField(min_value=1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_limit"] = forms.IntegerField(
            min_value=1,
            max_value=settings.NOTEBOOK_MAX_TIME_LIMIT,
            initial=settings.NOTEBOOK_DEFAULT_TIME_LIMIT,
            help_text="Seconds a run may take before it is stopped.",
        )


class _JSONValueField(forms.CharField):
    """Any JSON value, for a parameter whose default is not a plain literal."""

    def to_python(self, value):
        value = super().to_python(value)
        if value == "":
            return None
        try:
            return json_limits.loads(value)
        except ValueError:  # not JSON, or nested too deeply
            raise forms.ValidationError(
                'Enter a JSON value, such as 3, "text" or [1, 2].'
            ) from None


def _field_for(entry: dict, initial) -> forms.Field:
    kind = entry["type"]
    default = f"default {entry.get('source') or 'none'}"
    # Labelled with the name the notebook uses (`d_model`, not "D model"); explained by the
    # comment the author wrote beside it.
    common = {
        "label": entry["name"],
        "help_text": f"{entry['help']} ({default})" if entry.get("help") else default.capitalize(),
    }
    if kind == "int":
        return forms.IntegerField(initial=initial, **common)
    if kind == "float":
        return forms.FloatField(initial=initial, **common)
    if kind == "bool":
        return forms.BooleanField(initial=initial, required=False, **common)
    if kind == "str":
        return forms.CharField(initial=initial, required=False, strip=False, **common)
    shown = "" if kind == "any" and initial is None else json.dumps(initial)
    return _JSONValueField(initial=shown, required=False, **common)


class RunParametersForm(forms.Form):
    """One field per parameter; cleaned_data holds only the values that differ from the
    notebook's defaults (see `parameters`)."""

    def __init__(self, *args, notebook: Notebook, **kwargs) -> None:
        kwargs.setdefault("prefix", f"run-{notebook.pk}")
        super().__init__(*args, **kwargs)
        self.notebook = notebook
        for entry in self._chosen_by_people():
            initial = notebook.parameters.get(entry["name"], entry.get("default"))
            self.fields[entry["name"]] = _field_for(entry, initial)

    def _chosen_by_people(self) -> list[dict]:
        """The parameters cell's names, less those the worker sets (`device`): a field for
        one would send a value the run then refuses."""
        return [
            entry
            for entry in self.notebook.parameter_spec
            if entry["name"] not in RESERVED_PARAMETERS
        ]

    @property
    def parameters(self) -> dict:
        """The values, after is_valid(). A parameter whose default is an expression (no JSON
        value to show) is passed only when someone filled it in."""
        return {
            entry["name"]: self.cleaned_data.get(entry["name"])
            for entry in self._chosen_by_people()
            if entry["type"] != "any"
            or entry["name"] in self.changed_data
            or entry["name"] in self.notebook.parameters
        }
