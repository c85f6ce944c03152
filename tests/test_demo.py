import pytest
from django.apps import apps
from django.core.management import call_command

from notebooks import storage
from notebooks.models import Notebook
from sessions.models import Course, Session
from tests.notebooks.factories import RunFactory, notebook_bytes

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"tracker", "tracker_sessions", "notebooks", "readings", "auth"}
    }


def test_load_demo_twice_leaves_the_same_counts():
    call_command("load_demo", verbosity=0)
    first = _counts()
    call_command("load_demo", verbosity=0)
    assert _counts() == first
    assert first["tracker_sessions.Session"] >= 20
    assert first["readings.TermRevision"] > first["readings.GlossaryTerm"]


@pytest.mark.usefixtures("isolated_media")
def test_load_demo_brings_a_demo_notebook_stored_by_an_older_version_up_to_date_keeping_runs():
    call_command("load_demo", verbosity=0)
    notebook = Notebook.objects.get(title__startswith="Feature visualization")
    current = storage.read_notebook_source(notebook)
    # As a database built before demos/ moved holds it: another file, with a run of it.
    older = notebook_bytes("from sessions.demos import feature_visualization", parameters=None)
    Notebook.objects.filter(pk=notebook.pk).update(
        file=storage.save("older/feature_visualization.ipynb", older),
        checksum=storage.checksum(older),
    )
    run = RunFactory(notebook=notebook)

    call_command("load_demo", verbosity=0)

    notebook.refresh_from_db()
    assert storage.read_notebook_source(notebook) == current
    assert notebook.checksum == storage.checksum(current)
    assert list(notebook.runs.all()) == [run]
    assert Notebook.objects.count() == 2


def test_load_demo_leaves_a_users_course_of_the_same_slug_alone(course_factory):
    mine = course_factory(slug="mathematical-challenges-in-ai-2023", title="Mine")
    call_command("load_demo", verbosity=0)
    mine.refresh_from_db()
    assert mine.title == "Mine"
    assert not Session.objects.filter(course=mine).exists()
    assert Course.objects.filter(slug="ai-safety-alignment").exists()


def test_demo_seminar_keeps_sydney_wall_times_across_dst():
    call_command("load_demo", verbosity=0)
    from tracker.timezones import to_zone

    seminar = Course.objects.get(slug="mathematical-challenges-in-ai-2023")
    hours = [
        (to_zone(s.starts_at, seminar.time_zone).hour, s.starts_at.hour)
        for s in seminar.sessions.order_by("number")
    ]
    # Local 10, 8, 20, 9, 19; UTC shifts by ten hours before 1 October and eleven after.
    assert hours == [(10, 0), (8, 22), (20, 9), (9, 22), (19, 8)]
