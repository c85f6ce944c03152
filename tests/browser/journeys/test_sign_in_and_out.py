"""A person signs in from the home page's header and signs out again."""

import pytest
from playwright.sync_api import expect

from tests.sessions.factories import UserFactory
from tracker import services as profile_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_signs_in_from_the_header_sees_their_name_and_signs_out(page, screenshot):
    user = UserFactory(username="ada")
    profile_services.profile_update(user=user, display_name="Ada Lovelace")
    header = page.locator("header.site-header")

    page.goto("/")
    screenshot(page, "signed-out-home")
    header.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.locator("main").get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Ada Lovelace")
    expect(header.get_by_role("button", name="Sign out")).to_be_visible()
    expect(header.get_by_role("link", name="Sign in")).to_have_count(0)
    screenshot(page, "signed-in-dashboard")

    header.get_by_role("button", name="Sign out").click()
    expect(header.get_by_role("link", name="Sign in")).to_be_visible()
    expect(header.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("Ada Lovelace")
    screenshot(page, "signed-out")

    # The dashboard is for people signed in: typing its address now asks to sign in again.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
