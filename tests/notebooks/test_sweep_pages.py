"""The sweep pages: the form an organizer starts a sweep from (typed values per line, a preview,
errors naming the parameter), the sweep page and its polled table, cancel, and the links."""

import pytest
from django.urls import reverse

from notebooks.models import Run, Sweep
from tests.notebooks.factories import NotebookFactory, RunFactory, SweepFactory, notebook_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_media")]

TYPED = notebook_bytes(
    "print(steps)",
    parameters="steps = 2\nrate = 0.5\nflag = False\nlabel = 'tiny'\nsizes = [1]\ndevice = 'cpu'",
)


def _form(**values) -> dict:
    return {"max_concurrent": "2", **values}


def test_an_organizer_starts_a_grid_sweep_with_values_typed_one_per_line(
    client, roles, django_capture_on_commit_callbacks
):
    session, organizer, _member, _outsider = roles
    notebook = NotebookFactory(session=session, content=TYPED)
    client.force_login(organizer)
    url = reverse("sweep_new", args=[notebook.pk])
    form = client.get(url).content.decode()
    assert 'name="steps"' in form and 'name="device"' not in form  # the worker's is not offered
    values = _form(steps="1\n2\n", rate="0.1\n1e-3", flag="true\nfalse", sizes="[0]\n[2.5]")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, values)
    sweep = Sweep.objects.get()
    assert response.status_code == 302 and response.url == sweep.get_absolute_url()
    assert sweep.spec == {
        "steps": [1, 2],
        "rate": [0.1, 0.001],
        "flag": [True, False],
        "sizes": [[0], [2.5]],
    }
    assert sweep.runs.count() == 16 and len(callbacks) == 2


def test_the_preview_counts_the_runs_and_stores_nothing(client, roles):
    session, organizer, _member, _outsider = roles
    notebook = NotebookFactory(session=session, content=TYPED)
    client.force_login(organizer)
    response = client.post(
        reverse("sweep_new", args=[notebook.pk]),
        _form(steps="1\n2\n3", label="a\nb", preview="1"),
    )
    page = response.content.decode()
    assert response.status_code == 200 and "6 runs" in page
    assert "<li><code>steps=3</code>, <code>label=b</code></li>" in page
    assert not Sweep.objects.exists() and not Run.objects.exists()


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ({"steps": "1\nmany"}, "Line 2 (many): Enter a whole number."),
        ({"sizes": "[1]\n[2"}, "Line 2 ([2): Enter a JSON value"),
        ({}, "Enter at least one value to try for one parameter."),
        ({"steps": "1\n1"}, "is the same as set 1"),
    ],
)
def test_bad_values_are_form_errors_naming_the_line_and_nothing_is_stored(
    client, roles, values, said
):
    session, organizer, _member, _outsider = roles
    notebook = NotebookFactory(session=session, content=TYPED)
    client.force_login(organizer)
    response = client.post(reverse("sweep_new", args=[notebook.pk]), _form(**values))
    assert response.status_code == 400
    assert said in response.content.decode().replace("&#x27;", "'")
    assert not Sweep.objects.exists() and not Run.objects.exists()


def test_members_get_no_sweep_form_and_cannot_cancel(client, roles):
    session, _organizer, member, _outsider = roles
    notebook = NotebookFactory(session=session)
    sweep = SweepFactory(notebook=notebook)
    RunFactory(notebook=notebook, sweep=sweep, sweep_index=0, status="queued")
    client.force_login(member)
    assert client.get(reverse("sweep_new", args=[notebook.pk])).status_code == 403
    assert client.post(reverse("sweep_cancel", args=[sweep.pk])).status_code == 403
    page = client.get(sweep.get_absolute_url()).content.decode()
    assert "Cancel sweep" not in page and "Run " in page
    section = client.get(reverse("session_notebooks", args=[session.course.slug, 1]))
    assert reverse("sweep_new", args=[notebook.pk]) not in section.content.decode()


