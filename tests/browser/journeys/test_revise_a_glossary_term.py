"""A member revises a glossary term, then reads what changed in its history."""

import pytest
from playwright.sync_api import expect

from readings import services as reading_services
from tests.sessions.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_revises_a_term_and_compares_two_revisions(page, sign_in, screenshot):
    writer = UserFactory(username="writer")
    polysemanticity = reading_services.term_create(
        name="Polysemanticity", definition="One neuron, several features.", author=writer
    )
    reading_services.term_create(
        name="Superposition",
        definition="A model stores more features than it has dimensions.",
        author=writer,
        related=[polysemanticity],
    )
    editor = UserFactory(username="editor")
    sign_in(page, editor.username)

    page.locator("header").get_by_role("link", name="Glossary").click()
    page.get_by_role("link", name="Superposition", exact=True).click()
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Definition").fill("A model stores more sparse features than it has neurons.")
    page.get_by_label("What changed").fill("Sparse features, counted against neurons")
    screenshot(page, "editing")
    page.get_by_role("button", name="Save term").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Superposition")
    expect(page.locator(".definition")).to_contain_text("more sparse features than it has neurons")
    history = page.locator("#history")
    expect(history).to_contain_text("Sparse features, counted against neurons")

    history.get_by_label("Compare from revision 1").check()
    history.get_by_label("Compare to revision 2").check()
    history.get_by_role("button", name="Compare").click()

    diff = page.locator("#diff")
    expect(diff).to_contain_text("Changes from revision 1 to 2")
    definition = diff.locator(".diff-field", has_text="Definition")
    expect(definition.locator("ins")).to_contain_text(["sparse", "neurons"])
    expect(definition.locator("del")).to_contain_text(["dimensions"])
    # Only the definition changed: the related term is shown by name, and as unchanged.
    related = diff.locator(".diff-field", has_text="Related")
    expect(related).to_have_class("diff-field unchanged")
    expect(related).to_contain_text("Polysemanticity")
    expect(related.locator("ins, del")).to_have_count(0)
    screenshot(page, "diff")
