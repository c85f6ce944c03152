"""Fixtures for a real `celery -A tracker worker` process on a real Redis, sharing the test
database (loaded by tests/conftest.py as a plugin).

The worker is a subprocess, so it sees only committed rows: the tests use `transactional_db`,
and the worker is told the test database's name through DATABASE_URL (a file for SQLite, see
settings; `test_<name>` for PostgreSQL). It stores files in the same media folder as the tests.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import psutil
import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from notebooks.models import Run
from tracker.celery import app as celery_app

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
BASE_DIR = Path(__file__).resolve().parents[1]
# Short enough that a lost worker is noticed within a test, long enough to never misfire.
HEARTBEAT_SECONDS = 0.5
LOST_AFTER_SECONDS = 3.0
STOP_GRACE_SECONDS = 2.0


def _database_url() -> str:
    """The test database (already created) as a URL for the worker's settings."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{credentials}@" if credentials else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{host}{db['HOST'] or '127.0.0.1'}{port}/{db['NAME']}"


def _send_tasks_to(url: str) -> None:
    """Points this (test) process's Celery app at the test broker, dropping any connection
    pool made for the default broker."""
    celery_app.conf.broker_url = url
    celery_app.conf.broker_transport_options = {
        "visibility_timeout": django_settings.CELERY_TASK_TIME_LIMIT + 600
    }
    if celery_app._pool is not None:  # private, but the only way to forget the old broker
        celery_app._pool.force_close_all()
        celery_app._pool = None
    celery_app.amqp._producer_pool = None


NOTEBOOK_WORKER_ARGUMENTS = (
    "worker", "-Q", "cpu,gpu,embeddings", "--concurrency", "1", "--prefetch-multiplier", "1",
    "--without-gossip", "--without-mingle", "--without-heartbeat",
)  # fmt: skip


class WorkerProcess:
    """Starts, kills and stops one worker (its own process group, so a kill takes its pool), or
    another `celery -A tracker` process given its arguments (beat)."""

    def __init__(
        self,
        env: dict[str, str],
        log_path: Path,
        arguments: tuple[str, ...] = NOTEBOOK_WORKER_ARGUMENTS,
        ready: bytes = b" ready.",
    ) -> None:
        self.env = env
        self.log_path = log_path
        self.arguments = arguments
        self.ready = ready
        self.process: subprocess.Popen | None = None

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 90) -> None:
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = self.log_path.open("ab")
        command = [sys.executable, "-m", "celery", "-A", "tracker", *self.arguments]
        if self.arguments[0] == "worker":
            command += ["--hostname", f"tests-{uuid.uuid4().hex[:8]}@%h"]
        command += ["--loglevel", "INFO"]
        self.process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive:
                raise RuntimeError(f"The worker exited at start:\n{self.log_tail()}")
            with self.log_path.open("rb") as handle:
                handle.seek(offset)
                if self.ready in handle.read():
                    return
            time.sleep(0.1)
        raise TimeoutError(f"The worker did not get ready:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL to the worker and its pool process, as when a machine dies."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def kill_pool_process(self) -> None:
        """SIGKILL to the pool process running the task (as the OOM killer would); the worker
        itself lives on and starts another."""
        for child in psutil.Process(self.process.pid).children():
            child.send_signal(signal.SIGKILL)

    def stop(self) -> None:
        if not self.alive:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_tail(self, size: int = 6000) -> str:
        return self.log_path.read_bytes()[-size:].decode("utf-8", "replace")


@pytest.fixture(scope="session")
def worker_media_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("worker-media")


@pytest.fixture(scope="session")
def worker_temp_base(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("worker-temp")


@pytest.fixture
def worker_temp_root(worker_temp_base) -> Path:
    """Where this host's workers keep their attempts' folders (RUN_TEMP_ROOT/<host name>)."""
    return worker_temp_base / socket.gethostname()


@pytest.fixture(scope="session")
def worker_environment(django_db_setup, django_db_blocker, worker_media_root, worker_temp_base):
    """The environment of every worker (and beat) process the tests start."""
    broker = redis.Redis.from_url(REDIS_URL)
    broker.ping()
    broker.flushdb()  # db 7 is the tests' own: no task left over from an earlier session
    _send_tasks_to(REDIS_URL)
    with django_db_blocker.unblock():
        database_url = _database_url()
    return {
        **os.environ,
        "TRACKER_ENV": "development",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": REDIS_URL,
        "MEDIA_ROOT": str(worker_media_root),
        "RUN_TEMP_ROOT": str(worker_temp_base),
        "RUN_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
        "RUN_LOST_AFTER_SECONDS": str(LOST_AFTER_SECONDS),
        "NOTEBOOK_STOP_GRACE_SECONDS": str(STOP_GRACE_SECONDS),
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture(scope="session")
def worker_process(worker_environment, tmp_path_factory):
    worker = WorkerProcess(worker_environment, tmp_path_factory.mktemp("worker") / "worker.log")
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def celery_worker(worker_process, transactional_db, settings, worker_media_root):
    """A running worker for this test (restarted if an earlier test killed it)."""
    settings.MEDIA_ROOT = worker_media_root
    settings.RUN_HEARTBEAT_SECONDS = HEARTBEAT_SECONDS
    settings.RUN_LOST_AFTER_SECONDS = LOST_AFTER_SECONDS
    if not worker_process.alive:
        worker_process.start()
    yield worker_process
    assert worker_process.alive, worker_process.log_tail()


@pytest.fixture
def start_celery(worker_environment, tmp_path):
    """Starts more `celery -A tracker` processes (another worker, beat) for one test, with
    settings of their own; stops them after it."""
    started: list[WorkerProcess] = []

    def start(name: str, arguments: tuple[str, ...], *, ready=b" ready.", **env) -> WorkerProcess:
        process = WorkerProcess(
            {**worker_environment, **env}, tmp_path / f"{name}.log", arguments, ready
        )
        started.append(process)
        process.start()
        return process

    yield start
    for process in started:
        process.stop()


def wait_for(condition: Callable[[], object], *, timeout: float, what: str, worker=None) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    tail = f"\nWorker log:\n{worker.log_tail()}" if worker else ""
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}.{tail}")


def wait_until_finished(run: Run, *, worker, timeout: float = 60) -> Run:
    def finished() -> Run | None:
        current = Run.objects.get(pk=run.pk)
        return current if current.is_finished else None

    return wait_for(finished, timeout=timeout, what=f"run {run.pk} to finish", worker=worker)
