"""A member marks where she is with readings, in the library and on a reading's page, and
finds her choices still there after reloading."""

import pytest
from playwright.sync_api import expect

from tests.readings.factories import ReadingFactory
from tests.sessions.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pressed(scope, name: str):
    return expect(scope.get_by_role("button", name=name, exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )


def test_a_members_reading_status_is_kept_after_a_reload(page, sign_in, screenshot):
    ReadingFactory(title="Toy Models of Superposition")
    ReadingFactory(title="Towards Monosemanticity")
    reader = UserFactory(username="reader")
    sign_in(page, reader.username)

    page.locator("header").get_by_role("link", name="Readings").click()
    card = page.locator("li.reading-card", has_text="Toy Models of Superposition")
    card.get_by_role("button", name="Reading", exact=True).click()
    expect(card.get_by_role("status")).to_have_text("Saved")
    _pressed(card, "Reading")
    screenshot(page, "library-reading")

    page.reload()
    _pressed(card, "Reading")
    other = page.locator("li.reading-card", has_text="Towards Monosemanticity")
    expect(other.locator("[aria-pressed=true]")).to_have_count(0)

    card.get_by_role("link", name="Toy Models of Superposition").click()
    status = page.locator(".my-status")
    _pressed(status, "Reading")
    status.get_by_role("button", name="Read", exact=True).click()
    expect(status.get_by_role("status")).to_have_text("Saved")
    page.reload()
    _pressed(status, "Read")
    expect(status.get_by_role("button", name="Reading", exact=True)).to_have_attribute(
        "aria-pressed", "false"
    )
    screenshot(page, "reading-page-read")

    page.go_back()
    page.reload()
    _pressed(page.locator("li.reading-card", has_text="Toy Models of Superposition"), "Read")
