"""The production shape, natively: gunicorn, workers and beat started from the compose file's
own commands, on PostgreSQL and Redis, with the database reached through a relay the tests can
cut. It always uses PostgreSQL (a throwaway database), whichever database the suite runs on."""

import contextlib
import os
import secrets
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
import yaml

from tests.production.tcp_proxy import TcpRelay

ROOT = Path(__file__).resolve().parents[2]
ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


def compose_command(service: str, **replacements: str) -> list[str]:
    """The service's command from docker-compose.yml, with container-only values replaced."""
    command = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"][service][
        "command"
    ]
    text = shlex.join(command)
    for old, new in replacements.items():
        assert old in text, f"{old!r} is no longer in the {service} command"
        text = text.replace(old, new)
    return shlex.split(text)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, *, status: int = 200, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                last = response.status
        except urllib.error.HTTPError as error:
            last = error.code
        except OSError as error:
            last = error
        if last == status:
            return
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer {status} in {timeout}s (last: {last})")


@pytest.fixture(scope="session")
def cluster_database():
    name = f"tracker_shape_{secrets.token_hex(4)}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    relay = TcpRelay("127.0.0.1", 5432)
    relay.start()
    admin_user = psycopg.conninfo.conninfo_to_dict(ADMIN_URL).get("user", "postgres")
    yield relay, f"postgres://{admin_user}@127.0.0.1:{relay.port}/{name}"
    relay.stop()
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def object_store():
    """An S3-compatible store on loopback (moto's server), with an empty bucket."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    ).create_bucket(Bucket="tracker-artifacts")  # fmt: skip
    yield endpoint
    server.stop()


@pytest.fixture(scope="session")
def cluster_environment(cluster_database, object_store, tmp_path_factory):
    _, database_url = cluster_database
    data = tmp_path_factory.mktemp("cluster-data")
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))
    }
    environment.update(
        TRACKER_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=REDIS_URL,
        CACHE_URL=REDIS_URL.rsplit("/", 1)[0] + "/12",
        DATA_DIR=str(data),
        STATIC_ROOT=str(data / "static"),
        ARTIFACT_STORAGE_URL=(
            f"s3://tracker-artifacts/runs?endpoint_url={object_store}&region=us-east-1"
        ),
        ARTIFACT_STORAGE_ACCESS_KEY="testing",
        ARTIFACT_STORAGE_SECRET_KEY="testing",
        RUN_REAPER_INTERVAL_SECONDS="5",
        # Plain HTTP on loopback: no TLS terminator in front of gunicorn here.
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=environment, check=True, timeout=300,
    )  # fmt: skip
    return environment


class Processes:
    """Processes of the cluster, stopped (and their logs closed) at the end."""

    def __init__(self, folder: Path, environment: dict) -> None:
        self.folder, self.environment, self.running = folder, environment, []

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("w")
        # A process group of its own, so stopping it reaches whatever it started too.
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running.append((process, log))
        return process

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for process, _ in self.running:
            _signal_group(process, signal.SIGTERM)
        for process, log in self.running:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=30)
            log.close()


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


@pytest.fixture(scope="session")
def cluster(cluster_environment, tmp_path_factory):
    processes = Processes(tmp_path_factory.mktemp("logs"), cluster_environment)
    yield processes
    processes.stop()


@pytest.fixture(scope="session")
def web_server(cluster):
    port = free_port()
    command = compose_command(
        "web", **{"0.0.0.0:8000": f"127.0.0.1:{port}", "--workers 3": "--workers 2"}
    )
    cluster.start("web", command)
    base = f"http://127.0.0.1:{port}"
    wait_for(f"{base}/healthz", timeout=180)
    return base


@pytest.fixture(scope="session")
def workers(cluster, web_server, cluster_environment):
    """The CPU worker, the maintenance worker (the reaper's queue) and beat, from the compose
    file's commands (web has migrated by now)."""
    data = cluster_environment["DATA_DIR"]
    cluster.start("worker", compose_command("worker"))
    cluster.start("maintenance", compose_command("maintenance"))
    cluster.start("beat", compose_command("beat", **{"/app/data": data}))
    return cluster
