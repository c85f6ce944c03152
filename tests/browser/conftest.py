"""A real headless Chromium (Debian's package, never a downloaded build) driven by Playwright
against pytest-django's live server."""

import os
from pathlib import Path

import pytest

from tests.sessions.factories import PASSWORD

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda message: _keep_policy_violation(message, errors))
    yield tab
    context.close()
    assert errors == [], f"JavaScript errors or Content-Security-Policy violations: {errors}"


def _keep_policy_violation(message, errors: list) -> None:
    """Chromium reports what the Content-Security-Policy blocked (an inline script or style, a
    resource from elsewhere) on the console; a page that needs one is broken in production."""
    if "Content Security Policy" in message.text:
        errors.append(f"{message.location.get('url')}: {message.text}")


@pytest.fixture
def sign_in():
    """Signs in through the real form, as a person would."""

    def sign_in_as(tab, username: str, password: str = PASSWORD) -> None:
        tab.goto("/accounts/login/")
        tab.get_by_label("Username").fill(username)
        tab.get_by_label("Password").fill(password)
        tab.locator("main").get_by_role("button", name="Sign in").click()
        tab.wait_for_url("**/")

    return sign_in_as


@pytest.fixture
def screens_dir() -> Path:
    directory = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/screens"))  # noqa: S108 (a scratch folder for people to look at)
    directory.mkdir(parents=True, exist_ok=True)
    return directory
