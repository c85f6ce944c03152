"""The pages people use work under the site's Content-Security-Policy (scripts and styles from
our own files only): htmx swaps the reading-status buttons, the live preview renders, the
glossary filters, the search box searches, and a notebook's HTML shows in its sandboxed frame.

The `page` fixture already fails a test on any violation Chromium writes to the console; here
the pages also record the `securitypolicyviolation` events they see themselves."""

import re

import pytest
from playwright.sync_api import expect

from notebooks.models import Artifact
from readings import services as reading_services
from readings.models import ReadingStatus
from sessions.models import SessionReading
from tests.notebooks.factories import (
    ArtifactFactory,
    RunFactory,
)
from tests.readings.factories import ReadingFactory
from tests.sessions.factories import MembershipFactory, SessionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("isolated_media"),
]

RECORD_VIOLATIONS = """
window.policyViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.policyViolations.push(event.violatedDirective + " blocked " + event.blockedURI);
});
"""

# What nbconvert writes: an inline stylesheet, which the artifact's own policy allows.
NOTEBOOK_HTML = b"""<!doctype html><html><head><style>h1 { color: rgb(200, 0, 0); }</style>
</head><body><h1>Executed notebook</h1></body></html>"""


def assert_no_violations(page) -> None:
    assert page.evaluate("window.policyViolations") == []


def test_pages_people_use_run_under_the_content_security_policy(page, sign_in):
    page.context.add_init_script(RECORD_VIOLATIONS)
    reading_services.term_create(name="Superposition", definition="Many features.", author=None)
    reading_services.term_create(name="Grokking", definition="Late generalization.", author=None)
    membership = MembershipFactory(course__visibility="members")
    session = SessionFactory(course=membership.course, title="Toy models of superposition")
    reading = ReadingFactory(title="Zoom In")
    SessionReading.objects.create(session=session, reading=reading)

    sign_in(page, membership.user.username)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_violations(page)

    page.goto(session.get_absolute_url())
    attached = page.locator("li", has_text="Zoom In").filter(has=page.get_by_role("button"))
    attached.get_by_role("button", name="Read", exact=True).click()
    expect(attached.get_by_role("button", name="Read", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    page.get_by_label("Your reflection").press_sequentially("The **key idea**.", delay=5)
    expect(page.locator("#id_body_preview strong")).to_have_text("key idea")
    assert_no_violations(page)
    assert ReadingStatus.objects.get(user=membership.user, reading=reading).status == "read"

    page.goto("/glossary/")
    page.get_by_label("Filter terms").fill("super")
    expect(page.locator(".term-item:visible")).to_have_count(1)
    assert_no_violations(page)

    page.get_by_role("search").get_by_label("Search").fill("superposition")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r".*/search/\?q=superposition"))
    expect(page.locator("main")).to_contain_text("Toy models of superposition")
    assert_no_violations(page)


def test_notebook_html_shows_in_its_sandboxed_frame_with_its_own_styles(page, sign_in):
    page.context.add_init_script(RECORD_VIOLATIONS)
    membership = MembershipFactory(course__visibility="members")
    run = RunFactory(notebook__session__course=membership.course)
    ArtifactFactory(run=run, kind=Artifact.Kind.HTML, name="notebook.html", content=NOTEBOOK_HTML)

    sign_in(page, membership.user.username)
    page.goto(run.get_absolute_url())
    heading = page.frame_locator("iframe.notebook-html").get_by_role("heading")
    expect(heading).to_have_text("Executed notebook")
    expect(heading).to_have_css("color", "rgb(200, 0, 0)")  # the page's policy does not reach it
    assert_no_violations(page)
