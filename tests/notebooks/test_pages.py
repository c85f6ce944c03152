import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from notebooks.models import Notebook, Run
from tests.notebooks.factories import (
    ArtifactFactory,
    NotebookFactory,
    RunFactory,
    SweepFactory,
    notebook_bytes,
    stored_files,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_media")]

DEMO_NOTEBOOKS = Path(__file__).resolve().parents[2] / "demos" / "notebooks"


def _section_url(session) -> str:
    return reverse("session_notebooks", args=[session.course.slug, session.number])


def test_members_see_notebooks_and_runs_but_no_controls(client, roles):
    session, _organizer, member, _outsider = roles
    run = RunFactory(
        notebook=NotebookFactory(session=session, title="Attention probe"),
        status=Run.Status.FAILED,
        reason="Cell 3 (In [2]) raised ValueError: boom",
    )
    client.force_login(member)
    page = client.get(_section_url(session)).content.decode()
    assert "Attention probe" in page
    assert "Cell 3 (In [2]) raised ValueError: boom" in page
    assert reverse("run_detail", args=[run.pk]) in page
    assert "Start a run" not in page and "Add a notebook" not in page


def test_organizers_get_a_parameters_form_and_an_upload_form(client, roles):
    session, organizer, _member, _outsider = roles
    notebook = NotebookFactory(session=session, parameters={"steps": 7})
    client.force_login(organizer)
    page = client.get(_section_url(session)).content.decode()
    assert "Add a notebook" in page
    assert f'name="run-{notebook.pk}-steps"' in page and 'value="7"' in page


def test_outsiders_do_not_see_a_members_only_sessions_notebooks(client, roles):
    session, _organizer, _member, outsider = roles
    notebook = NotebookFactory(session=session)
    client.force_login(outsider)
    assert client.get(_section_url(session)).status_code == 404
    assert client.get(reverse("notebook_file", args=[notebook.pk])).status_code == 404


def test_members_cannot_start_runs_or_add_notebooks(client, roles):
    session, _organizer, member, _outsider = roles
    notebook = NotebookFactory(session=session)
    client.force_login(member)
    started = client.post(reverse("run_start", args=[notebook.pk]), {f"run-{notebook.pk}-steps": 1})
    upload = SimpleUploadedFile("n.ipynb", notebook_bytes("print(1)"))
    added = client.post(
        reverse("notebook_upload", args=[session.course.slug, session.number]),
        {"title": "Mine", "file": upload, "queue": "cpu", "time_limit": 60},
    )
    assert (started.status_code, added.status_code) == (403, 403)
    assert not Run.objects.exists()
    assert Notebook.objects.count() == 1


def test_an_organizer_starts_a_run_from_the_form(client, roles, django_capture_on_commit_callbacks):
    session, organizer, _member, _outsider = roles
    notebook = NotebookFactory(session=session)
    client.force_login(organizer)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("run_start", args=[notebook.pk]),
            {f"run-{notebook.pk}-steps": "5", f"run-{notebook.pk}-label": "page", "next": "/"},
        )
    assert response.status_code == 302
    run = Run.objects.get()
    assert run.parameters == {"steps": 5, "label": "page"}
    assert run.started_by == organizer and len(callbacks) == 1


def test_a_bad_parameter_in_the_form_is_a_form_error(client, roles):
    session, organizer, _member, _outsider = roles
    notebook = NotebookFactory(session=session)
    client.force_login(organizer)
    response = client.post(
        reverse("run_start", args=[notebook.pk]), {f"run-{notebook.pk}-steps": "many"}
    )
    assert response.status_code == 400
    assert "Enter a whole number." in response.content.decode()
    assert not Run.objects.exists()


