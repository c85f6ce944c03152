"""The notebook section in a real headless Chromium: an organizer starts a run from the page
and watches it progress to the end without the page reloading."""

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from sessions.models import Run
from tests.sessions.factories_notebooks import NotebookFactory, notebook_bytes

pytestmark = [pytest.mark.worker, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"


def test_the_page_shows_a_running_runs_progress_live(celery_worker, live_server, course_with_roles):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"This test needs Chromium at {CHROMIUM}.")
    course, organizer, _member, _outsider = course_with_roles
    notebook = NotebookFactory(
        session__course=course,
        content=notebook_bytes(*["import time\ntime.sleep(1.5)"] * 3, "print('done')"),
    )
    session = notebook.session
    signed_in = Client()
    signed_in.force_login(organizer)
    cookie = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    url = live_server.url + reverse("session_notebooks", args=[session.course.slug, session.number])

    # No database calls in this block: Playwright runs an event loop in this thread.
    statuses, errors = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context()
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url)
        page.locator("details.run-start summary").click()
        page.locator("details.run-start button[type=submit]").click()
        page.wait_for_selector(".run")
        page.evaluate("window.sameDocument = true")  # gone if the page reloads
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            text = page.locator(".run").first.inner_text()
            statuses.append(text)
            if "Succeeded" in text:
                break
            page.wait_for_timeout(250)
        same_document = page.evaluate("window.sameDocument === true")
        browser.close()

    assert errors == []
    assert any("Running" in text for text in statuses), statuses
    assert "Succeeded" in statuses[-1] and "6 of 6 cells" in statuses[-1], statuses[-1]
    assert same_document, "the page reloaded instead of updating the run in place"
    assert Run.objects.get().status == Run.Status.SUCCEEDED
