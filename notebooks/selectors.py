"""Reads for notebooks, runs and artifacts. Each is visible exactly where its session is
(sessions.selectors decides that); only organizers of the course manage them."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from notebooks.models import Artifact, Notebook, PinnedRun, Run
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
    """The session's notebooks with their runs (newest first) and the runs' artifacts, in a
    fixed number of queries however many there are."""
    runs = runs_with_artifacts(
        Run.objects.select_related("started_by").order_by("-queued_at", "-id")
    )
    return (
        Notebook.objects.filter(session=session)
        .select_related("session__course")
        .prefetch_related(Prefetch("runs", queryset=runs))
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
