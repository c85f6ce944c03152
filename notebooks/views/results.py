"""Pages for runs' results: the comparison of chosen runs (table, CSV, plot) and pinning a run
as its session's result. The table and points are built by notebooks.comparison, the plot by
notebooks.plots; who sees which run is notebooks.selectors' rule."""

import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from notebooks import comparison, plots, selectors, services
from notebooks.forms import ResultPlotForm


def _comparison(request) -> comparison.Comparison:
    runs = comparison.chosen_runs(user=request.user, query=request.GET)
    return comparison.comparison_of(runs, sort=request.GET.get("sort", ""))


def _headers(request, table: comparison.Comparison) -> list[dict]:
    """Each column with the link that sorts by it (the other way when it is the sort column)
    and its aria-sort."""
    headers = []
    for column in table.columns:
        current = column.key == table.sort
        query = request.GET.copy()
        query["sort"] = f"-{column.key}" if current and not table.descending else column.key
        aria_sort = ("descending" if table.descending else "ascending") if current else None
        headers.append({"column": column, "url": f"?{query.urlencode()}", "aria_sort": aria_sort})
    return headers


def _plot(request, table: comparison.Comparison) -> dict:
    form = ResultPlotForm(
        request.GET,
        parameters=table.parameter_columns,
        results=table.result_columns,
        initial_axes=comparison.default_axes(table),
    )
    if not form.is_valid() or not form.cleaned_data["x"] or not form.cleaned_data["y"]:
        return {"form": form, "points": [], "svg": ""}
    x, y = form.cleaned_data["x"], form.cleaned_data["y"]
    x_name, y_name = table.column(x).name, table.column(y).name
    points = comparison.plot_points(table, x=x, y=y)
    svg = plots.scatter_svg(
        [(point.x, point.y, f"Run {point.run.pk}") for point in points],
        x_label=x_name,
        y_label=y_name,
    )
    return {"form": form, "points": points, "svg": svg, "x": x_name, "y": y_name}


def runs_compare(request):
    """`?run=1&run=2…`: the runs among them that the viewer may see (the others are left out
    as if they did not exist), side by side; `sort`, `x` and `y` as links and a GET form."""
    try:
        table = _comparison(request)
    except ValidationError as error:
        context = {"errors": [m for ms in error.message_dict.values() for m in ms]}
        return render(request, "notebooks/compare.html", context, status=400)
    plot = _plot(request, table)
    query = request.GET.copy()
    context = {
        "table": table,
        "headers": _headers(request, table),
        "plot": plot,
        "csv_url": reverse("runs_compare_csv") + (f"?{query.urlencode()}" if query else ""),
        "run_ids": [run.pk for run in table.runs],
    }
    return render(
        request, "notebooks/compare.html", context, status=400 if plot["form"].errors else 200
    )


def runs_compare_csv(request):
    """The same table as a CSV file, with the same check of who sees which run."""
    try:
        table = _comparison(request)
    except ValidationError as error:
        text = "\n".join(m for ms in error.message_dict.values() for m in ms)
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    buffer = io.StringIO()
    csv.writer(buffer).writerows(comparison.table_rows(table))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="runs.csv"'
    return response


def run_page_results(run) -> dict:
    """What the run's page adds about results: whether it is its session's pinned result, and
    the comparison of it with its notebook's other runs. Two queries."""
    run_ids = selectors.notebook_run_ids(run, limit=comparison.MAX_RUNS)
    query = "&".join(f"run={run_id}" for run_id in run_ids)
    return {
        "is_pinned": selectors.is_pinned(run),
        "compare_url": f"{reverse('runs_compare')}?{query}" if len(run_ids) > 1 else "",
    }


def _managed_run(request, run_id: int):
    run = selectors.run_visible_to(request.user, run_id)
    if not selectors.can_manage_notebooks(request.user, run.notebook.session):
        raise PermissionDenied("Only organizers of the course choose its sessions' results.")
    return run


@login_required
@require_POST
def run_pin(request, run_id):
    run = _managed_run(request, run_id)
    try:
        services.run_pin(run=run, pinned_by=request.user)
    except services.RunStateError as error:
        return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
    return redirect(run)


@login_required
@require_POST
def run_unpin(request, run_id):
    run = _managed_run(request, run_id)
    services.run_unpin(run=run)
    return redirect(run)
