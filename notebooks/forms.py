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


class SweepForm(forms.Form):
    """A grid sweep: per parameter, the values to try, one per line, each read as the run
    form's field of that type reads it (a list or an object as JSON on its line); a parameter
    left empty keeps the notebook's value. `grid` holds the result after is_valid()."""

    max_concurrent = forms.IntegerField(
        min_value=1,
        label="Runs at once",
        help_text="How many of the sweep's runs the workers take at the same time.",
    )

    def __init__(self, *args, notebook: Notebook, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.notebook = notebook
        self.fields["max_concurrent"].initial = settings.NOTEBOOK_SWEEP_CONCURRENCY
        self.fields["max_concurrent"].max_value = settings.NOTEBOOK_SWEEP_MAX_RUNS
        self.entries = [
            entry for entry in notebook.parameter_spec if entry["name"] not in RESERVED_PARAMETERS
        ]
        for entry in self.entries:
            single = _field_for(entry, notebook.parameters.get(entry["name"], entry.get("default")))
            example = (
                single.initial if isinstance(single.initial, str) else json.dumps(single.initial)
            )
            self.fields[entry["name"]] = forms.CharField(
                label=entry["name"],
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 3, "placeholder": example}),
                help_text=escape(
                    f"Values to try, one per line ({_TYPE_HINTS.get(entry['type'], 'JSON')}). "
                    f"Empty: the notebook's {example}."
                ),
            )

    def _values(self, entry: dict, text: str) -> list:
        single = _field_for(entry, None)
        values = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                values.append(single.clean(line.strip() if entry["type"] != "str" else line))
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    f"Line {number} ({line.strip()[:40]}): {' '.join(error.messages)}"
                ) from None
        return values

    def clean(self):
        cleaned = super().clean()
        grid = {}
        for entry in self.entries:
            name = entry["name"]
            if name in self.errors:
                continue
            try:
                values = self._values(entry, cleaned.get(name) or "")
            except forms.ValidationError as error:
                self.add_error(name, error)
                continue
            if values:
                grid[name] = values
        if not grid and not self.errors:
            raise forms.ValidationError("Enter at least one value to try for one parameter.")
        self.grid = grid
        return cleaned

    @property
    def run_count(self) -> int:
        count = 1
        for values in self.grid.values():
            count *= len(values)
        return count


_TYPE_HINTS = {
    "int": "whole numbers",
    "float": "numbers",
    "bool": "true or false",
    "str": "text, as typed",
    "list": "a JSON list per line, such as [0, 2.5]",
    "dict": "a JSON object per line",
}
