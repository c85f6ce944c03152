import json
import urllib.error
import urllib.request

import pytest

from tests.production.conftest import wait_for

pytestmark = [pytest.mark.production, pytest.mark.database_independent]


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_readyz_turns_unhealthy_without_the_database_and_healthy_when_it_is_back(
    web_server, cluster_database
):
    relay, _ = cluster_database
    assert _get(f"{web_server}/readyz") == (
        200,
        {"status": "ok", "checks": {"database": "ok", "broker": "ok"}},
    )
    relay.stop()
    try:
        status, body = _get(f"{web_server}/readyz")
        assert (status, body["checks"]["database"]) == (503, "unavailable")
        assert _get(f"{web_server}/healthz") == (200, {"status": "ok"})
    finally:
        relay.start()
    wait_for(f"{web_server}/readyz", status=200, timeout=30)


def test_production_pages_are_served_with_static_files_and_security_headers(web_server):
    with urllib.request.urlopen(f"{web_server}/accounts/login/", timeout=10) as response:
        page = response.read().decode()
        headers = response.headers
    assert "Sign in" in page
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in headers  # only sent over HTTPS
    css = page.split('href="', 2)[1].split('"')[0] if 'rel="stylesheet"' in page else ""
    assert css.startswith("/static/") and "." in css.rsplit("/", 1)[-1]
    with urllib.request.urlopen(f"{web_server}{css}", timeout=10) as response:
        assert response.status == 200 and "max-age" in response.headers["Cache-Control"]
