import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_answers_without_authentication(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.django_db
def test_probes_answer_an_orchestrator_probing_by_ip_over_plain_http(client, settings):
    settings.ALLOWED_HOSTS = ["tracker.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    for path in ("/healthz", "/readyz"):
        assert client.get(path, HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get("/accounts/login/", HTTP_HOST="10.0.0.7:8000").status_code == 400


@pytest.mark.django_db
def test_readyz_reports_the_database_and_broker_reachable(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


@pytest.mark.django_db
def test_readyz_is_unavailable_when_the_broker_is_unreachable_and_leaks_nothing(client):
    from tracker.celery import app

    secret_url = "redis://:hunter2@127.0.0.1:1/0"
    original = app.conf.broker_url
    app.conf.broker_url = secret_url
    try:
        response = client.get("/readyz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "unavailable"}
    assert b"hunter2" not in response.content


@pytest.mark.django_db
@override_settings(LOGIN_ATTEMPTS_LIMIT=3)
def test_sign_in_is_refused_after_too_many_failures(client, user_factory):
    cache.clear()
    user_factory(username="ada", password="the-right-password")
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": "ada", "password": "wrong"})
        assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
    response = client.post(
        "/accounts/login/", {"username": "ada", "password": "the-right-password"}
    )
    assert "Too many failed sign-ins" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    cache.clear()
    response = client.post(
        "/accounts/login/", {"username": "ada", "password": "the-right-password"}
    )
    assert response.status_code == 302


def _production_example_environment() -> dict:
    example = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            example[name] = value
    # Only the example decides: no variable of the test run (TRACKER_ENV, DJANGO_*) leaks in.
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in example and not k.startswith(("TRACKER_", "DJANGO_"))
    }
    return inherited | example | {"DATA_DIR": str(ROOT / "data" / "deploy-check")}


def _check_deploy(environment: dict, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", *arguments],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_check_deploy_is_clean_with_the_production_example_environment():
    result = _check_deploy(_production_example_environment(), "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_failed_sign_ins_are_counted_per_process():
    environment = _production_example_environment()
    del environment["CACHE_URL"]  # the default: a cache in each process's own memory
    result = _check_deploy(environment)
    output = result.stdout + result.stderr
    assert "tracker.W005" in output and "login limit" in output, output
    assert "CACHE_URL" in output
    environment["CACHE_URL"] = "redis://redis:6379/1"
    result = _check_deploy(environment)
    assert "tracker.W005" not in result.stdout + result.stderr
