"""Runs of one sweep finishing at the same moment, from real threads each on its own PostgreSQL
connection, with the tasks sent to a real Redis: the sweep's row lock lets no more runs onto
the broker than its limit allows."""

import pytest
import redis

from notebooks import services, worker
from notebooks.models import Run
from tests.concurrent import run_at_once
from tests.notebooks.factories import NotebookFactory
from tests.worker_process import REDIS_URL

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgresql_only,
    pytest.mark.usefixtures("isolated_media"),
]


@pytest.fixture
def broker(worker_environment, worker_process):
    """The tests' Redis, where worker_environment points this process's tasks, with no worker
    taking them off it (the shared one is stopped; the next worker test starts it again)."""
    worker_process.stop()
    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()


def _finish(run: Run) -> None:
    attempt = worker.claim(run.pk)
    worker._finish(run.pk, attempt, status="succeeded", reason="", failed_cell=None, stored=[])


def test_runs_finishing_together_never_send_more_than_the_limit(broker):
    notebook = NotebookFactory()
    sweep = services.sweep_start(
        notebook=notebook, started_by=None, grid={"steps": list(range(12))}, max_concurrent=4
    )
    assert broker.llen("cpu") == 4
    first = list(Run.objects.filter(sweep=sweep, dispatched_at__isnull=False))
    # Four runs end at once, and the reaper's top-up with them: four slots, four sends.
    run_at_once(*(lambda run=run: _finish(run) for run in first), services.sweeps_top_up)
    in_flight = Run.objects.filter(sweep=sweep, status="queued", dispatched_at__isnull=False)
    assert in_flight.count() == 4
    assert broker.llen("cpu") == 8
    # Twice more with nothing finishing: nothing is sent.
    run_at_once(*(lambda: services.sweep_dispatch(sweep_id=sweep.pk) for _ in range(4)))
    assert broker.llen("cpu") == 8
