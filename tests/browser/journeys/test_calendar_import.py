"""An organizer imports a course's sessions from a calendar file: a preview first, then the
sessions on the course page."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.sessions.factories import CourseFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CALENDAR = Path(__file__).resolve().parents[2] / "data" / "journey_calendar.ics"


def test_an_organizer_imports_sessions_from_a_calendar_file(page, sign_in, screenshot):
    course = CourseFactory(title="Interpretability seminar", time_zone="Europe/Berlin")
    organizer = MembershipFactory(course=course, role="organizer", user__username="org").user
    sign_in(page, organizer.username)

    page.locator("header").get_by_role("link", name="Courses").click()
    page.get_by_role("link", name="Interpretability seminar").click()
    page.get_by_role("link", name="Import sessions from a calendar").click()
    page.get_by_label("An .ics file").set_input_files(CALENDAR)
    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_role("region", name="Preview: nothing is saved yet")
    expect(preview).to_contain_text("2 to add")
    # 17:00 UTC on a March day is 18:00 in Berlin, the course's zone.
    expect(preview).to_contain_text("Sparse autoencoders · Tue 2 Mar 2027, 18:00")
    expect(preview).to_contain_text("Activation steering · Tue 9 Mar 2027, 18:00")
    screenshot(page, "preview")
    assert not course.sessions.exists()  # nothing saved before the organizer confirms

    page.get_by_role("button", name="Save these changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Interpretability seminar")
    expect(page.locator(".messages")).to_contain_text("Imported: 2 added")
    sessions = page.locator(".session-list")
    expect(sessions.locator(".session-row")).to_have_count(2)
    expect(sessions.locator(".session-row").first).to_contain_text("Sparse autoencoders")
    # Shown in the member's zone (UTC, by default) and in the course's.
    expect(sessions.locator(".session-row").first).to_contain_text("Tue 2 Mar 2027, 17:00")
    expect(sessions.locator(".session-row").first).to_contain_text("18:00")
    expect(sessions.locator(".session-row").last).to_contain_text("Activation steering")
    screenshot(page, "course-page")

    # Playwright's default aim, thrown off by the link's visually hidden "Session 1: " prefix,
    # lands on the row beside it; a person clicks the title they see.
    sessions.get_by_role("link", name="Sparse autoencoders").click(position={"x": 40, "y": 8})
    expect(page.get_by_role("heading", level=1)).to_have_text("1. Sparse autoencoders")
    expect(page.locator(".session-meta")).to_contain_text("Room 2")
