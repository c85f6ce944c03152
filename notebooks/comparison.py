"""Runs compared side by side: a table of their parameters (those that differ first) and their
results, sortable by any column, and the points of one result against one parameter.

Reads only: the caller passes runs it got from `runs_to_compare` (or any queryset of runs the
viewer may see, such as a sweep's), so the visibility rule stays in notebooks.selectors.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from notebooks import selectors
from notebooks.ipynb.results import number_of
from notebooks.models import Run

MAX_RUNS = 100
PARAMETER, RESULT = "parameter", "result"
# The columns every table starts with, then parameter:<name> and result:<name>.
FIXED_COLUMNS = {"run": "Run", "notebook": "Notebook", "status": "Status"}
# Cells that a spreadsheet would read as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def parse_run_ids(values: list[str]) -> list[int]:
    """The run ids of `?run=1&run=2`, in order, once each; a 400's message otherwise."""
    ids = []
    for value in values:
        if not value.strip().isdigit():
            raise ValidationError({"run": f"“{value[:40]}” is not a run number."})
        if int(value) not in ids:
            ids.append(int(value))
    if len(ids) > MAX_RUNS:
        raise ValidationError({"run": f"At most {MAX_RUNS} runs can be compared at once."})
    return ids


def parse_sweep_id(values: list[str]) -> int | None:
    """The sweep of `?sweep=<id>` (one at most), or None; a 400's message otherwise."""
    if not values:
        return None
    if len(values) > 1 or not values[0].strip().isdigit():
        raise ValidationError({"sweep": "Name one sweep by its number (`?sweep=<id>`)."})
    return int(values[0])


def runs_to_compare(*, user, run_ids: list[int], sweep_id: int | None = None) -> QuerySet[Run]:
    """The runs of `run_ids`, and those of the sweep, that the user may see; the others are
    left out without a word, as if they did not exist. One query. A sweep has at most
    NOTEBOOK_SWEEP_MAX_RUNS runs, so with a few ids the table stays bounded."""
    chosen = Q(pk__in=run_ids)
    if sweep_id is not None:
        chosen |= Q(sweep_id=sweep_id)
    return selectors.runs_visible_to(user).filter(chosen).order_by("pk")


def chosen_runs(*, user, query) -> QuerySet[Run]:
    """The runs a comparison's query string names (`run` repeated, `sweep`), as the user sees
    them; a ValidationError (a 400) for a malformed choice."""
    run_ids = parse_run_ids(query.getlist("run"))
    sweep_id = parse_sweep_id(query.getlist("sweep"))
    return runs_to_compare(user=user, run_ids=run_ids, sweep_id=sweep_id)


@dataclass(frozen=True)
class Column:
    key: str  # "run", "notebook", "status", "parameter:<name>" or "result:<name>"
    kind: str  # "fixed", PARAMETER or RESULT
    name: str
    differs: bool = False


@dataclass
class Comparison:
    columns: list[Column]
    runs: list[Run]
    sort: str = "run"
    descending: bool = False
    rows: list[dict[str, Any]] = field(default_factory=list)  # cells by column key

    @property
    def parameter_columns(self) -> list[Column]:
        return [column for column in self.columns if column.kind == PARAMETER]

    @property
    def result_columns(self) -> list[Column]:
        return [column for column in self.columns if column.kind == RESULT]

    def column(self, key: str) -> Column | None:
        return next((column for column in self.columns if column.key == key), None)


def _cells(run: Run) -> dict[str, Any]:
    cells = {"run": run.pk, "notebook": run.notebook.title, "status": run.status}
    cells |= {f"{PARAMETER}:{name}": value for name, value in run.parameters.items()}
    cells |= {f"{RESULT}:{name}": value for name, value in (run.results or {}).items()}
    return cells


