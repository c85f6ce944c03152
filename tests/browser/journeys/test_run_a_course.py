"""Running a course in the browser: a person creates a course, invites someone by email, the
invited person, in a browser of their own, signs in from the link and joins, the organizer adds
the term's sessions in one go, and the new member sees them."""

import re

import pytest
from playwright.sync_api import expect

from sessions.models import Course, Membership
from tests.browser.conftest import DESKTOP, PASSWORD
from tests.sessions.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_a_course_invite_someone_add_sessions_and_the_member_sees_them(
    page, sign_in, browser, live_server, screenshot
):
    UserFactory(username="olivia")
    UserFactory(username="ines", email="ines@example.org")
    sign_in(page, "olivia")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    page.get_by_role("link", name="New course").click()
    page.get_by_label("Title").fill("Circuits Reading Group")
    expect(page.get_by_label("Address")).to_have_value("circuits-reading-group")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_label("Description").fill("We read the **circuits** thread.")
    page.get_by_role("button", name="Create course").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Circuits Reading Group")
    expect(page.locator(".messages")).to_contain_text("you are its organizer")
    expect(page.locator(".markdown strong")).to_have_text("circuits")
    screenshot(page, "course-created")

    page.get_by_role("link", name="Members").click()
    invite = page.locator("section", has=page.get_by_role("heading", name="Invite by email"))
    invite.get_by_label("Email address").fill("ines@example.org")
    invite.get_by_label("Role").select_option("member")
    invite.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".messages")).to_contain_text("Invitation emailed to ines@example.org")
    link = page.get_by_label("Link for ines@example.org").input_value()
    screenshot(page, "invited")
    assert re.fullmatch(rf"{re.escape(live_server.url)}/invitations/[\w-]{{40,}}/", link)

    # The invited person opens the emailed link in a browser of their own.
    other = browser.new_context(viewport=DESKTOP)
    try:
        invited = other.new_page()
        invited.set_default_timeout(10_000)
        invited.goto(link)
        expect(invited.get_by_role("heading", level=1)).to_have_text(
            "Invitation to Circuits Reading Group"
        )
        invited.get_by_role("link", name="Sign in to accept").click()
        invited.get_by_label("Username").fill("ines")
        invited.get_by_label("Password").fill(PASSWORD)
        invited.locator("main").get_by_role("button", name="Sign in").click()
        invited.get_by_role("button", name="Accept and join").click()
        expect(invited.locator(".messages")).to_contain_text(
            "Welcome to Circuits Reading Group: you joined as member"
        )
        expect(invited.get_by_role("heading", level=1)).to_have_text("Circuits Reading Group")
        expect(invited.get_by_text("No sessions yet")).to_be_visible()
        screenshot(invited, "joined")

        page.reload()
        members = page.locator("section", has=page.get_by_role("heading", name="2 members"))
        expect(members.locator(".member-row", has_text="ines")).to_be_visible()
        expect(members.get_by_label("Role of ines")).to_have_value("member")
        expect(page.get_by_text("No invitations waiting for an answer.")).to_be_visible()
        course = Course.objects.get(slug="circuits-reading-group")
        roles = dict(Membership.objects.filter(course=course).values_list("user__username", "role"))
        assert roles == {"olivia": "organizer", "ines": "member"}

        # The organizer adds the term's four weekly sessions, checking the preview first.
        page.get_by_role("link", name="Circuits Reading Group").click()
        page.get_by_role("link", name="Add several sessions").click()
        page.get_by_label("First session").fill("2030-10-03")
        page.get_by_label("Starts at").fill("17:30")
        page.get_by_label("Length in minutes").fill("90")
        page.get_by_label("How many sessions").fill("4")
        page.get_by_label("How often").select_option(label="Every week")
        page.get_by_label("Titles").fill("Circuits, part {n}")
        page.get_by_role("button", name="Preview").click()
        expect(page.locator(".series-table tbody tr")).to_have_count(4)
        screenshot(page, "series-preview")
        page.get_by_role("button", name="Create 4 sessions").click()
        expect(page.locator(".messages")).to_contain_text("4 sessions added")
        expect(page.locator(".session-row")).to_have_count(4)

        # The member reloads the course page and sees the sessions, in the course's zone.
        invited.reload()
        expect(invited.locator(".session-row")).to_have_count(4)
        expect(invited.locator(".session-list")).to_contain_text("Circuits, part 4")
        screenshot(invited, "member-sees-sessions")
    finally:
        other.close()
