"""A member adds a reading to the library, highlights a phrase in it and follows the
highlight's link to that phrase in the source."""

import pytest
from playwright.sync_api import expect

from tests.sessions.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SOURCE = "https://distill.example/2020/circuits/zoom-in/"
SOURCE_PAGE = """<!doctype html><title>Zoom In</title>
<p>Some text first.</p><p style="margin-top:3000px">Features are the fundamental unit of
neural networks.</p>"""


def test_a_member_adds_a_reading_highlights_a_phrase_and_follows_its_link(
    page, sign_in, screenshot
):
    reader = UserFactory(username="reader")
    sign_in(page, reader.username)

    page.locator("header").get_by_role("link", name="Readings").click()
    page.get_by_role("link", name="Add a reading").click()
    page.get_by_label("Title").fill("Zoom In: An Introduction to Circuits")
    page.get_by_label("Link").fill(SOURCE)
    page.get_by_label("Authors").fill("Chris Olah\nCammarata, Nick")
    page.get_by_label("Year").fill("2020")
    page.get_by_label("Tags").fill("circuits, vision")
    screenshot(page, "adding")
    page.get_by_role("button", name="Add reading").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Zoom In: An Introduction to Circuits"
    )
    expect(page.locator(".reading-meta")).to_contain_text("Chris Olah, Nick Cammarata")
    page.get_by_text("Add a highlight").click()
    page.get_by_label("Phrase").fill("Features are the fundamental unit")
    page.get_by_label("Comment").fill("The first of the three claims.")
    page.get_by_role("button", name="Save highlight").click()

    highlight = page.locator("li.highlight", has_text="Features are the fundamental unit")
    expect(highlight).to_contain_text("The first of the three claims.")
    link = highlight.get_by_role("link", name="Features are the fundamental unit")
    expect(link).to_have_attribute(
        "href", SOURCE + "#:~:text=Features%20are%20the%20fundamental%20unit"
    )
    screenshot(page, "highlighted")

    # The source is elsewhere on the web; the browser is given a copy of it instead.
    page.route(SOURCE, lambda route: route.fulfill(content_type="text/html", body=SOURCE_PAGE))
    link.click()
    page.wait_for_url(SOURCE + "**")
    expect(page.get_by_text("Features are the fundamental unit")).to_be_in_viewport()
    screenshot(page, "source-at-phrase", full_page=False)
