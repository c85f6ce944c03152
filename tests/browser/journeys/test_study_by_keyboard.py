"""A member reviews their course's glossary by keyboard only: space shows the answer, a digit
grades it, `u` undoes the grade; then the same on a phone, where the grades are large."""

import pytest
from playwright.sync_api import expect

from study.models import Card, ReviewLog
from tests.browser.conftest import PASSWORD, PHONE
from tests.sessions.factories import UserFactory
from tests.study.factories import course_with_glossary

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in_by_keyboard(page, username: str) -> None:
    page.goto("/accounts/login/")
    expect(page.get_by_label("Username")).to_be_focused()  # the form's autofocus
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/")


def test_a_member_reviews_by_keyboard_and_undoes_a_grade(page, screenshot):
    learner = UserFactory(username="learner")
    course, _ = course_with_glossary(
        [
            {"name": "Superposition", "level": 1, "definition": "More features than dimensions."},
            {"name": "Probe", "level": 2, "definition": "A classifier on activations."},
        ],
        members=[learner],
    )
    _sign_in_by_keyboard(page, learner.username)
    # From the dashboard to the course's study page: Tab to its link, then Enter.
    link = page.get_by_role("link", name="Study its glossary")
    for _ in range(60):
        page.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            break
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/courses/{course.slug}/study/")

    front = page.locator("#study-front")
    answer = page.locator(".study-back")
    expect(front).to_have_text("Superposition")
    expect(page.locator(".study-counts")).to_contain_text("2 new")
    expect(answer).to_be_hidden()
    screenshot(page, "question")

    page.keyboard.press("Space")
    expect(answer).to_be_visible()
    expect(answer).to_contain_text("More features than dimensions.")
    grades = page.locator(".study-grade")
    expect(grades).to_have_count(4)
    expect(grades.nth(2)).to_contain_text("10 min")  # Good, as fsrs schedules a new card
    expect(grades.nth(2)).to_be_focused()
    screenshot(page, "answer")

    page.keyboard.press("3")
    expect(front).to_have_text("Probe")
    assert ReviewLog.objects.filter(undone_at=None).count() == 1

    page.keyboard.press("u")
    expect(page.locator(".messages")).to_contain_text("Grade undone: “Superposition”")
    expect(front).to_have_text("Superposition")
    assert ReviewLog.objects.get().undone_at is not None
    screenshot(page, "undone")

    page.keyboard.press("Space")
    page.keyboard.press("4")
    expect(front).to_have_text("Probe")
    page.keyboard.press("Space")
    page.keyboard.press("1")
    # Again puts Probe back in a minute; nothing else is due.
    expect(page.get_by_role("heading", name="Nothing to review now")).to_be_visible()
    assert sorted(Card.objects.values_list("term__name", "state")) == [
        ("Probe", 1),
        ("Superposition", 2),
    ]
    screenshot(page, "done")


def test_on_a_phone_the_grades_are_large_targets(page, sign_in, screenshot):
    learner = UserFactory(username="phone-learner")
    course_with_glossary([{"name": "Logit lens"}], members=[learner])
    sign_in(page, learner.username)
    page.set_viewport_size(PHONE)
    page.goto("/study/")
    page.keyboard.press("Space")
    for index in range(4):
        box = page.locator(".study-grade").nth(index).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 140, box
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "phone")
