"""Running a run again with its parameters edited: as a service, and on its page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notebooks import services
from notebooks.models import Run
from tests.notebooks.factories import finished_run, notebook_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_media")]


def test_a_rerun_merges_the_new_parameters_over_the_old_runs(
    roles, django_capture_on_commit_callbacks
):
    session, organizer, _member, _outsider = roles
    old = finished_run(session)
    with django_capture_on_commit_callbacks() as callbacks:
        new = services.run_rerun(run=old, started_by=organizer, parameters={"steps": 9})
    assert new.pk != old.pk and new.notebook == old.notebook
    assert new.parameters == {"steps": 9, "label": "old"}
    assert (new.status, new.started_by) == (Run.Status.QUEUED, organizer)
    assert len(callbacks) == 1


def test_a_rerun_without_overrides_repeats_the_old_parameters(roles):
    session, organizer, _member, _outsider = roles
    old = finished_run(session, steps=7)
    new = services.run_rerun(run=old, started_by=organizer)
    assert new.parameters == {"steps": 7, "label": "old"}


@pytest.mark.parametrize(
    ("overrides", "said"),
    [
        ({"steps": "lots"}, "'steps' must be a whole number"),
        ({"unknown": 1}, "'unknown' is not a parameter"),
        ({"device": "cuda"}, "'device' is set by the worker"),
    ],
)
def test_a_rerun_with_bad_parameters_queues_nothing(
    roles, django_capture_on_commit_callbacks, overrides, said
):
    session, organizer, _member, _outsider = roles
    old = finished_run(session)
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(ValidationError) as error,
    ):
        services.run_rerun(run=old, started_by=organizer, parameters=overrides)
    assert said in " ".join(error.value.message_dict["parameters"])
    assert list(Run.objects.all()) == [old] and callbacks == []


def test_a_rerun_is_checked_against_the_notebooks_current_parameters_cell(roles):
    session, organizer, _member, _outsider = roles
    old = finished_run(session)
    services.notebook_file_replace(
        notebook=old.notebook,
        content=notebook_bytes("print(steps)", parameters="steps = 2"),
        file_name="v2.ipynb",
    )
    with pytest.raises(ValidationError) as error:
        services.run_rerun(run=old, started_by=organizer)
    assert "'label' is not a parameter" in " ".join(error.value.message_dict["parameters"])
    assert Run.objects.count() == 1


def test_the_rerun_page_is_prefilled_with_the_runs_parameters(client, roles):
    session, organizer, _member, _outsider = roles
    old = finished_run(session, steps=7)
    client.force_login(organizer)
    detail = client.get(reverse("run_detail", args=[old.pk])).content.decode()
    assert reverse("run_rerun", args=[old.pk]) in detail
    section = reverse("session_notebooks", args=[session.course.slug, session.number])
    assert reverse("run_rerun", args=[old.pk]) in client.get(section).content.decode()
    page = client.get(reverse("run_rerun", args=[old.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    prefix = f"run-{old.notebook.pk}"
    assert f'name="{prefix}-steps" value="7"' in html
    assert f'name="{prefix}-label" value="old"' in html


def test_submitting_the_rerun_page_starts_a_run_and_opens_it(
    client, roles, django_capture_on_commit_callbacks
):
    session, organizer, _member, _outsider = roles
    old = finished_run(session)
    prefix = f"run-{old.notebook.pk}"
    client.force_login(organizer)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("run_rerun", args=[old.pk]), {f"{prefix}-steps": "4", f"{prefix}-label": "new"}
        )
    new = Run.objects.exclude(pk=old.pk).get()
    assert response.status_code == 302 and response.url == reverse("run_detail", args=[new.pk])
    assert new.parameters == {"steps": 4, "label": "new"} and len(callbacks) == 1


def test_a_bad_value_on_the_rerun_page_is_a_form_error(client, roles):
    session, organizer, _member, _outsider = roles
    old = finished_run(session)
    client.force_login(organizer)
    response = client.post(
        reverse("run_rerun", args=[old.pk]), {f"run-{old.notebook.pk}-steps": "many"}
    )
    assert response.status_code == 400
    assert "Enter a whole number." in response.content.decode()
    assert Run.objects.count() == 1


def test_only_organizers_run_again(client, roles):
    session, _organizer, member, outsider = roles
    old = finished_run(session)
    url = reverse("run_rerun", args=[old.pk])
    client.force_login(member)
    assert "Run again" not in client.get(reverse("run_detail", args=[old.pk])).content.decode()
    assert client.get(url).status_code == 403
    assert client.post(url, {f"run-{old.notebook.pk}-steps": "4"}).status_code == 403
    client.force_login(outsider)
    assert client.post(url, {f"run-{old.notebook.pk}-steps": "4"}).status_code == 404
    assert Run.objects.count() == 1
