"""A member writes a reflection for herself, edits it and shares it with the course: another
member then reads it, while someone outside the course never sees it."""

import pytest
from playwright.sync_api import expect

from tests.sessions.factories import CourseFactory, MembershipFactory, SessionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reflection_shared_with_the_course_reaches_members_only(
    page, open_tab, sign_in, screenshot
):
    course = CourseFactory(title="Circuits seminar", visibility="public")
    session = SessionFactory(course=course, title="Induction heads")
    author = MembershipFactory(course=course, user__username="grace").user
    reader = MembershipFactory(course=course, user__username="alan").user
    outsider = UserFactory(username="outsider")

    sign_in(page, author.username)
    # The dashboard lists the past session waiting for her reflection.
    page.get_by_role("link", name="Induction heads").click()
    page.get_by_label("Your reflection").fill("Induction heads copy the token after a match.")
    expect(page.get_by_label("Who may read it")).to_have_value("private")
    page.get_by_role("button", name="Save reflection").click()
    mine = page.locator("article.reflection.mine")
    expect(mine).to_contain_text("Induction heads copy the token after a match.")
    expect(mine).to_contain_text("Only me")
    screenshot(page, "written-private")

    other_member = open_tab()
    sign_in(other_member, reader.username)
    other_member.goto(session.get_absolute_url())
    expect(other_member.get_by_role("heading", name="Reflections by others")).to_be_visible()
    expect(other_member.locator("main")).not_to_contain_text("copy the token")

    page.get_by_text("Edit my reflection").click()
    page.get_by_label("Your reflection").fill(
        "Induction heads copy the **next** token after an earlier match."
    )
    page.get_by_label("Who may read it").select_option(label="Members of the course")
    page.get_by_role("button", name="Save reflection").click()
    expect(page.locator(".messages")).to_contain_text("Reflection saved")
    expect(mine.locator("strong")).to_have_text("next")
    expect(mine).to_contain_text("Members of the course")
    screenshot(page, "edited-shared")

    other_member.reload()
    shared = other_member.locator("article.reflection", has_text="earlier match")
    expect(shared).to_contain_text("grace")
    expect(shared).to_contain_text("Members of the course")
    screenshot(other_member, "seen-by-member")

    stranger = open_tab()
    sign_in(stranger, outsider.username)
    stranger.goto(session.get_absolute_url())
    expect(stranger.get_by_role("heading", level=1)).to_contain_text("Induction heads")
    expect(stranger.locator("main")).not_to_contain_text("earlier match")
    screenshot(stranger, "hidden-from-outsider")

    visitor = open_tab()
    visitor.goto(session.get_absolute_url())
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Induction heads")
    expect(visitor.locator("main")).not_to_contain_text("earlier match")
