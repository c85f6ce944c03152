"""What people do in the browser: write a reflection with a live preview, set a reading's
status without a reload, edit a glossary term and read the diff."""

import re

import pytest
from playwright.sync_api import expect

from notebooks.models import Run
from readings import services as reading_services
from readings.models import ReadingStatus
from sessions.models import Reflection
from tests.notebooks.factories import (
    NotebookFactory,
    RunFactory,
)
from tests.readings.factories import GlossaryTermFactory, ReadingFactory
from tests.sessions.factories import MembershipFactory, SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_writes_a_reflection_with_live_preview_and_sees_it_on_the_session(page, sign_in):
    GlossaryTermFactory(name="Superposition")
    membership = MembershipFactory(course__visibility="members")
    session = SessionFactory(course=membership.course, title="Toy models")
    sign_in(page, membership.user.username)
    page.goto(session.get_absolute_url())

    body = page.get_by_label("Your reflection")
    body.press_sequentially("The **key idea** was superposition.", delay=5)
    preview = page.locator("#id_body_preview")
    expect(preview.locator("strong")).to_have_text("key idea")
    expect(preview.locator("a.term-link")).to_have_attribute("href", "/glossary/superposition/")

    page.get_by_label("Who may read it").select_option("course")
    page.get_by_role("button", name="Save reflection").click()
    page.wait_for_url(re.compile(r".*/sessions/\d+/#reflection$"))

    expect(page.locator(".messages")).to_contain_text("Reflection saved")
    mine = page.locator("article.reflection.mine")
    expect(mine.locator("strong")).to_have_text("key idea")
    expect(mine).to_contain_text("Members of the course")
    reflection = Reflection.objects.get(author=membership.user)
    assert reflection.visibility == "course" and "<strong>key idea</strong>" in reflection.body_html


def test_unsaved_reflection_text_survives_a_reload(page, sign_in):
    membership = MembershipFactory()
    session = SessionFactory(course=membership.course)
    sign_in(page, membership.user.username)
    page.goto(session.get_absolute_url())
    page.get_by_label("Your reflection").fill("Typed but never saved")
    page.wait_for_timeout(600)  # the draft is kept after a short pause in typing
    page.reload()
    page.get_by_role("button", name="Put it back").click()
    expect(page.get_by_label("Your reflection")).to_have_value("Typed but never saved")


