"""A run's results through a real worker: a notebook that writes metrics.json and records a
value the way scrapbook's glue does ends with both in run.results, in the API and on the page;
a notebook that fails after recording keeps what it recorded."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from notebooks.models import Run
from tests.notebooks.factories import NotebookFactory, notebook_bytes
from tests.worker_process import wait_until_finished

pytestmark = pytest.mark.worker

# What `scrapbook.glue(name, value)` does (scrapbook/api.py), without scrapbook installed.
GLUE = """
from IPython.display import display

def glue(name, value):
    payload = {"name": name, "data": value, "encoder": "json", "version": 1}
    display(
        {"application/scrapbook.scrap.json+json": payload},
        metadata={"scrapbook": {"name": name, "data": True, "display": False}},
        raw=True,
    )
"""
WRITE_METRICS = (
    "import json\n"
    "json.dump({'accuracy': 0.5, 'eval': {'loss': 0.25}, 'curve': [1, 2], 'steps': steps},"
    " open('metrics.json', 'w'))"
)


def _start(user, notebook) -> Run:
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(f"/api/v1/notebooks/{notebook.pk}/runs/", {}, format="json")
    assert response.status_code == 201, response.content
    return Run.objects.get(pk=response.json()["id"])


def test_metrics_json_and_recorded_values_become_the_runs_results(celery_worker, roles, client):
    session, organizer, member, _outsider = roles
    notebook = NotebookFactory(
        session=session,
        content=notebook_bytes(
            GLUE, WRITE_METRICS, "glue('accuracy', 0.875)\nglue('slope', steps * 0.5)"
        ),
    )
    run = wait_until_finished(_start(organizer, notebook), worker=celery_worker)

    assert run.status == Run.Status.SUCCEEDED, run.reason
    # The recorded accuracy wins over metrics.json's; the two-element list is left out.
    assert run.results == {"accuracy": 0.875, "eval.loss": 0.25, "slope": 1.0, "steps": 2}
    log = run.artifacts.get(name="run.log").file.read().decode()
    assert "Result 'curve' from metrics.json is not a finite number (a list of 2)" in log

    api = APIClient()
    api.force_authenticate(member)
    assert api.get(f"/api/v1/runs/{run.pk}/").json()["results"] == run.results
    client.force_login(member)
    page = client.get(reverse("run_detail", args=[run.pk])).content.decode()
    assert "<dt>eval.loss</dt><dd>0.25</dd>" in page


def test_a_failed_run_keeps_the_results_it_recorded_before_failing(celery_worker, roles):
    session, organizer, _member, _outsider = roles
    notebook = NotebookFactory(
        session=session,
        content=notebook_bytes(GLUE, "glue('partial', 3)", "raise ValueError('boom')"),
    )
    run = wait_until_finished(_start(organizer, notebook), worker=celery_worker)

    assert run.status == Run.Status.FAILED
    assert run.results == {"partial": 3}
