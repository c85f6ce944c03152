"""What a run records so its result can be reproduced: the notebook's hash, its parameters,
the device and the package versions (the worker's side is in tests/worker/)."""

import pytest
from django.urls import reverse

from notebooks import services
from notebooks.ipynb.device import package_versions
from notebooks.models import Run
from tests.notebooks.factories import NotebookFactory, finished_run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_media")]


def test_a_started_run_records_the_hash_of_the_notebook_it_was_queued_with():
    notebook = NotebookFactory()
    run = services.run_start(notebook=notebook, started_by=None)
    assert len(run.notebook_sha256) == 64
    assert run.notebook_sha256 == notebook.checksum
    assert run.package_versions == {}  # filled by the worker that runs it


def test_the_package_versions_name_python_and_the_notebook_packages():
    versions = package_versions()
    assert versions["python"].count(".") == 2
    assert {"papermill", "nbclient", "ipykernel"} <= versions.keys()


def test_the_run_page_shows_how_to_reproduce_it(client, roles):
    session, _organizer, member, _outsider = roles
    run = finished_run(session)
    Run.objects.filter(pk=run.pk).update(
        notebook_sha256="ab" * 32,
        device="cpu",
        device_name="Test CPU, 2 cores",
        package_versions={"python": "3.12.1", "papermill": "2.6.0"},
    )
    client.force_login(member)
    page = client.get(reverse("run_detail", args=[run.pk])).content.decode()
    assert "Reproduce" in page and "ab" * 32 in page
    assert "papermill 2.6.0" in page and "python 3.12.1" in page
    assert "Test CPU, 2 cores" in page and "steps = 3" in page
