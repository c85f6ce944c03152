"""A run through the production shape: the API on gunicorn queues it, the worker started from
the compose file runs it, outputs land in the S3-compatible store, the web process serves them."""

import base64
import json
import secrets
import subprocess
import sys
import time

import nbformat
import pytest
import requests

from tests.production.conftest import ROOT

pytestmark = [pytest.mark.production, pytest.mark.database_independent]

# A 1x1 PNG, so the notebook has an image output without plotting libraries.
PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5a2b7"
        "b20000000049454e44ae426082"
    )
).decode()


def _notebook() -> bytes:
    parameters = nbformat.v4.new_code_cell('device = "cpu"\nscale = 2')
    parameters.metadata["tags"] = ["parameters"]
    cells = [
        parameters,
        nbformat.v4.new_code_cell(
            "from IPython.display import Image, display\n"
            f"display(Image(data=__import__('base64').b64decode('{PIXEL}')))"
        ),
        nbformat.v4.new_code_cell(
            "import json\njson.dump({'answer': 21 * scale, 'device': device}, "
            "open('metrics.json', 'w'))\nprint('done', 21 * scale)"
        ),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nbformat.writes(notebook).encode()


@pytest.fixture(scope="module")
def organizer_token(web_server, cluster_environment):
    password = secrets.token_urlsafe(16)
    subprocess.run(
        [sys.executable, "manage.py", "createsuperuser", "--noinput", "--username", "first",
         "--email", "first@example.org"],
        cwd=ROOT, env=cluster_environment | {"DJANGO_SUPERUSER_PASSWORD": password},
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    answer = requests.post(
        f"{web_server}/api/v1/auth/token/",
        json={"username": "first", "password": password},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


def test_a_run_goes_from_the_api_through_the_worker_to_the_object_store(
    web_server, workers, organizer_token, object_store
):
    api = requests.Session()
    api.headers["Authorization"] = f"Token {organizer_token}"
    course = api.post(
        f"{web_server}/api/v1/courses/",
        json={"slug": "cluster", "title": "Cluster course", "time_zone": "Europe/London"},
        timeout=30,
    )
    assert course.status_code == 201, course.text
    session = api.post(
        f"{web_server}/api/v1/sessions/",
        json={
            "course": "cluster",
            "title": "Runs on the cluster",
            "starts_at": "2026-01-10T18:00:00+00:00",
            "ends_at": "2026-01-10T19:00:00+00:00",
        },
        timeout=30,
    )
    assert session.status_code == 201, session.text
    notebook = api.post(
        f"{web_server}/api/v1/notebooks/",
        data={"session": session.json()["id"], "title": "Tiny", "queue": "cpu", "time_limit": 120},
        files={"file": ("tiny.ipynb", _notebook(), "application/x-ipynb+json")},
        timeout=30,
    )
    assert notebook.status_code == 201, notebook.text
    run = api.post(
        f"{web_server}/api/v1/notebooks/{notebook.json()['id']}/runs/",
        json={"parameters": {"scale": 3}},
        timeout=30,
    )
    assert run.status_code == 201 and run.json()["status"] == "queued", run.text

    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        state = api.get(f"{web_server}/api/v1/runs/{run.json()['id']}/", timeout=30).json()
        if state["status"] not in {"queued", "running"}:
            break
        time.sleep(1)
    assert state["status"] == "succeeded", (state, workers.log("worker")[-3000:])
    assert state["device"] == "cpu" and state["worker_host"]
    artifacts = {a["kind"]: a["url"] for a in state["artifacts"]}
    assert {"notebook", "html", "image", "metrics", "log"} <= set(artifacts)

    html = api.get(artifacts["html"], timeout=30, allow_redirects=False)
    assert html.status_code == 200 and html.headers["Content-Security-Policy"].startswith("sandbox")
    metrics = api.get(artifacts["metrics"], timeout=30, allow_redirects=False)
    assert metrics.status_code == 302 and metrics.headers["Location"].startswith(object_store)
    assert (
        "Signature=" in metrics.headers["Location"]
        or "X-Amz-Signature=" in metrics.headers["Location"]
    )
    assert json.loads(requests.get(metrics.headers["Location"], timeout=30).content) == {
        "answer": 63,
        "device": "cpu",
    }
    image = api.get(artifacts["image"], timeout=30)  # follows the signed link to the store
    assert image.content.startswith(b"\x89PNG")
    # The organizer sees the worker that ran it, with its queue.
    online = api.get(f"{web_server}/api/v1/workers/", timeout=30).json()
    assert online["available"] and any(
        w["host"] == state["worker_host"] or state["worker_host"] in w["host"]
        for w in online["workers"]
    ), online
    assert any("cpu" in w["queues"] for w in online["workers"])
    # An outsider's token gets nothing.
    assert requests.get(artifacts["metrics"], timeout=30, allow_redirects=False).status_code in {
        401,
        403,
        404,
    }
