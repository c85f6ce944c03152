"""What every journey shares: screenshots of its key steps, and more people's browsers."""

from collections.abc import Callable

import pytest

from tests.browser.conftest import DESKTOP, _keep_policy_violation


@pytest.fixture
def screenshot(screens_dir, request) -> Callable:
    """`screenshot(tab, "step")` saves the whole page (or only what is in view) as
    journeys/<journey>-<nn>-<step>.png."""
    folder = screens_dir / "journeys"
    folder.mkdir(exist_ok=True)
    journey = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    taken = 0

    def take(tab, step: str, *, full_page: bool = True) -> None:
        nonlocal taken
        taken += 1
        tab.screenshot(path=str(folder / f"{journey}-{taken:02d}-{step}.png"), full_page=full_page)

    return take


@pytest.fixture
def open_tab(browser, live_server) -> Callable:
    """`open_tab()` is another person's browser, with cookies of its own, checked for script
    errors and Content-Security-Policy violations as `page` is."""
    contexts, errors = [], []

    def open_another():
        context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        tab = context.new_page()
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.on("console", lambda message: _keep_policy_violation(message, errors))
        return tab

    yield open_another
    for context in contexts:
        context.close()
    assert errors == [], f"JavaScript errors or Content-Security-Policy violations: {errors}"
