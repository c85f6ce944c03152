"""A wiki-link to a term nobody has defined yet, followed in the browser: the link opens the
new-term form with the name filled in, and once the term is saved the note links to it."""

import pytest
from playwright.sync_api import expect

from tests.readings.factories import ReadingFactory
from tests.sessions.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_adds_a_missing_term_from_a_note_and_the_note_then_links_to_it(page, sign_in):
    ReadingFactory(title="Toy models of superposition")
    sign_in(page, UserFactory().username)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Readings").click()
    page.get_by_role("link", name="Toy models of superposition").click()

    page.locator("#notes").get_by_text("Add a note").click()
    page.get_by_label("Note", exact=True).fill("We need [[Missing term]] here.")
    page.get_by_role("button", name="Save note").click()
    missing = page.locator("#notes .markdown a.wiki-link.missing")
    expect(missing).to_have_text("Missing term")

    missing.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a term")
    expect(page.get_by_label("Name")).to_have_value("Missing term")
    page.get_by_label("Definition").fill("What the note needed.")
    page.get_by_role("button", name="Add term").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Missing term")

    # The term page lists where it is used; the note is there, and now links here.
    page.locator(".backlinks").get_by_role("link", name="Toy models of superposition").click()
    link = page.locator("#notes .markdown a")
    expect(link).to_have_text("Missing term")
    expect(link).to_have_attribute("href", "/glossary/missing-term/")
    expect(link).to_have_class("term-link")