def test_a_bad_upload_on_the_page_is_a_form_error_and_stores_nothing(client, roles, settings):
    session, organizer, _member, _outsider = roles
    client.force_login(organizer)
    upload = SimpleUploadedFile("notes.ipynb", b"just some notes")
    response = client.post(
        reverse("notebook_upload", args=[session.course.slug, session.number]),
        {"title": "Notes", "file": upload, "queue": "cpu", "time_limit": 60},
    )
    assert response.status_code == 400
    assert "This is not a notebook: the file is not JSON." in response.content.decode()
    assert not Notebook.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []


def test_an_organizer_adds_a_notebook_from_the_page(client, roles):
    session, organizer, _member, _outsider = roles
    client.force_login(organizer)
    upload = SimpleUploadedFile("probe.ipynb", notebook_bytes("print(steps)"))
    response = client.post(
        reverse("notebook_upload", args=[session.course.slug, session.number]),
        {
            "title": "Probe",
            "file": upload,
            "parameters": '{"steps": 9}',
            "queue": "gpu",
            "time_limit": 60,
        },
    )
    assert response.status_code == 302
    notebook = Notebook.objects.get()
    assert (notebook.title, notebook.parameters, notebook.queue) == ("Probe", {"steps": 9}, "gpu")


def test_a_running_runs_fragment_polls_and_a_finished_one_stops(client, roles):
    session, _organizer, member, _outsider = roles
    run = RunFactory(
        notebook=NotebookFactory(session=session),
        status=Run.Status.RUNNING,
        cells_done=2,
        cells_total=5,
    )
    client.force_login(member)
    status_url = reverse("run_status", args=[run.pk])
    running = client.get(status_url).content.decode()
    assert f'data-poll-url="{status_url}"' in running and "2 of 5 code cells" in running
    Run.objects.filter(pk=run.pk).update(status=Run.Status.SUCCEEDED, cells_done=5)
    finished = client.get(status_url).content.decode()
    assert "data-poll-url" not in finished and "Succeeded" in finished


