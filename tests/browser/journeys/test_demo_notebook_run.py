"""An organizer starts a demo notebook from its session page, with small parameters, and waits
on that page for its outputs, which a real Celery worker produces; then opens the run."""

import re

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from notebooks import services as run_services
from tests.sessions.factories import MembershipFactory, SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.worker]

DEMO = django_settings.BASE_DIR / "demos" / "notebooks" / "feature_visualization.ipynb"
# Kernel start, import and a one-epoch run take about 10 s on a CPU; a busy machine, longer.
OUTPUTS_TIMEOUT_MS = 180_000
# True once the image has loaded with pixels, false if it failed to load.
IMAGE_LOADED = """img => img.complete ? img.naturalWidth > 0 : new Promise(resolve => {
    img.addEventListener("load", () => resolve(img.naturalWidth > 0));
    img.addEventListener("error", () => resolve(false));
})"""


def _parameter(notebook, name: str):
    """A run parameter's field, labelled with the notebook's own name for it."""
    return notebook.get_by_label(re.compile(rf"^{name}:?$"))


def test_an_organizer_runs_a_demo_notebook_from_its_session_page(
    celery_worker, page, sign_in, screenshot
):
    membership = MembershipFactory(role="organizer", user__username="organizer")
    session = SessionFactory(course=membership.course, title="Feature visualization")
    run_services.notebook_create(
        session=session,
        created_by=membership.user,
        title="Feature visualization on digits",
        file=DEMO.read_bytes(),
        file_name=DEMO.name,
        time_limit=600,
    )
    sign_in(page, membership.user.username)
    page.goto(session.get_absolute_url())

    notebook = page.locator("article.notebook", has_text="Feature visualization on digits")
    notebook.get_by_text("Start a run", exact=True).first.click()
    _parameter(notebook, "epochs").fill("1")
    _parameter(notebook, "channels").fill("[0]")
    _parameter(notebook, "classes").fill("[0]")
    notebook.get_by_text("Advanced", exact=True).click()
    _parameter(notebook, "steps").fill("5")
    _parameter(notebook, "transforms_per_step").fill("1")
    screenshot(page, "parameters")
    notebook.get_by_role("button", name="Start a run").click()

    run = page.locator(".run").first
    expect(run).to_contain_text(re.compile("Queued|Running|Succeeded"))
    screenshot(page, "started")
    # The page updates the run in place while it is active; its outputs appear when it ends.
    outputs = run.locator(".artifacts")
    expect(outputs.get_by_role("link").first).to_be_visible(timeout=OUTPUTS_TIMEOUT_MS)
    expect(run.locator(".run-status")).to_have_text("Succeeded")
    expect(outputs).to_contain_text("metrics.json")
    expect(outputs).to_contain_text(re.compile(r"\.png"))
    expect(outputs).to_contain_text(re.compile(r"\.html"))
    screenshot(page, "outputs-on-session-page")

    run.locator(".run-head").get_by_role("link", name=re.compile(r"Run \d+")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Feature visualization on digits")
    image = page.locator("figure.run-image img").first
    expect(image).to_be_visible()
    assert image.evaluate(IMAGE_LOADED), "the image is broken"
    expect(page.locator("iframe.notebook-html")).to_be_attached()
    screenshot(page, "run-page")