def test_reading_status_changes_in_the_library_without_a_reload(page, sign_in):
    membership = MembershipFactory()
    reading = ReadingFactory(title="Zoom In")
    ReadingFactory(title="Another reading")
    sign_in(page, membership.user.username)
    page.goto("/readings/")
    page.evaluate("window.loadedOnce = true")

    card = page.locator("li.reading-card", has_text="Zoom In")
    card.get_by_role("button", name="Read", exact=True).click()
    expect(card.get_by_role("button", name="Read", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(card.get_by_role("status")).to_have_text("Saved")
    # The keyboard works too: focus a button and press Enter.
    card.get_by_role("button", name="Reading", exact=True).focus()
    page.keyboard.press("Enter")
    expect(card.get_by_role("button", name="Reading", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )

    assert page.evaluate("window.loadedOnce") is True  # still the same page: no reload
    assert ReadingStatus.objects.get(user=membership.user, reading=reading).status == "reading"


def test_buttons_htmx_swaps_in_take_the_next_click_at_once(page, sign_in):
    """htmx takes over swapped-in content when the swap settles; until then a click submits
    the form the plain way and reloads the page. The site settles swaps at once."""
    membership = MembershipFactory()
    ReadingFactory(title="Zoom In")
    sign_in(page, membership.user.username)
    page.goto("/readings/")
    # Observers run right after the code that changed the page: they see what a click could.
    page.evaluate(
        """() => {
            window.notYetLive = 0;
            new MutationObserver(() => {
                window.notYetLive += document.querySelectorAll("form.htmx-added").length;
            }).observe(document.body, {childList: true, subtree: true});
        }"""
    )
    card = page.locator("li.reading-card", has_text="Zoom In")
    card.get_by_role("button", name="Read", exact=True).click()
    expect(card.get_by_role("status")).to_have_text("Saved")
    assert page.evaluate("window.notYetLive") == 0


def test_member_edits_a_term_and_sees_the_diff(page, sign_in):
    membership = MembershipFactory()
    term = GlossaryTermFactory(name="Steering", definition="Adding a vector to activations.")
    sign_in(page, membership.user.username)
    page.goto(term.get_absolute_url())
    page.get_by_role("link", name="Edit").click()

    definition = page.get_by_label("Definition")
    definition.fill("Adding a chosen vector to the residual stream.")
    expect(page.locator("#id_definition_preview")).to_contain_text("residual stream")
    page.get_by_label("What changed").fill("More precise")
    page.get_by_role("button", name="Save term").click()
    page.wait_for_url(f"**{term.get_absolute_url()}")

    diff = page.locator("#diff")
    expect(diff).to_contain_text("Changes from revision 1 to 2")
    expect(diff.locator(".diff-text del")).to_contain_text(["activations"])
    expect(diff.locator(".diff-text ins").first).to_have_text(" chosen")
    expect(page.locator("#history")).to_contain_text("More precise")

    # Choosing the same two revisions with the radio buttons gives the same diff.
    page.get_by_label("Compare from revision 1").check()
    page.get_by_label("Compare to revision 2").check()
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("#diff .diff-text del")).to_contain_text(["activations"])


def test_glossary_filters_as_you_type(page):
    for name in ("Superposition", "Sparse autoencoder", "Grokking"):
        reading_services.term_create(name=name, definition="…", author=None)
    page.goto("/glossary/")
    page.get_by_label("Filter terms").fill("super")
    expect(page.locator(".term-item:visible")).to_have_count(1)
    expect(page.get_by_role("link", name="Superposition")).to_be_visible()
    expect(page.locator("#term-filter-status")).to_have_text("1 term match.")
    page.get_by_label("Filter terms").fill("")
    expect(page.locator(".term-item:visible")).to_have_count(3)


def test_expired_sign_in_shows_a_notice_in_place_and_keeps_the_page(page, sign_in):
    membership = MembershipFactory()
    ReadingFactory(title="Zoom In")
    sign_in(page, membership.user.username)
    page.goto("/readings/")
    page.context.clear_cookies(name="sessionid")  # the sign-in expires; the page stays open
    card = page.locator("li.reading-card", has_text="Zoom In")
    card.get_by_role("button", name="Read", exact=True).click()
    expect(card.get_by_role("alert")).to_contain_text("You are signed out")
    expect(card.get_by_role("link", name="Sign in again")).to_be_visible()
    assert not ReadingStatus.objects.exists()


@pytest.mark.usefixtures("isolated_media")
def test_deleting_a_run_asks_first_and_keeps_it_when_the_organizer_says_no(page, sign_in):
    membership = MembershipFactory(role="organizer")
    session = SessionFactory(course=membership.course)
    run = RunFactory(notebook=NotebookFactory(session=session))
    sign_in(page, membership.user.username)
    page.goto(session.get_absolute_url())
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.get_by_role("button", name="Delete run").click()
    expect(page.get_by_role("button", name="Delete run")).to_be_visible()
    assert questions == [f"Delete run {run.pk} and all its outputs? This cannot be undone."]
    assert Run.objects.filter(pk=run.pk).exists()

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.get_by_role("button", name="Delete run").click()
    expect(page.get_by_role("button", name="Delete run")).to_have_count(0)
    assert not Run.objects.filter(pk=run.pk).exists()


def test_the_slash_key_jumps_to_search_unless_someone_is_typing(page, sign_in):
    membership = MembershipFactory()
    session = SessionFactory(course=membership.course)
    sign_in(page, membership.user.username)
    page.goto(session.get_absolute_url())
    page.keyboard.press("/")
    search = page.get_by_role("searchbox")
    expect(search).to_be_focused()
    page.get_by_label("Your reflection").click()
    page.keyboard.type("a/b")
    expect(page.get_by_label("Your reflection")).to_have_value("a/b")


def test_choosing_a_filter_in_the_library_applies_it_without_a_click(page):
    ReadingFactory(title="A paper on probes", kind="paper")
    ReadingFactory(title="A talk on steering", kind="video")
    page.goto("/readings/")
    page.get_by_label("Kind").select_option("video")
    page.wait_for_url(re.compile(r".*kind=video.*"))
    expect(page.locator(".library")).to_contain_text("A talk on steering")
    expect(page.locator(".library")).not_to_contain_text("A paper on probes")
