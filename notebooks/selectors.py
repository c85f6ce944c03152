"""Reads for notebooks, runs and artifacts. Each is visible exactly where its session is
(sessions.selectors decides that); only organizers of the course manage them."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from notebooks.models import Artifact, Notebook, PinnedRun, Run, Sweep
from sessions.models import Session
from sessions.selectors import is_course_organizer, sessions_visible_to


def _visible_session_ids(user) -> QuerySet:
    return sessions_visible_to(user).values("id")


def notebooks_visible_to(user) -> QuerySet[Notebook]:
    return Notebook.objects.filter(session_id__in=_visible_session_ids(user)).select_related(
        "session__course"
    )


def runs_visible_to(user) -> QuerySet[Run]:
    return Run.objects.filter(notebook__session_id__in=_visible_session_ids(user)).select_related(
        "notebook__session__course", "started_by", "cancel_requested_by"
    )


def artifacts_visible_to(user) -> QuerySet[Artifact]:
    return Artifact.objects.filter(run__notebook__session_id__in=_visible_session_ids(user))


def notebook_visible_to(user, notebook_id: int) -> Notebook:
    return get_object_or_404(notebooks_visible_to(user), pk=notebook_id)


def run_visible_to(user, run_id: int) -> Run:
    return get_object_or_404(runs_visible_to(user), pk=run_id)


def artifact_visible_to(user, *, run_id: int, artifact_id: int) -> Artifact:
    return get_object_or_404(artifacts_visible_to(user), pk=artifact_id, run_id=run_id)


def can_manage_notebooks(user, session: Session) -> bool:
    """Organizers (and superusers) add notebooks and start, stop and delete runs."""
    return is_course_organizer(user=user, course=session.course)


def runs_with_artifacts(runs: QuerySet[Run]) -> QuerySet[Run]:
    return runs.prefetch_related(Prefetch("artifacts", queryset=Artifact.objects.order_by("id")))


def session_notebooks(session: Session) -> QuerySet[Notebook]:
    """The session's notebooks with their single runs (newest first), the runs' artifacts and
    the notebooks' sweeps with their runs counted by status, in a fixed number of queries however
    many there are. A sweep's runs are on its own page: the section shows each sweep as one
    line, so a 100-run sweep is not 100 entries polling the server."""
    runs = runs_with_artifacts(
        Run.objects.filter(sweep__isnull=True)
        .select_related("started_by")
        .order_by("-queued_at", "-id")
    )
    return (
        Notebook.objects.filter(session=session)
        .select_related("session__course")
        .prefetch_related(
            Prefetch("runs", queryset=runs),
            Prefetch(
                "sweeps",
                queryset=_with_run_counts(Sweep.objects.all()).order_by("-created_at", "-id"),
            ),
        )
        .order_by("title", "id")
    )


def pinned_run_of(session: Session) -> PinnedRun | None:
    """The run pinned as the session's result, with its notebook and artifacts, or None. Two
    queries (one when nothing is pinned). Whoever sees the session sees it."""
    return (
        PinnedRun.objects.filter(session=session)
        .select_related("run__notebook", "run__started_by")
        .prefetch_related(Prefetch("run__artifacts", queryset=Artifact.objects.order_by("id")))
        .first()
    )


def notebook_run_ids(run: Run, *, limit: int) -> list[int]:
    """Ids of the runs of the run's notebook, newest first, at most `limit`: what its page
    offers to compare it with."""
    runs = Run.objects.filter(notebook_id=run.notebook_id).order_by("-queued_at", "-id")
    return list(runs.values_list("pk", flat=True)[:limit])


def is_pinned(run: Run) -> bool:
    return PinnedRun.objects.filter(run=run).exists()


def sweeps_visible_to(user) -> QuerySet[Sweep]:
    """Sweeps of the notebooks the user may see, each with its runs counted by status
    (`runs_total`, `runs_<status>`), so a list shows every sweep's status in one query."""
    return _with_run_counts(
        Sweep.objects.filter(notebook__session_id__in=_visible_session_ids(user))
    ).select_related("notebook__session__course", "started_by", "cancel_requested_by")


def _with_run_counts(sweeps: QuerySet[Sweep]) -> QuerySet[Sweep]:
    counts = {
        f"runs_{status}": Count("runs", filter=Q(runs__status=status))
        for status in Run.Status.values
    }
    return sweeps.annotate(runs_total=Count("runs"), **counts)


def sweep_visible_to(user, sweep_id: int) -> Sweep:
    return get_object_or_404(sweeps_visible_to(user), pk=sweep_id)


def sweep_runs(sweep: Sweep) -> QuerySet[Run]:
    """The sweep's runs in the order of its parameter sets (visible wherever the sweep is)."""
    return (
        Run.objects.filter(sweep=sweep)
        .select_related("notebook__session__course", "started_by", "cancel_requested_by")
        .order_by("sweep_index", "id")
    )


def sweep_status(sweep: Sweep) -> str:
    """What a sweep is doing, from its runs' counts (a sweep from sweeps_visible_to): queued
    (none started), running, cancelling, then succeeded (all did), cancelled, or finished (all
    ended, some not well)."""
    active = sweep.runs_queued + sweep.runs_running
    if active:
        if sweep.cancel_requested_at is not None:
            return "cancelling"
        return "queued" if active == sweep.runs_total and not sweep.runs_running else "running"
    if sweep.runs_total and sweep.runs_succeeded == sweep.runs_total:
        return "succeeded"
    return "cancelled" if sweep.cancel_requested_at is not None else "finished"


def sweep_is_active(sweep: Sweep) -> bool:
    return bool(sweep.runs_queued + sweep.runs_running)


def sweep_varied_parameters(sweep: Sweep) -> list[str]:
    """The names the sweep's grid or sets give values to, in their order."""
    if sweep.kind == Sweep.Kind.GRID:
        return list(sweep.spec)
    return list(dict.fromkeys(name for parameter_set in sweep.spec for name in parameter_set))