def _same(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _columns(rows: list[dict[str, Any]]) -> list[Column]:
    parameters = sorted({key for row in rows for key in row if key.startswith(f"{PARAMETER}:")})
    results = sorted({key for row in rows for key in row if key.startswith(f"{RESULT}:")})

    def column(key: str, kind: str) -> Column:
        values = {_same(row[key]) if key in row else "\0missing" for row in rows}
        return Column(key=key, kind=kind, name=key.split(":", 1)[1], differs=len(values) > 1)

    parameter_columns = [column(key, PARAMETER) for key in parameters]
    # Those that differ are what the comparison is about: first, keeping the order by name.
    parameter_columns.sort(key=lambda c: not c.differs)
    fixed = [Column(key=key, kind="fixed", name=name) for key, name in FIXED_COLUMNS.items()]
    return fixed + parameter_columns + [column(key, RESULT) for key in results]


def sort_key(value: Any) -> tuple:
    """Numbers (one-element lists as their number) before text; in order within each."""
    number = number_of(value)
    if number is not None:
        return (0, number, "")
    text = value if isinstance(value, str) else _same(value)
    return (1, 0, text.casefold())


def comparison_of(runs, *, sort: str = "") -> Comparison:
    """The comparison table of `runs` (any iterable, such as runs_to_compare's queryset),
    sorted by the column `sort` names (`-` before it: descending). Runs without a value in
    that column come last either way. Raises a ValidationError on `sort` for an unknown
    column."""
    runs = list(runs)
    rows = [_cells(run) for run in runs]
    columns = _columns(rows)
    key = sort.removeprefix("-") or "run"
    if key not in {column.key for column in columns}:
        raise ValidationError({"sort": f"No column “{key[:60]}” to sort by."})
    descending = sort.startswith("-")
    pairs = list(zip(runs, rows, strict=True))
    present = [pair for pair in pairs if key in pair[1]]
    absent = [pair for pair in pairs if key not in pair[1]]
    present.sort(key=lambda pair: (sort_key(pair[1][key]), pair[0].pk), reverse=descending)
    ordered = present + absent
    return Comparison(
        columns=columns,
        runs=[run for run, _row in ordered],
        rows=[row for _run, row in ordered],
        sort=key,
        descending=descending,
    )


def csv_text(value: Any) -> Any:
    """A cell for a CSV file: numbers as they are, anything else as text that a spreadsheet
    never reads as a formula (a leading ' before = + - @, tab or carriage return)."""
    if value is None:
        return ""
    if number_of(value) is not None and not isinstance(value, list):
        return value
    text = value if isinstance(value, str) else _same(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def table_rows(comparison: Comparison) -> list[list[Any]]:
    """The table as rows of cells in column order (header first), for the CSV file."""
    header = [column.key for column in comparison.columns]
    body = [
        [csv_text(row.get(column.key)) for column in comparison.columns] for row in comparison.rows
    ]
    return [header, *body]


@dataclass(frozen=True)
class Point:
    run: Run
    x: int | float
    y: int | float


def plot_points(comparison: Comparison, *, x: str, y: str) -> list[Point]:
    """The runs that have a number (or a one-element list of one) in both columns, by x."""
    points = []
    for run, row in zip(comparison.runs, comparison.rows, strict=True):
        x_value, y_value = number_of(row.get(x)), number_of(row.get(y))
        if x_value is not None and y_value is not None:
            points.append(Point(run=run, x=x_value, y=y_value))
    return sorted(points, key=lambda point: (point.x, point.y, point.run.pk))


def default_axes(comparison: Comparison) -> tuple[str, str]:
    """A parameter that differs and holds numbers (else any parameter) for x, the first
    result for y; empty strings where there is none."""
    parameters = comparison.parameter_columns
    numeric = [
        column
        for column in parameters
        if column.differs
        and any(number_of(row.get(column.key)) is not None for row in comparison.rows)
    ]
    x = (numeric or parameters or [None])[0]
    y = (comparison.result_columns or [None])[0]
    return (x.key if x else "", y.key if y else "")
