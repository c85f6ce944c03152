"""An organizer uploads a Mendeley-style file with a broken entry, reads the preview, accepts
it, and finds the readings on the session's reading list."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from readings.models import Reading
from tests.browser.conftest import page, sign_in  # noqa: F401 (the browser tests' fixtures, used by name)
from tests.sessions.factories import MembershipFactory, SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FILES = Path(__file__).resolve().parent.parent / "data" / "bibliographies"


def test_organizer_previews_a_file_then_saves_the_good_entries_into_a_session(page, sign_in):  # noqa: F811 (fixtures)
    session = SessionFactory(title="Features", course__title="Reading group")
    organizer = MembershipFactory(course=session.course, role="organizer").user
    sign_in(page, organizer.username)
    page.goto("/readings/import/")

    page.get_by_label("Format").select_option(label="BibTeX")
    page.get_by_label("File").set_input_files(str(FILES / "broken_entries.bib"))
    page.get_by_label("Also add them to a session's reading list").select_option(
        label=f"Reading group: {session.number}. Features"
    )
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_role("heading", name="Preview: nothing saved yet")).to_be_visible()
    report = page.locator(".import-report tbody")
    expect(report.locator("tr.outcome-rejected")).to_have_count(5)
    expect(report.locator("tr", has_text="url_with_space")).to_contain_text("Enter a valid URL")
    expect(report.locator("tr", has_text="unclosed")).to_contain_text("could not be read")
    assert not Reading.objects.exists()

    page.get_by_role("button", name="Accept and save the rest").click()
    expect(page.get_by_role("heading", name="Imported")).to_be_visible()
    page.get_by_role("link", name=f"Reading group: {session.number}. Features").click()
    expect(page.locator("main")).to_contain_text("A Good Paper After a Broken One")
    assert session.session_readings.count() == 3
