"""Pages for sweeps: the form that starts one from a notebook (organizers), and the sweep's page
with its runs, whose table polls `sweep_status` every two seconds while any run is queued or
running (notebooks/run_progress.js), so it updates without a reload and stops once all ended.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from notebooks import selectors, services
from notebooks.forms import SweepForm
from notebooks.views import _add_errors, _require_organizer


@login_required
def sweep_new(request, notebook_id):
    """GET: the form. POST with `preview`: the runs it would start, nothing stored. POST: starts
    the sweep and opens its page."""
    notebook = selectors.notebook_visible_to(request.user, notebook_id)
    _require_organizer(request, notebook.session)
    form = SweepForm(request.POST or None, notebook=notebook)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            if "preview" in request.POST:
                preview = services.expand_grid(form.grid)  # the values each run varies
                services.checked_parameter_sets(notebook, preview, field="grid")
            else:
                sweep = services.sweep_start(
                    notebook=notebook,
                    started_by=request.user,
                    grid=form.grid,
                    max_concurrent=form.cleaned_data["max_concurrent"],
                )
                return redirect(sweep)
        except ValidationError as error:
            _add_errors(form, error)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "notebooks/sweep_new.html",
        {"notebook": notebook, "session": notebook.session, "form": form, "preview": preview},
        status=status,
    )


def _sweep_context(request, sweep_id: int) -> dict:
    sweep = selectors.sweep_visible_to(request.user, sweep_id)
    varied = selectors.sweep_varied_parameters(sweep)
    return {
        "sweep": sweep,
        "session": sweep.notebook.session,
        # Each run with the values of the parameters the sweep varies (the rest are the same).
        "rows": [
            (run, [(name, run.parameters.get(name)) for name in varied])
            for run in selectors.sweep_runs(sweep)
        ],
        "status": selectors.sweep_status(sweep),
        "active": selectors.sweep_is_active(sweep),
        "can_manage": selectors.can_manage_notebooks(request.user, sweep.notebook.session),
    }


def sweep_detail(request, sweep_id):
    return render(request, "notebooks/sweep_detail.html", _sweep_context(request, sweep_id))


def sweep_status(request, sweep_id):
    """The sweep's table (or with `summary=1` its line in the session's section), polled while
    any of its runs is queued or running."""
    if request.GET.get("summary"):
        sweep = selectors.sweep_visible_to(request.user, sweep_id)
        return render(request, "notebooks/_sweep_summary.html", sweep_summary_context(sweep))
    return render(request, "notebooks/_sweep_runs.html", _sweep_context(request, sweep_id))


def sweep_summary_context(sweep) -> dict:
    """A sweep with its runs counted by status (from selectors), as its one-line summary."""
    return {
        "sweep": sweep,
        "status": selectors.sweep_status(sweep),
        "active": selectors.sweep_is_active(sweep),
    }


@login_required
@require_POST
def sweep_cancel(request, sweep_id):
    sweep = selectors.sweep_visible_to(request.user, sweep_id)
    _require_organizer(request, sweep.notebook.session)
    try:
        services.sweep_cancel(sweep=sweep, user=request.user)
    except services.RunStateError as error:
        return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
    return redirect(sweep)
