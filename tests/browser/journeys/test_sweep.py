"""An organizer starts a sweep of a notebook from its session page by typing the values to try,
previews it, starts it, and watches every run finish on the sweep's page without reloading,
while a real Celery worker runs them; then opens a run and follows its link back."""

import re

import pytest
from playwright.sync_api import expect

from notebooks import services as run_services
from tests.notebooks.factories import notebook_bytes
from tests.sessions.factories import MembershipFactory, SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.worker]

FINISH_TIMEOUT_MS = 180_000


def test_an_organizer_sweeps_a_notebook_and_watches_it_finish(
    celery_worker, page, sign_in, screenshot
):
    membership = MembershipFactory(role="organizer", user__username="organizer")
    session = SessionFactory(course=membership.course, title="Learning rates")
    run_services.notebook_create(
        session=session,
        created_by=membership.user,
        title="Learning-rate probe",
        file=notebook_bytes(
            "import json, time\ntime.sleep(0.5)\n"
            "json.dump({'loss': 1 / (1 + steps * rate)}, open('metrics.json', 'w'))",
            parameters="steps = 2  # passes over the data\nrate = 0.1  # learning rate",
        ),
        file_name="probe.ipynb",
    )
    sign_in(page, membership.user.username)
    page.goto(session.get_absolute_url())

    notebook = page.locator("article.notebook", has_text="Learning-rate probe")
    notebook.get_by_role("link", name="Sweep", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sweep Learning-rate probe")
    page.get_by_label("steps").fill("1\n2")
    page.get_by_label("rate").fill("0.1\n0.2")
    page.get_by_role("button", name="Preview the runs").click()
    expect(page.get_by_role("heading", name="4 runs")).to_be_visible()
    expect(page.locator(".sweep-preview-sets li").nth(3)).to_have_text("steps=2, rate=0.2")
    screenshot(page, "preview")
    page.get_by_role("button", name="Start the sweep").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Learning-rate probe: sweep")
    expect(page.locator(".sweep-runs tbody tr")).to_have_count(4)
    address = page.url
    screenshot(page, "started")
    # The table updates in place while runs are active and stops polling once all ended.
    expect(page.locator(".sweep-status")).to_have_text("Succeeded", timeout=FINISH_TIMEOUT_MS)
    expect(page.locator(".sweep")).not_to_have_attribute("data-poll-url", re.compile(".*"))
    assert page.url == address  # never reloaded or left
    expect(page.locator(".sweep-runs .run-status")).to_have_text(["Succeeded"] * 4)
    expect(page.get_by_role("button", name="Cancel sweep")).to_have_count(0)
    screenshot(page, "finished")

    # The results side by side, and the loss plotted against the rate.
    page.get_by_role("link", name="Compare the results").click()
    expect(page.locator(".compare-table tbody tr")).to_have_count(4)
    page.get_by_label("Parameter (x)").select_option(label="rate")
    page.get_by_label("Result (y)").select_option(label="loss")
    page.get_by_role("button", name="Plot").click()
    expect(page.locator("svg.result-plot .plot-point")).to_have_count(4)
    expect(page.locator(".plot-numbers tbody tr")).to_have_count(4)
    # loss = 1 / (1 + steps * rate): the smallest for steps 2, rate 0.2.
    expect(page.locator(".plot-numbers")).to_contain_text("0.7143")
    screenshot(page, "plot")
    page.go_back()
    page.go_back()

    page.locator(".sweep-runs").get_by_role("link").nth(3).click()
    expect(page.locator(".run-status").first).to_have_text("Succeeded")
    expect(page.locator(".artifacts")).to_contain_text("metrics.json")
    page.get_by_role("link", name=re.compile(r"^sweep \d+$")).click()
    expect(page.locator(".sweep-status")).to_have_text("Succeeded")
    page.goto(session.get_absolute_url())
    expect(notebook.locator(".notebook-sweeps")).to_contain_text("(4 runs: 4 succeeded)")
    screenshot(page, "session-page")
