"""The notebook section in a real headless Chromium: an organizer starts a run from the page
and watches it progress to the end without the page reloading; a run that finishes shows its
results in place."""

import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from notebooks import services
from notebooks.models import Run
from tests.notebooks.factories import NotebookFactory, notebook_bytes

pytestmark = [pytest.mark.worker, pytest.mark.browser]


def test_the_page_shows_a_running_runs_progress_live(
    celery_worker, live_server, course_with_roles, browser
):
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

    statuses, errors = [], []
    context = browser.new_context()
    try:
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
    finally:
        context.close()

    assert errors == []
    assert any("Running" in text for text in statuses), statuses
    assert "Succeeded" in statuses[-1] and "6 of 6 code cells" in statuses[-1], statuses[-1]
    assert same_document, "the page reloaded instead of updating the run in place"
    assert Run.objects.get().status == Run.Status.SUCCEEDED


def test_a_run_that_finishes_on_the_page_shows_its_results_without_a_reload(
    celery_worker, live_server, course_with_roles, browser
):
    course, organizer, member, _outsider = course_with_roles
    notebook = NotebookFactory(
        session__course=course,
        content=notebook_bytes(
            "import time\ntime.sleep(3)",
            "import json\njson.dump({'accuracy': 0.625}, open('metrics.json', 'w'))",
        ),
    )
    session = notebook.session
    signed_in = Client()
    signed_in.force_login(member)  # a member watches a run an organizer started
    cookie = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    url = live_server.url + reverse("session_notebooks", args=[session.course.slug, session.number])
    run = services.run_start(notebook=notebook, started_by=organizer)

    context = browser.new_context()
    try:
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
        page = context.new_page()
        page.goto(url)
        fragment = page.locator(f"#run-{run.pk}")
        assert "Succeeded" not in fragment.inner_text()
        page.evaluate("window.sameDocument = true")  # gone if the page reloads
        page.wait_for_selector(f"#run-{run.pk}.run-succeeded .run-results", timeout=60_000)
        results = page.locator(f"#run-{run.pk} .run-results").inner_text()
        same_document = page.evaluate("window.sameDocument === true")
    finally:
        context.close()

    assert "accuracy" in results and "0.625" in results
    assert same_document, "the page reloaded instead of updating the run in place"
