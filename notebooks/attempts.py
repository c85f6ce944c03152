"""Whether a run's attempt is still alive: asked by a redelivered task (to take over the run of
an attempt that died instead of leaving it to the reaper) and by the sweep of temporary folders.

An attempt is the process that claimed the run, recorded on the row as worker_host and
worker_pid. On that host the answer is immediate: the process is gone, or a younger one reuses
its pid. From another host only the heartbeat tells: an attempt alive writes one every
RUN_HEARTBEAT_SECONDS, so one unchanged for STALE_HEARTBEATS of them is dead.
"""

import contextlib
import os
import socket
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import psutil
from django.conf import settings
from django.utils import timezone

from notebooks.models import Run

STALE_HEARTBEATS = 3
# (run id, attempt) executing in this process: with a thread pool the pid alone cannot tell.
_running_here: set[tuple[int, int]] = set()


@contextlib.contextmanager
def running_here(run_id: int, attempt: int) -> Iterator[None]:
    _running_here.add((run_id, attempt))
    try:
        yield
    finally:
        _running_here.discard((run_id, attempt))


def is_running_here(run_id: int, attempt: int) -> bool:
    return (run_id, attempt) in _running_here


def host() -> str:
    return socket.gethostname()


def process_is_alive(pid: int, *, since: datetime | float | None = None) -> bool:
    """Whether `pid` is a live process on this host that already existed at `since` (a process
    started later only reuses the pid of the one that died)."""
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:  # dead, not yet reaped by its parent
            return False
        created = process.create_time()
    except psutil.NoSuchProcess:
        return False
    if since is None:
        return True
    moment = since.timestamp() if isinstance(since, datetime) else since
    return created <= moment + 1  # create_time is rounded to the kernel's clock ticks


def _alive_on_this_host(run: Run) -> bool:
    if run.worker_pid == os.getpid():
        return is_running_here(run.pk, run.attempts)
    return process_is_alive(run.worker_pid, since=run.started_at)


def read(run_id: int) -> Run | None:
    return Run.objects.select_related("cancel_requested_by").filter(pk=run_id).first()


def verdict(run: Run) -> tuple[bool, Run | None]:
    """(alive, the row as last read) for a running run's current attempt. On another host this
    watches the heartbeat for up to STALE_HEARTBEATS intervals; the row read last is returned
    so that a takeover compares-and-sets against exactly it (None once the row is gone)."""
    if run.worker_host == host() and run.worker_pid:
        return _alive_on_this_host(run), run
    interval = settings.RUN_HEARTBEAT_SECONDS
    stale_after = timedelta(seconds=STALE_HEARTBEATS * interval)
    watch_until = time.monotonic() + stale_after.total_seconds()
    first = run
    while True:
        beat = run.heartbeat_at or run.started_at
        if beat is None or timezone.now() - beat >= stale_after:
            return False, run
        if time.monotonic() >= watch_until:
            return False, run  # silent for the whole watch, whatever the clocks say
        time.sleep(min(interval / 2, max(0.05, watch_until - time.monotonic())))
        run = read(run.pk)
        if run is None:
            return True, None
        if (run.status, run.attempts, run.heartbeat_at) != (
            first.status,
            first.attempts,
            first.heartbeat_at,
        ):
            return True, run  # it beat, finished or was taken: not ours to take
