from pathlib import Path

import pytest
import yaml
from django.conf import settings

from tracker.celery import NOTEBOOK_QUEUES

pytestmark = pytest.mark.database_independent

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"
SERVICES = {
    "postgres",
    "redis",
    "web",
    "worker",
    "maintenance",
    "embedder",
    "gpu-worker",
    "beat",
    "flower",
}


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_the_compose_file_names_every_service_with_a_health_check():
    services = _compose()["services"]
    assert set(services) == SERVICES
    for name, service in services.items():
        assert "healthcheck" in service, name


def test_gpu_worker_and_flower_are_optional_profiles_and_the_gpu_is_reserved():
    services = _compose()["services"]
    assert services["gpu-worker"]["profiles"] == ["gpu"]
    assert services["flower"]["profiles"] == ["flower"]
    devices = services["gpu-worker"]["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["driver"] == "nvidia" and "gpu" in devices[0]["capabilities"]
    assert "-Q" in services["gpu-worker"]["command"] and "gpu" in services["gpu-worker"]["command"]
    assert services["worker"]["command"][services["worker"]["command"].index("-Q") + 1] == "cpu"


def test_app_services_share_one_image_and_take_settings_from_env_file():
    services = _compose()["services"]
    for name in ("web", "worker", "maintenance", "embedder", "gpu-worker", "beat"):
        assert services[name]["image"] == "tracker:latest"
        assert services[name]["env_file"] == ".env"
    assert "migrate" in " ".join(services["web"]["command"])
    # exec: gunicorn, not the shell, gets the container's SIGTERM and finishes its requests.
    assert "&& exec gunicorn " in " ".join(services["web"]["command"])
    assert set(_compose()["volumes"]) >= {"data", "postgres"}


def _consumed_queues(service: dict) -> set[str]:
    command = service.get("command", [])
    if command[:4] != ["celery", "-A", "tracker", "worker"]:
        return set()
    return set(command[command.index("-Q") + 1].split(","))


def test_every_periodic_task_is_consumed_by_a_worker_that_runs_no_notebooks():
    # A notebook worker has one slot, held for up to an hour: a periodic task queued behind
    # it expires unrun. Each beat entry's queue needs a default (non-profile) worker of its own.
    services = _compose()["services"]
    default_workers = {
        name: _consumed_queues(service)
        for name, service in services.items()
        if "profiles" not in service and _consumed_queues(service)
    }
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        queue = entry["options"]["queue"]
        consumers = [name for name, queues in default_workers.items() if queue in queues]
        assert consumers, f"nothing consumes {queue!r}"
        for name in consumers:
            assert not default_workers[name] & set(NOTEBOOK_QUEUES), name
    assert services["beat"]["command"][:4] == ["celery", "-A", "tracker", "beat"]
