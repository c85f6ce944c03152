"""Forms for the notebook section of a session page: uploading a notebook, and the parameters
of a run, one field per name the notebook's parameters cell declares."""

import json
from dataclasses import dataclass, field
from functools import cached_property

from django import forms
from django.conf import settings
from django.utils.html import escape

from notebooks.ipynb.validation import RESERVED_PARAMETERS
from notebooks.models import Notebook, Queue
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
    help_text = f"{entry['help']} ({default})" if entry.get("help") else default.capitalize()
    common = {
        "label": entry["name"],
        # Django's field template shows help text as HTML: this is the notebook author's text.
        "help_text": escape(help_text),
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


@dataclass
class ParameterGroup:
    """Parameters under one heading of the parameters cell (`# --- Model ---`); no legend for
    those above the first heading."""

    legend: str
    fields: list[forms.BoundField] = field(default_factory=list)

    @property
    def advanced(self) -> bool:
        return self.legend.lower().startswith("advanced")


class RunParametersForm(forms.Form):
    """One field per parameter; cleaned_data holds only the values that differ from the
    notebook's defaults (see `parameters`)."""

    def __init__(self, *args, notebook: Notebook, start_from: dict | None = None, **kwargs) -> None:
        """`start_from`: an earlier run's parameters, shown instead of the defaults (a rerun)."""
        kwargs.setdefault("prefix", f"run-{notebook.pk}")
        super().__init__(*args, **kwargs)
        self.notebook = notebook
        values = {**notebook.parameters, **(start_from or {})}
        for entry in self._chosen_by_people():
            initial = values.get(entry["name"], entry.get("default"))
            self.fields[entry["name"]] = _field_for(entry, initial)

    def _chosen_by_people(self) -> list[dict]:
        """The parameters cell's names, less those the worker sets (`device`, `output_dir`…): a
        field for one would send a value the run then refuses."""
        return [
            entry
            for entry in self.notebook.parameter_spec
            if entry["name"] not in RESERVED_PARAMETERS
        ]

    @cached_property
    def groups(self) -> list[ParameterGroup]:
        """The fields in the notebook's order, grouped by its headings."""
        groups: list[ParameterGroup] = []
        for entry in self._chosen_by_people():
            legend = entry.get("group", "")  # absent in notebooks read before groups were
            if not groups or groups[-1].legend != legend:
                groups.append(ParameterGroup(legend))
            groups[-1].fields.append(self[entry["name"]])
        return groups

    @property
    def main_groups(self) -> list[ParameterGroup]:
        return [group for group in self.groups if not group.advanced]

    @property
    def advanced_groups(self) -> list[ParameterGroup]:
        """Groups headed "Advanced…": rarely changed, so shown folded unless one has an error."""
        return [group for group in self.groups if group.advanced]

    @property
    def advanced_has_errors(self) -> bool:
        return any(bound.errors for group in self.advanced_groups for bound in group.fields)

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


class ResultPlotForm(forms.Form):
    """The comparison page's plot: a result (y) against a parameter (x), among the table's
    columns. Sent by GET beside the chosen runs."""

    x = forms.ChoiceField(label="Parameter (x)", required=False)
    y = forms.ChoiceField(label="Result (y)", required=False)

    def __init__(self, data, *, parameters, results, initial_axes: tuple[str, str]) -> None:
        given = {name: data[name] for name in ("x", "y") if data.get(name)}
        x, y = initial_axes
        super().__init__({"x": x, "y": y} | given)
        self.fields["x"].choices = [(column.key, column.name) for column in parameters]
        self.fields["y"].choices = [(column.key, column.name) for column in results]