def test_the_sweep_table_polls_while_a_run_is_active_and_stops_when_all_ended(client, roles):
    session, _organizer, member, _outsider = roles
    notebook = NotebookFactory(session=session)
    sweep = SweepFactory(notebook=notebook, spec={"steps": [1, 2]})
    _first, second = (
        RunFactory(notebook=notebook, sweep=sweep, sweep_index=i, parameters={"steps": i + 1})
        for i in range(2)
    )
    Run.objects.filter(pk=second.pk).update(status="running", cells_done=1, cells_total=4)
    client.force_login(member)
    status_url = reverse("sweep_status", args=[sweep.pk])
    running = client.get(status_url).content.decode()
    assert f'data-poll-url="{status_url}"' in running
    assert "<code>steps=2</code>" in running and "1/4" in running and "Running" in running
    Run.objects.filter(pk=second.pk).update(status="failed", cells_done=4)
    finished = client.get(status_url).content.decode()
    assert "data-poll-url" not in finished and "Finished" in finished


def test_the_sweeps_line_on_the_session_page_polls_until_every_run_ended(client, roles):
    session, _organizer, member, _outsider = roles
    notebook = NotebookFactory(session=session)
    sweep = SweepFactory(notebook=notebook)
    runs = [
        RunFactory(notebook=notebook, sweep=sweep, sweep_index=i, status="queued") for i in range(2)
    ]
    Run.objects.filter(pk=runs[0].pk).update(status="succeeded")
    client.force_login(member)
    summary_url = reverse("sweep_status", args=[sweep.pk]) + "?summary=1"
    page = client.get(session.get_absolute_url()).content.decode()
    assert f'data-poll-url="{summary_url}"' in page
    assert f"/runs/{runs[1].pk}/" not in page  # the sweep's runs are on its own page

    line = client.get(summary_url).content.decode()
    assert line.startswith('<li class="sweep-summary') and "1 succeeded, 1 waiting" in line
    Run.objects.filter(pk=runs[1].pk).update(status="succeeded")
    line = client.get(summary_url).content.decode()
    assert "data-poll-url" not in line and "succeeded" in line
    assert f"?sweep={sweep.pk}" in line  # compare its results


def test_an_organizer_cancels_a_sweep_from_its_page(client, roles):
    session, organizer, _member, _outsider = roles
    notebook = NotebookFactory(session=session)
    sweep = SweepFactory(notebook=notebook)
    run = RunFactory(notebook=notebook, sweep=sweep, sweep_index=0, status="queued")
    client.force_login(organizer)
    assert "Cancel sweep" in client.get(sweep.get_absolute_url()).content.decode()
    response = client.post(reverse("sweep_cancel", args=[sweep.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == "cancelled"
    assert client.post(reverse("sweep_cancel", args=[sweep.pk])).status_code == 409


def test_the_session_page_and_the_runs_pages_link_the_sweep(client, roles):
    session, organizer, _member, _outsider = roles
    notebook = NotebookFactory(session=session)
    sweep = SweepFactory(notebook=notebook)
    run = RunFactory(notebook=notebook, sweep=sweep, sweep_index=1)
    client.force_login(organizer)
    page = client.get(session.get_absolute_url()).content.decode()
    assert sweep.get_absolute_url() in page and reverse("sweep_new", args=[notebook.pk]) in page
    run_page = client.get(run.get_absolute_url()).content.decode()
    assert f'<a href="{sweep.get_absolute_url()}">sweep {sweep.pk}</a>, set 2' in run_page


def test_outsiders_do_not_see_a_members_only_sweep(client, roles):
    session, _organizer, _member, outsider = roles
    sweep = SweepFactory(notebook=NotebookFactory(session=session))
    client.force_login(outsider)
    assert client.get(sweep.get_absolute_url()).status_code == 404
    assert client.get(reverse("sweep_status", args=[sweep.pk])).status_code == 404
    summary = reverse("sweep_status", args=[sweep.pk]) + "?summary=1"
    assert client.get(summary).status_code == 404


def test_the_admin_lists_sweeps_read_only(admin_client):
    sweep = SweepFactory()
    assert admin_client.get(reverse("admin:notebooks_sweep_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:notebooks_sweep_change", args=[sweep.pk]))
    assert page.status_code == 200 and 'name="max_concurrent"' not in page.content.decode()
