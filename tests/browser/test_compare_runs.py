"""Comparing runs in Chromium, with the page's own links and forms (no script needed): tick
runs on the session page, compare them, sort by a result, plot it, pin the best run."""

import re

import pytest
from playwright.sync_api import expect

from tests.notebooks.factories import NotebookFactory, RunFactory
from tests.sessions.factories import MembershipFactory, SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_organizer_compares_ticked_runs_sorts_plots_and_pins_the_best(page, sign_in):
    membership = MembershipFactory(course__visibility="members", role="organizer")
    session = SessionFactory(course=membership.course)
    notebook = NotebookFactory(session=session, title="Steering")
    runs = [
        RunFactory(
            notebook=notebook,
            parameters={"coefficient": c},
            results={"slope": s},
        )
        for c, s in ((0.0, 0.1), (1.0, 0.6), (2.0, 0.4))
    ]
    sign_in(page, membership.user.username)
    page.goto(session.get_absolute_url())

    for run in runs[1:]:
        page.get_by_label(f"Compare run {run.pk}").check()
    page.get_by_role("button", name="Compare selected").click()
    page.wait_for_url(re.compile(r".*/runs/compare/\?run=\d+&run=\d+$"))
    table = page.locator("table.compare-table")
    expect(table.locator("tbody tr")).to_have_count(2)

    page.get_by_role("link", name="result slope").click()  # ascending, then descending
    page.get_by_role("link", name="result slope").click()
    expect(page.locator('th[aria-sort="descending"]')).to_contain_text("slope")
    expect(table.locator("tbody tr").first).to_contain_text(f"Run {runs[1].pk}")

    page.get_by_label("Result (y)").select_option(label="slope")
    page.get_by_role("button", name="Plot").click()
    expect(page.get_by_role("img", name="slope against coefficient")).to_be_visible()
    expect(page.locator(".plot-numbers tbody tr")).to_have_count(2)

    page.get_by_role("link", name=f"Run {runs[1].pk}").first.click()
    page.get_by_role("button", name="Pin as the session's result").click()
    expect(page.locator(".run-result-actions")).to_contain_text("This run is pinned")
    page.goto(session.get_absolute_url())
    expect(page.locator(".pinned-result")).to_contain_text(f"Run {runs[1].pk}")
