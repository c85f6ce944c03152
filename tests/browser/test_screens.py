"""A tour of the main pages on the demo data, at a desktop and a phone width: saves
screenshots for people to look at, and checks what a machine can check of accessibility."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tracker.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAIN_PAGES = {
    "dashboard": "/",
    "course": "/courses/interpretability-reading-group/",
    "session": "/courses/interpretability-reading-group/sessions/1/",
    "readings": "/readings/",
    "reading": "/readings/zoom-in-circuits/",
    "glossary": "/glossary/",
    "term-diff": None,  # a term with two revisions, found below
    "my-writing": "/me/writing/",
    "profile": "/accounts/profile/",
}

# Inputs without a label, and headings that skip a level, on the page.
ACCESSIBILITY_PROBLEMS = """() => {
  const problems = [];
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden" || el.hidden) continue;
    if (!(el.labels && el.labels.length) && !el.getAttribute("aria-label")) {
      problems.push("no label: " + (el.name || el.id));
    }
  }
  let last = 0;
  for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const level = Number(h.tagName[1]);
    if (level > last + 1) problems.push("heading jumps to " + h.tagName + ": " + h.textContent);
    last = level;
  }
  if (document.querySelectorAll("h1").length !== 1) problems.push("not exactly one h1");
  const width = document.documentElement.scrollWidth;
  if (width > window.innerWidth + 1) problems.push("scrolls sideways");
  return problems;
}"""


def test_main_pages_at_desktop_and_phone_width(browser, live_server, sign_in, screens_dir):
    load_demo(log=lambda _line: None)
    from readings.models import GlossaryTerm

    revised = GlossaryTerm.objects.filter(revisions__number=2).order_by("name").first()
    pages = dict(MAIN_PAGES, **{"term-diff": f"{revised.get_absolute_url()}?from=1&to=2#history"})
    for width_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        tab = context.new_page()
        sign_in(tab, "member", "member-demo")
        for name, url in pages.items():
            response = tab.goto(url)
            assert response.status == 200, url
            tab.wait_for_load_state("networkidle")
            tab.screenshot(path=str(screens_dir / f"{name}-{width_name}.png"), full_page=True)
            assert tab.evaluate(ACCESSIBILITY_PROBLEMS) == [], f"{url} at {width_name}"
        context.close()