def test_the_html_artifact_is_served_sandboxed_and_shown_in_a_sandboxed_iframe(client, roles):
    session, _organizer, member, _outsider = roles
    run = RunFactory(notebook=NotebookFactory(session=session))
    html = ArtifactFactory(run=run, kind="html", name="executed.html", content=b"<p>hi</p>")
    client.force_login(member)
    response = client.get(html.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Security-Policy"].startswith("sandbox;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == b"<p>hi</p>"
    page = client.get(reverse("run_detail", args=[run.pk])).content.decode()
    assert f'<iframe class="notebook-html" sandbox src="{html.get_absolute_url()}"' in page
    assert "allow-same-origin" not in page and "allow-scripts" not in page


def test_other_artifacts_are_downloads(client, roles):
    session, _organizer, member, _outsider = roles
    run = RunFactory(notebook=NotebookFactory(session=session))
    image = ArtifactFactory(run=run, kind="image", name="cell-02-output-1.svg", content=b"<svg/>")
    client.force_login(member)
    response = client.get(image.get_absolute_url())
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"].startswith("sandbox;")


def test_artifacts_of_a_hidden_session_are_not_found(client, roles):
    session, _organizer, _member, outsider = roles
    html = ArtifactFactory(
        run=RunFactory(notebook=NotebookFactory(session=session)), kind="html", name="x.html"
    )
    client.force_login(outsider)
    assert client.get(html.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(html.get_absolute_url()).status_code == 404


def _notebooks_with_runs(session, count: int) -> None:
    """Each notebook with two runs of its own and a sweep of three runs."""
    for _ in range(count):
        notebook = NotebookFactory(session=session)
        for _ in range(2):
            ArtifactFactory(run=RunFactory(notebook=notebook))
        sweep = SweepFactory(notebook=notebook)
        for index, status in enumerate((Run.Status.SUCCEEDED, Run.Status.RUNNING, "queued")):
            ArtifactFactory(
                run=RunFactory(notebook=notebook, sweep=sweep, sweep_index=index, status=status)
            )


@pytest.mark.parametrize("count", [1, 4])
def test_the_section_takes_the_same_queries_however_many_runs(
    client, roles, django_assert_num_queries, count
):
    session, organizer, _member, _outsider = roles
    _notebooks_with_runs(session, count)
    client.force_login(organizer)
    # sign-in 2, the viewer's time zone 1 (then kept in the sign-in session: an update and its
    # savepoints), the session 1, the organizer check 1, the pinned result 1, notebooks 1,
    # runs 1, artifacts 1, sweeps 1
    with django_assert_num_queries(13):
        response = client.get(_section_url(session))
    page = response.content.decode()
    # The sweep's runs are on its page; here it is one line, polled as one while it runs.
    assert page.count('class="run run-') == 2 * count
    assert page.count("(3 runs: 1 succeeded, 1 running, 1 waiting)") == count
    assert page.count('?summary=1"') == count


def test_the_admin_lists_runs_read_only(admin_client):
    run = RunFactory(reason="Cell 2 raised KeyError: 'x'")
    assert admin_client.get(reverse("admin:notebooks_run_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:notebooks_run_change", args=[run.pk]))
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()


def test_the_run_form_as_shown_starts_a_run_though_the_notebook_declares_device(
    client, roles, django_capture_on_commit_callbacks
):
    """The demo notebooks declare `device` for the worker to set: the form must not offer it,
    or submitting the form unchanged is refused."""
    session, organizer, _member, _outsider = roles
    notebook = NotebookFactory(
        session=session,
        content=notebook_bytes("print(device, steps)", parameters='device = "cpu"\nsteps = 2'),
    )
    client.force_login(organizer)
    page = client.get(session.get_absolute_url()).content.decode()
    assert f'name="run-{notebook.pk}-device"' not in page
    shown = dict(re.findall(rf'name="(run-{notebook.pk}-[a-z_]+)"[^>]*value="([^"]*)"', page))
    assert shown == {f"run-{notebook.pk}-steps": "2"}
    with django_capture_on_commit_callbacks():
        response = client.post(reverse("run_start", args=[notebook.pk]), shown)
    assert response.status_code == 302
    assert Run.objects.get().parameters == {"steps": 2}


def test_only_organizers_see_which_worker_host_ran_a_run(client, roles):
    session, organizer, member, _outsider = roles
    run = RunFactory(notebook=NotebookFactory(session=session), worker_host="gpu-box-7.internal")
    for person, shown in ((member, False), (organizer, True)):
        client.force_login(person)
        for url in (_section_url(session), reverse("run_detail", args=[run.pk])):
            assert ("gpu-box-7.internal" in client.get(url).content.decode()) is shown, url


def test_run_form_fields_are_named_as_in_the_notebook_and_explained_by_its_comments(client, roles):
    session, organizer, _member, _outsider = roles
    notebook = NotebookFactory(
        session=session,
        content=notebook_bytes(
            "print(d_model)",
            parameters="d_model = 64  # width of the residual stream\nlabel = '# not a comment'",
        ),
    )
    client.force_login(organizer)
    page = client.get(session.get_absolute_url()).content.decode()
    assert f'<label for="id_run-{notebook.pk}-d_model">d_model:</label>' in page
    assert "width of the residual stream (default 64)" in page
    assert "Default &#x27;# not a comment&#x27;" in page


WORKER_CELL = 'device = "cpu"\ncpu_threads = 1\nweights_path = ""\noutput_dir = "."\nsteps = 2'


def test_the_run_form_leaves_out_every_parameter_the_worker_sets(client, roles):
    session, organizer, _member, _outsider = roles
    notebook = NotebookFactory(
        session=session, content=notebook_bytes("print(steps)", parameters=WORKER_CELL)
    )
    client.force_login(organizer)
    page = client.get(_section_url(session)).content.decode()
    names = set(re.findall(rf'name="run-{notebook.pk}-([a-z_]+)"', page))
    assert names == {"steps"}


@pytest.mark.parametrize("name", ["device", "cpu_threads", "weights_path", "output_dir"])
def test_the_api_refuses_a_parameter_the_worker_sets_naming_it(roles, name):
    session, organizer, _member, _outsider = roles
    notebook = NotebookFactory(
        session=session, content=notebook_bytes("print(steps)", parameters=WORKER_CELL)
    )
    api = APIClient()
    api.force_authenticate(organizer)
    response = api.post(
        f"/api/v1/notebooks/{notebook.pk}/runs/", {"parameters": {name: "/etc"}}, format="json"
    )
    assert response.status_code == 400
    message = " ".join(response.json()["parameters"])
    assert f"'{name}' is " in message and "worker" in message and "leave it out" in message
    assert not Run.objects.exists()


GROUPED_CELL = """seed = 0
# --- Model ---
d_model = 64  # width of the residual stream
n_layers = 2
# === Training ===
epochs = 3
label = "# --- not a heading ---"
# --- Advanced ---
batch_size = 32
"""


def _fieldsets(page: str) -> list[tuple[str, list[str]]]:
    """(legend, field names) of each fieldset of the run form, in order."""
    return [
        (legend, re.findall(r'name="run-\d+-([a-z_]+)"', body))
        for legend, body in re.findall(
            r'<fieldset class="parameter-group"><legend>([^<]*)</legend>(.*?)</fieldset>',
            page,
            re.DOTALL,
        )
    ]


def test_the_run_form_groups_parameters_under_the_notebooks_headings(client, roles):
    session, organizer, _member, _outsider = roles
    NotebookFactory(session=session, content=notebook_bytes("print(1)", parameters=GROUPED_CELL))
    client.force_login(organizer)
    page = client.get(_section_url(session)).content.decode()
    assert _fieldsets(page) == [
        ("Model", ["d_model", "n_layers"]),
        ("Training", ["epochs", "label"]),
    ]
    start = page.index("<summary>Start a run</summary>")
    form = page[start : page.index("</form>", start)]
    # Before the first heading: no fieldset; the "Advanced" group folded away, last.
    assert form.index('-seed"') < form.index("<fieldset")
    advanced = form[form.index('<details class="advanced-parameters">') :]
    assert "<summary>Advanced</summary>" in advanced and '-batch_size"' in advanced
    assert '-epochs"' not in advanced


def test_an_error_in_an_advanced_parameter_opens_its_group(client, roles):
    session, organizer, _member, _outsider = roles
    notebook = NotebookFactory(
        session=session, content=notebook_bytes("print(1)", parameters=GROUPED_CELL)
    )
    client.force_login(organizer)
    fields = {"seed": "0", "d_model": "64", "n_layers": "2", "epochs": "3", "batch_size": "big"}
    response = client.post(
        reverse("run_start", args=[notebook.pk]),
        {f"run-{notebook.pk}-{name}": value for name, value in fields.items()},
    )
    assert response.status_code == 400
    assert '<details class="advanced-parameters" open>' in response.content.decode()
    assert not Run.objects.exists()


def test_the_demo_notebooks_run_forms_are_grouped_with_no_worker_parameters(client, roles):
    session, organizer, _member, _outsider = roles
    for name in ("activation_steering", "feature_visualization"):
        NotebookFactory(
            session=session, title=name, content=(DEMO_NOTEBOOKS / f"{name}.ipynb").read_bytes()
        )
    client.force_login(organizer)
    page = client.get(_section_url(session)).content.decode()
    legends = [legend for legend, _names in _fieldsets(page)]
    assert legends == ["Model", "Training", "Steering", "Model", "Visualization"]
    assert page.count('<details class="advanced-parameters">') == 2
    for hidden in ("device", "cpu_threads", "weights_path", "output_dir"):
        assert f'-{hidden}"' not in page


def test_a_parameters_comment_shows_as_text_not_html(client, roles):
    session, organizer, _member, _outsider = roles
    NotebookFactory(
        session=session,
        content=notebook_bytes("print(1)", parameters="steps = 2  # <img src=x onerror=alert(1)>"),
    )
    client.force_login(organizer)
    page = client.get(_section_url(session)).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt; (default 2)" in page
