"""Keyboard shortcuts: `n` opens the note form wherever there is one, `?` lists the shortcuts,
and neither key is taken from someone typing in a field."""

import pytest
from playwright.sync_api import expect

from readings.models import Note
from tests.readings.factories import GlossaryTermFactory, ReadingFactory
from tests.sessions.factories import MembershipFactory, SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page_with_notes(kind: str, membership) -> str:
    if kind == "session":
        return SessionFactory(course=membership.course).get_absolute_url()
    if kind == "term":
        GlossaryTermFactory(name="Superposition")
        return "/glossary/superposition/"
    return ReadingFactory(title="Zoom In").get_absolute_url()


@pytest.mark.parametrize("kind", ["reading", "session", "term"])
def test_pressing_n_opens_the_note_form_with_the_cursor_in_its_text(page, sign_in, kind):
    membership = MembershipFactory()
    url = _page_with_notes(kind, membership)
    sign_in(page, membership.user.username)
    page.goto(url)
    note = page.get_by_label("Note", exact=True)
    expect(note).to_be_hidden()

    page.keyboard.press("n")
    expect(note).to_be_focused()
    page.keyboard.type("Read it twice")
    expect(note).to_have_value("Read it twice")  # the `n` itself was not typed in

    page.get_by_role("button", name="Save note").click()
    expect(page.locator("#notes article.note")).to_contain_text("Read it twice")
    assert Note.objects.get(author=membership.user).body == "Read it twice"


def test_n_typed_into_a_field_stays_there(page, sign_in):
    membership = MembershipFactory()
    url = ReadingFactory().get_absolute_url()
    sign_in(page, membership.user.username)
    page.goto(url)
    search = page.get_by_role("searchbox")
    search.click()
    page.keyboard.type("neurons")
    expect(search).to_have_value("neurons")
    expect(search).to_be_focused()
    expect(page.get_by_label("Note", exact=True)).to_be_hidden()


def test_n_with_a_modifier_held_is_left_to_the_browser(page, sign_in):
    membership = MembershipFactory()
    sign_in(page, membership.user.username)
    page.goto(ReadingFactory().get_absolute_url())
    page.keyboard.press("Alt+n")
    expect(page.get_by_label("Note", exact=True)).to_be_hidden()


def test_question_mark_shows_the_shortcuts_which_the_footer_also_lists(page):
    page.goto("/readings/")
    shortcuts = page.locator("#keyboard-shortcuts")
    expect(shortcuts.get_by_text("Add a note")).to_be_hidden()
    page.keyboard.press("?")
    expect(shortcuts.get_by_text("Add a note")).to_be_visible()
    expect(shortcuts.locator("summary")).to_be_focused()
    # Clicking the footer's summary folds it again, as any <details> does.
    page.get_by_text("Keyboard shortcuts").click()
    expect(shortcuts.get_by_text("Add a note")).to_be_hidden()


def test_slash_still_jumps_to_search(page):
    page.goto("/readings/")
    page.keyboard.press("/")
    expect(page.get_by_role("searchbox")).to_be_focused()
