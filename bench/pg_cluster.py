"""A private, throwaway PostgreSQL cluster for benchmarks, so a run can choose the server's
memory settings without touching the shared server. Needs the PostgreSQL binaries; when run as
root, the cluster runs as the `postgres` system user (PostgreSQL refuses to run as root)."""

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time


def _binaries() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise SystemExit("No PostgreSQL binaries under /usr/lib/postgresql/*/bin.")
    return os.path.dirname(found[-1])


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def private_cluster(*, port: int, settings: dict[str, str]):
    """Yields the URL of a fresh cluster's `postgres` database; stops and deletes it after."""
    bindir = _binaries()
    root = tempfile.mkdtemp(prefix="tracker-bench-pg-")
    data = os.path.join(root, "data")
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    subprocess.run(
        _as_postgres(
            [f"{bindir}/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8"]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = " ".join(
        f"-c {name}={value}"
        for name, value in {
            "port": str(port),
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": root,
            **settings,
        }.items()
    )
    log = os.path.join(root, "server.log")
    subprocess.run(
        _as_postgres([f"{bindir}/pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "start"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.5)
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([f"{bindir}/pg_ctl", "-D", data, "-m", "fast", "-w", "stop"]),
            check=False,
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(root, ignore_errors=True)
