"""Moving notebooks, runs and artifacts from `tracker_sessions` to the notebooks app changes the
migration state only: a database migrated on the code before the move keeps every row, relation
and content type."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notebooks.models import Artifact, Notebook, Run
from tests.sessions.factories import SessionFactory, UserFactory
from tracker.models import DemoObject

BEFORE_THE_MOVE = [("tracker_sessions", "0009_session_recurrence_id")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()  # the previous migrate changed what is applied
    executor.migrate(targets)
    return executor


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_notebooks_runs_and_artifacts_survive_the_move_to_their_own_app():
    session = SessionFactory()
    organizer = UserFactory()
    old_apps = _migrate(BEFORE_THE_MOVE).loader.project_state(BEFORE_THE_MOVE).apps
    try:
        old_notebook_model = old_apps.get_model("tracker_sessions", "Notebook")
        old_run_model = old_apps.get_model("tracker_sessions", "Run")
        old_artifact_model = old_apps.get_model("tracker_sessions", "Artifact")
        notebook = old_notebook_model.objects.create(
            session_id=session.pk,
            title="Steering",
            file="notebooks/steering.ipynb",
            file_size=123,
            parameters={"steps": 3},
            created_by_id=organizer.pk,
        )
        finished = old_run_model.objects.create(
            notebook=notebook,
            started_by_id=organizer.pk,
            parameters={"steps": 5},
            status="succeeded",
            attempts=2,
            worker_host="gpu-1",
            worker_pid=4242,
            cells_done=4,
            cells_total=4,
        )
        queued = old_run_model.objects.create(notebook=notebook, status="queued")
        artifact = old_artifact_model.objects.create(
            run=finished,
            kind="image",
            name="plot.png",
            file="runs/plot.png",
            size=10,
            checksum="ab" * 32,
        )
        # The content type as it was before the move, and what refers to it by id.
        old_content_type = ContentType.objects.get(app_label="tracker_sessions", model="notebook")
        DemoObject.objects.create(
            key="notebook:steering", content_type=old_content_type, object_id=notebook.pk
        )
    finally:
        _migrate(_latest())
    ContentType.objects.clear_cache()

    moved = Notebook.objects.get(pk=notebook.pk)
    assert (moved.title, moved.session, moved.created_by) == ("Steering", session, organizer)
    assert moved.parameters == {"steps": 3}
    assert set(moved.runs.values_list("pk", flat=True)) == {finished.pk, queued.pk}
    run = Run.objects.get(pk=finished.pk)
    assert (run.status, run.attempts, run.worker_pid, run.started_by) == (
        Run.Status.SUCCEEDED,
        2,
        4242,
        organizer,
    )
    assert list(run.artifacts.all()) == [Artifact.objects.get(pk=artifact.pk)]
    assert list(session.notebooks.all()) == [moved]  # the relation from sessions' side too

    content_type = ContentType.objects.get_for_model(Notebook)
    assert (content_type.pk, content_type.app_label) == (old_content_type.pk, "notebooks")
    assert DemoObject.objects.get(key="notebook:steering").content_type == content_type
    assert Permission.objects.filter(content_type=content_type, codename="add_notebook").exists()
    assert not ContentType.objects.filter(app_label="tracker_sessions", model="notebook").exists()
