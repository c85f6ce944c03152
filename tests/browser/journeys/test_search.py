"""A member searches from the header and opens a result; others' private writing never shows."""

import pytest
from playwright.sync_api import expect

from tests.readings.factories import ReadingFactory
from tests.sessions.factories import MembershipFactory, ReflectionFactory, SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_searches_from_the_header_and_opens_a_result(page, sign_in, screenshot):
    ReadingFactory(title="Towards Monosemanticity: Decomposing Language Models")
    ReadingFactory(title="Attention Is All You Need")
    membership = MembershipFactory(user__username="searcher")
    session = SessionFactory(course=membership.course, title="Dictionary learning")
    ReflectionFactory(
        session=session, visibility="private", body="My private monosemanticity worries."
    )
    sign_in(page, membership.user.username)

    search = page.locator("header").get_by_role("searchbox", name="Search")
    search.fill("monosemanticity")
    search.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    results = page.locator(".search-results")
    expect(results.get_by_role("link")).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text("private monosemanticity worries")
    screenshot(page, "results")

    results.get_by_role("link", name="Towards Monosemanticity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Towards Monosemanticity: Decomposing Language Models"
    )
    screenshot(page, "opened")
