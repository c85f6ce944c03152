"""An organizer adds a term's sessions in one go, checking the preview first, and picks a
session's readings by typing part of a title or an author."""

import re
from datetime import time
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from readings.models import Author, ReadingAuthor
from sessions.models import Session
from tests.readings.factories import ReadingFactory
from tests.sessions.factories import CourseFactory, MembershipFactory, SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organizer_previews_and_creates_a_weekly_series(page, sign_in):
    course = CourseFactory(title="Interpretability seminar", time_zone="Europe/London")
    organizer = MembershipFactory(course=course, role="organizer").user
    SessionFactory(course=course, number=1, title="Kick-off")
    sign_in(page, organizer.username)
    page.goto(course.get_absolute_url())

    page.get_by_role("link", name="Add several sessions").click()
    page.get_by_label("First session").fill("2024-03-21")
    page.get_by_label("Starts at").fill("18:00")
    page.get_by_label("Length in minutes").fill("60")
    page.get_by_label("How many sessions").fill("3")
    page.get_by_label("How often").select_option(label="Every week")
    page.get_by_label("Titles").fill("Paper club {n}")
    page.get_by_role("button", name="Preview").click()

    rows = page.locator(".series-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Paper club 2")
    # After the clocks change on 31 March the seminar is still at 18:00 in London.
    expect(rows.nth(2)).to_contain_text("Thu 4 Apr 2024, 18:00\N{EN DASH}19:00")
    assert not course.sessions.filter(number__gt=1).exists()

    page.get_by_role("button", name="Create 3 sessions").click()
    page.wait_for_url(re.compile(rf".*/courses/{course.slug}/$"))
    expect(page.locator(".messages")).to_contain_text("3 sessions added")
    expect(page.locator(".session-row")).to_have_count(4)
    expect(page.locator(".session-list")).to_contain_text("Paper club 4")
    london = ZoneInfo("Europe/London")
    created = Session.objects.filter(course=course, number__gt=1).order_by("number")
    assert [s.starts_at.astimezone(london).time() for s in created] == [time(18)] * 3


def test_organizer_picks_a_reading_by_typing_in_the_filter(page, sign_in):
    session = SessionFactory(title="Features", course__title="Reading group")
    organizer = MembershipFactory(course=session.course, role="organizer").user
    zoom = ReadingFactory(title="Zoom In: An Introduction to Circuits")
    ReadingAuthor.objects.create(
        reading=zoom, author=Author.objects.create(given_name="Chris", family_name="Olah")
    )
    for number in range(40):
        ReadingFactory(title=f"Other reading {number}")
    sign_in(page, organizer.username)
    page.goto(session.course.get_absolute_url())
    page.get_by_role("link", name=f"Edit session {session.number}").click()

    page.get_by_label("Find in the library").press_sequentially("olah", delay=20)
    expect(page.get_by_role("status").filter(has_text="match")).to_have_text("1 reading matches.")
    library = page.locator("[data-library] li:visible")
    expect(library).to_have_count(1)
    page.get_by_label("Zoom In: An Introduction to Circuits").check()
    page.get_by_label("Role of Zoom In: An Introduction to Circuits").select_option("required")
    page.get_by_role("button", name="Save session").click()

    page.wait_for_url(re.compile(rf".*/sessions/{session.number}/$"))
    expect(page.locator("main")).to_contain_text("Zoom In: An Introduction to Circuits")
    assert [(r.reading_id, r.role) for r in session.session_readings.all()] == [
        (zoom.pk, "required")
    ]
