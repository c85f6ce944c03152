"""The login limit across processes: three gunicorn processes from the compose file's command,
one worker each (so the test knows which process answers), sharing the cluster's Redis cache.
Failures spread over them and over the three doors add up to one limit."""

import os
import re
import secrets
import subprocess
import sys

import pytest
import redis
import requests
import yaml

from tests.production.conftest import ROOT, Processes, compose_command, free_port, wait_for

pytestmark = [pytest.mark.production, pytest.mark.database_independent]

LOCKED = "Too many failed sign-ins. Wait 15 minutes, then try again."


@pytest.fixture(scope="module")
def shared_cache_url(cluster_environment):
    """The cache all three processes share (TEST_CACHE_URL, or the cluster's), emptied first."""
    url = os.environ.get("TEST_CACHE_URL", cluster_environment["CACHE_URL"])
    if url.startswith("redis"):
        redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture(scope="module")
def three_web_processes(web_server, cluster_environment, shared_cache_url, tmp_path_factory):
    """Base URLs of three single-worker gunicorn processes (web_server has migrated)."""
    environment = cluster_environment | {
        "CACHE_URL": shared_cache_url,
        "LOGIN_ATTEMPTS_LIMIT": "5",
        "LOGIN_ADDRESS_ATTEMPTS_LIMIT": "50",
        "LOGIN_ATTEMPTS_WINDOW": "900",
    }
    processes = Processes(tmp_path_factory.mktemp("login-limit-logs"), environment)
    bases = []
    for number in range(3):
        port = free_port()
        command = compose_command(
            "web",
            **{
                "python manage.py migrate --noinput && ": "",
                "0.0.0.0:8000": f"127.0.0.1:{port}",
                "--workers 3": "--workers 1",
            },
        )
        processes.start(f"web-{number}", command)
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base in bases:
            wait_for(f"{base}/healthz", timeout=180)
        yield bases
    finally:
        processes.stop()


def _create_staff_user(environment: dict, username: str, password: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "createsuperuser", "--noinput", "--username", username,
         "--email", f"{username}@example.org"],
        cwd=ROOT, env=environment | {"DJANGO_SUPERUSER_PASSWORD": password},
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def _form_sign_in(base: str, path: str, username: str, password: str) -> tuple[bool, str]:
    """Signs in through a form page as a browser does (CSRF cookie and field): signed in?"""
    browser = requests.Session()
    page = browser.get(f"{base}{path}", timeout=30)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = browser.post(
        f"{base}{path}",
        data={"csrfmiddlewaretoken": csrf, "username": username, "password": password},
        timeout=30,
        allow_redirects=False,
    )
    return answer.status_code == 302, answer.text


def _site(base, username, password):
    return _form_sign_in(base, "/accounts/login/", username, password)


def _admin(base, username, password):
    return _form_sign_in(base, "/admin/login/?next=/admin/", username, password)


def _token(base, username, password) -> requests.Response:
    return requests.post(
        f"{base}/api/v1/auth/token/",
        json={"username": username, "password": password},
        timeout=30,
    )


def test_failures_spread_over_processes_and_doors_add_up_to_one_limit(
    three_web_processes, cluster_environment
):
    first, second, third = three_web_processes
    ada, bob = f"ada{secrets.token_hex(3)}", f"bob{secrets.token_hex(3)}"
    password = secrets.token_urlsafe(16)
    for username in (ada, bob):
        _create_staff_user(cluster_environment, username, password)

    # Two failures at the first process, two at the second, one at the third: with a cache per
    # process none of them would have seen more than two.
    for base, door in [(first, _site), (first, _site), (second, _admin), (second, _admin)]:
        signed_in, page = door(base, ada, "wrong")
        assert not signed_in and LOCKED not in page
    fifth = _token(third, ada, "wrong")
    assert fifth.status_code == 429, fifth.text
    assert fifth.json() == {"detail": LOCKED}
    assert 0 < int(fifth.headers["Retry-After"]) <= 900

    # The right password is refused now at every door of every process.
    for base in three_web_processes:
        signed_in, page = _site(base, ada, password)
        assert not signed_in and LOCKED in page, base
        signed_in, page = _admin(base, ada, password)
        assert not signed_in and LOCKED in page, base
        assert _token(base, ada, password).status_code == 429, base

    # Another person at the same address signs in: only the account is locked.
    assert _token(third, bob, password).status_code == 200
    assert _site(first, bob, password)[0]


def test_the_compose_file_gives_every_web_process_the_shared_redis_cache():
    web = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]
    assert web["environment"]["CACHE_URL"].startswith("redis://redis:6379/")
