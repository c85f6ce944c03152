"""A member writes a note that links a glossary term with [[…]] and follows the link."""

import pytest
from playwright.sync_api import expect

from readings import services as reading_services
from tests.readings.factories import ReadingFactory
from tests.sessions.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_note_links_a_glossary_term_and_the_term_lists_the_note(page, sign_in, screenshot):
    reading = ReadingFactory(title="Toy Models of Superposition")
    reading_services.term_create(
        name="Superposition", definition="More features than dimensions.", author=None
    )
    writer = UserFactory(username="writer")
    sign_in(page, writer.username)
    page.goto(reading.get_absolute_url())
    # No authors: the line under the title starts with the year, not a stray separator.
    expect(page.locator(".reading-meta")).to_have_text("2020 · Paper")

    notes = page.locator("#notes")
    notes.get_by_text("Add a note").click()
    notes.get_by_label("Note").fill("Why [[Superposition]] makes single neurons hard to read.")
    notes.get_by_label("Visibility").select_option(label="Only me")
    screenshot(page, "writing")
    notes.get_by_role("button", name="Save note").click()

    note = page.locator("article.note", has_text="makes single neurons hard to read")
    expect(note).to_contain_text("Only me")
    screenshot(page, "saved")
    note.get_by_role("link", name="Superposition").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Superposition")
    used = page.locator(".backlinks")
    expect(used).to_contain_text("Toy Models of Superposition")
    screenshot(page, "term-page")
