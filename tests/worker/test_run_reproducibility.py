"""What a run records so its result can be reproduced, filled in by a real worker process, and a
rerun of it with a parameter changed going through the same worker."""

import hashlib
import importlib.metadata
import platform

import pytest
from django.core.files.storage import default_storage
from rest_framework.test import APIClient

from notebooks.models import Run
from tests.notebooks.factories import NotebookFactory, notebook_bytes
from tests.sessions.factories import SessionFactory
from tests.worker_process import wait_until_finished

pytestmark = pytest.mark.worker


def test_the_worker_records_the_hash_and_versions_and_a_rerun_changes_one_parameter(
    celery_worker, course_with_roles
):
    course, organizer, _member, _outsider = course_with_roles
    content = notebook_bytes("print('steps', steps, 'label', label)")
    notebook = NotebookFactory(session=SessionFactory(course=course), content=content)
    client = APIClient()
    client.force_authenticate(organizer)

    started = client.post(
        f"/api/v1/notebooks/{notebook.pk}/runs/", {"parameters": {"steps": 3}}, format="json"
    )
    assert started.status_code == 201, started.content
    first = wait_until_finished(Run.objects.get(pk=started.json()["id"]), worker=celery_worker)
    assert first.status == "succeeded", first.reason
    assert first.notebook_sha256 == hashlib.sha256(content).hexdigest()
    assert first.package_versions["python"] == platform.python_version()
    for package in ("papermill", "nbclient", "ipykernel"):
        assert first.package_versions[package] == importlib.metadata.version(package)

    rerun = client.post(
        f"/api/v1/runs/{first.pk}/rerun/", {"parameters": {"label": "again"}}, format="json"
    )
    assert rerun.status_code == 201, rerun.content
    second = wait_until_finished(Run.objects.get(pk=rerun.json()["id"]), worker=celery_worker)
    assert second.status == "succeeded", second.reason
    assert second.parameters == {"steps": 3, "label": "again"}
    executed = next(a for a in second.artifacts.all() if a.name.endswith(".ipynb"))
    assert b"steps 3 label again" in default_storage.open(executed.file.name).read()
    assert (second.notebook_sha256, second.package_versions) == (
        first.notebook_sha256,
        first.package_versions,
    )
