"""Every page of the site, as a visitor, a member and an organizer, at a desktop and a phone
width: no text that looks like template syntax, nothing wider than the window, and no axe-core
violation. The pages are listed here; a test checks the list against the URL patterns, so a
new page cannot be left out."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.urls import URLPattern, URLResolver, get_resolver
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PASSWORD, PHONE, _keep_policy_violation
from tests.browser.site_with_everything import build_site
from tests.sessions.factories import UserFactory

pytestmark = pytest.mark.browser

VISITOR, MEMBER, ORGANIZER = "visitor", "member", "organizer"
SIGNED_IN = (MEMBER, ORGANIZER)
EVERYONE = (VISITOR, MEMBER, ORGANIZER)
# `{# ... #}` as one match (a comment Django did not take as one), or any opening or closing alone.
TEMPLATE_SYNTAX = re.compile(r"\{[#%{].{0,80}?[#%}]\}|\{[#%{]|[#%}]\}", re.DOTALL)


@dataclass(frozen=True)
class Page:
    name: str  # the URL pattern's name: the list is checked against the patterns
    path: str
    roles: tuple[str, ...] = EVERYONE
    status: int = 200
    # What a person does on `path` to reach the page (a form that answers with a new page),
    # ending with a check that it is there.
    reach: Callable | None = None
    label: str = ""  # tells apart two pages of one pattern

    def __str__(self) -> str:
        return self.label or self.name


def _show_highlight_errors(tab) -> None:
    tab.locator("summary", has_text="Add a highlight").click()
    tab.get_by_role("button", name="Save highlight").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Add a highlight")


def _add_reading_without_a_title(tab) -> None:
    tab.get_by_role("button", name="Add reading").click()
    expect(tab.locator("[aria-invalid=true]").first).to_be_visible()


def _sign_in_with_a_wrong_password(tab) -> None:
    tab.get_by_label("Username").fill("max")
    tab.get_by_label("Password").fill("not the password")
    tab.locator("main").get_by_role("button", name="Sign in").click()
    expect(tab.locator("main form")).to_contain_text("enter a correct username and password")


def _preview_calendar_import(tab) -> None:
    tab.get_by_label("Or paste the calendar").fill(CALENDAR)
    tab.get_by_role("button", name="Preview").click()
    expect(tab.get_by_role("heading", name="Preview: nothing is saved yet")).to_be_visible()


CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Tests//EN
BEGIN:VEVENT
UID:imported-1@example.org
DTSTAMP:20240101T000000Z
DTSTART:20240410T090000Z
DTEND:20240410T100000Z
SUMMARY:An imported session
END:VEVENT
END:VCALENDAR
"""


def _preview_session_series(tab) -> None:
    tab.get_by_label("First session").fill("2024-04-02")
    tab.get_by_label("Starts at").fill("18:00")
    tab.get_by_label("How many sessions").fill("3")
    tab.get_by_label("Titles").fill("Paper club {n}")
    tab.get_by_role("button", name="Preview").click()
    expect(tab.get_by_role("heading", name="Preview: nothing is saved yet")).to_be_visible()


def _preview_sweep(tab) -> None:
    tab.get_by_label("steps").fill("1\n2\n3")
    tab.get_by_label("label").fill("x\ny")
    tab.get_by_role("button", name="Preview the runs").click()
    expect(tab.get_by_role("heading", name="6 runs")).to_be_visible()


def _sweep_with_errors(tab) -> None:
    tab.get_by_label("steps").fill("1\nmany")
    tab.get_by_role("button", name="Start the sweep").click()
    expect(tab.locator("[aria-invalid=true]").first).to_be_visible()


# Paths name the site's objects (see build_site) in braces; {note} is the role's own note.
PAGES = [
    Page("login", "/accounts/login/", roles=(VISITOR,)),
    Page("login", "/accounts/login/", roles=(VISITOR,), reach=_sign_in_with_a_wrong_password,
         label="login with an error"),
    Page("dashboard", "/", roles=SIGNED_IN),
    Page("profile", "/accounts/profile/", roles=SIGNED_IN),
    Page("my_writing", "/me/writing/", roles=SIGNED_IN),
    Page("search", "/search/?q=superposition"),
    Page("workers", "/status/workers/", roles=(ORGANIZER,)),
    Page("course_list", "/courses/"),
    Page("course_detail", "{course}"),
    Page("course_create", "/courses/new/", roles=SIGNED_IN),
    Page("course_edit", "{course}edit/", roles=(ORGANIZER,)),
    Page("course_members", "{course}members/", roles=(ORGANIZER,)),
    Page("invitation", "{invitation}"),
    Page("session_create", "{course}sessions/new/", roles=(ORGANIZER,)),
    Page("session_series", "{course}sessions/bulk/", roles=(ORGANIZER,)),
    Page("session_series", "{course}sessions/bulk/", roles=(ORGANIZER,),
         reach=_preview_session_series, label="session series preview"),
    Page("session_detail", "{session}"),
    Page("session_edit", "{session}edit/", roles=(ORGANIZER,)),
    Page("session_edit", "{session}edit/", roles=(MEMBER,), status=403, label="403 page"),
    Page("reflection_edit", "{session}reflection/", roles=SIGNED_IN),
    Page("calendar_import", "{course}calendar/import/", roles=(ORGANIZER,)),
    Page("calendar_import", "{course}calendar/import/", roles=(ORGANIZER,),
         reach=_preview_calendar_import, label="calendar import preview"),
    Page("public_journal", "{course}journal/"),
    Page("session_notebooks", "{session}notebooks/"),
    Page("run_detail", "{run}"),
    Page("run_rerun", "{run}rerun/", roles=(ORGANIZER,)),
    Page("runs_compare", "{compare}"),
    Page("runs_compare", "/runs/compare/", label="compare with no runs"),
    Page("sweep_new", "{notebook}sweeps/new/", roles=(ORGANIZER,)),
    Page("sweep_new", "{notebook}sweeps/new/", roles=(ORGANIZER,), reach=_preview_sweep,
         label="sweep preview"),
    Page("sweep_new", "{notebook}sweeps/new/", roles=(ORGANIZER,), reach=_sweep_with_errors,
         label="sweep form with errors"),
    Page("sweep_detail", "{sweep}"),
    Page("reading_list", "/readings/"),
    Page("reading_detail", "{reading}"),
    Page("reading_create", "/readings/new/", roles=SIGNED_IN),
    Page("reading_create", "/readings/new/", roles=SIGNED_IN,
         reach=_add_reading_without_a_title, label="reading form with errors"),
    Page("reading_edit", "{reading}edit/", roles=SIGNED_IN),
    Page("reading_import", "/readings/import/", roles=SIGNED_IN),
    Page("highlight_add", "{reading}", roles=SIGNED_IN, reach=_show_highlight_errors,
         label="highlight form"),
    Page("note_edit", "{note}edit/", roles=SIGNED_IN),
    Page("term_list", "/glossary/"),
    Page("term_list", "/glossary/?view=az", label="glossary A-Z"),
    Page("term_detail", "{term}"),
    Page("term_detail", "{term}?from=1&to=2#history", label="glossary diff"),
    Page("term_create", "/glossary/new/", roles=SIGNED_IN),
    Page("term_edit", "{term}edit/", roles=SIGNED_IN),
    Page("study", "/study/", roles=SIGNED_IN),
    Page("course_study", "{course}study/", roles=SIGNED_IN),
    Page("study_progress", "/study/progress/", roles=SIGNED_IN),
    Page("course_study_difficulty", "{course}study/difficulty/", roles=(ORGANIZER,)),
    Page("", "/courses/no-such-course/", status=404, label="404 page"),
]  # fmt: skip

# URL patterns that are not pages a person reads: files, feeds, fragments, POST-only actions
# (their forms sit on the pages above), and the admin and API with their own look.
NOT_PAGES = {
    "logout", "api_token_regenerate", "markdown_preview", "healthz", "readyz", "api_search",
    "api_related", "terms_to_link",
    "api-workers", "attendance_set", "session_note_add", "course_calendar", "session_calendar",
    "personal_calendar", "calendar_token_regenerate", "journal_md", "journal_zip",
    "old_journal_md", "old_journal_zip", "old_public_journal",
    "reading_export", "reading_status_set", "note_add", "term_revert", "notebook_upload",
    "notebook_file", "notebook_delete", "run_start", "run_status", "run_cancel", "run_delete",
    "artifact_file", "runs_compare_csv", "run_pin", "run_unpin", "sweep_status", "sweep_cancel",
    "course_delete", "member_add", "member_role", "member_remove",
    "invitation_create", "invitation_revoke",
    "study_grade", "study_undo", "study_card_action", "course_glossary_apkg",
    "course_glossary_csv",
}  # fmt: skip
NOT_PAGE_NAMESPACES = ("admin", "api")
NOT_PAGE_PREFIXES = ("api/",)  # the API's own patterns, named or not

OVERFLOW = """() => {
  if (document.documentElement.scrollWidth <= window.innerWidth) return [];
  const limit = window.innerWidth + 1;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    [...el.classList].map((name) => "." + name).join("");
  // Elements whose box, or whose content (a long word overflows its box), passes the edge.
  const wide = [...document.body.querySelectorAll("*")].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.right > limit || box.left + el.scrollWidth > limit;
  });
  // The innermost of them name the culprit; the elements around them only follow it.
  return wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)))
    .slice(0, 5)
    .map((el) => describe(el) + " reaches " + Math.round(el.getBoundingClientRect().left
      + el.scrollWidth) + "px: " + (el.textContent || "").trim().slice(0, 60));
}"""


@pytest.fixture
def site(isolated_media):
    organizer = UserFactory(username="olivia")
    member = UserFactory(username="max")
    return build_site(organizer, member) | {"users": {ORGANIZER: organizer, MEMBER: member}}


def _problems(tab, width: int) -> list[str]:
    problems = []
    text = tab.evaluate("document.body.innerText")
    for match in TEMPLATE_SYNTAX.finditer(text):
        shown = text[max(match.start() - 30, 0) : match.end() + 30]
        problems.append(f"template syntax shows: {shown!r}")
    for element in tab.evaluate(OVERFLOW):
        problems.append(f"wider than {width}px: {element}")
    return problems + _axe_violations(tab, AXE_OPTIONS)


def _axe_violations(tab, options: dict) -> list[str]:
    results = tab.evaluate("options => axe.run(document, options)", options)
    problems = []
    for violation in results["violations"]:
        targets = "; ".join(
            f"{', '.join(map(str, node['target']))}: {_last_line(node.get('failureSummary', ''))}"
            for node in violation["nodes"][:5]
        )
        problems.append(f"axe {violation['id']}: {violation['help']}: {targets}")
    return problems


def _last_line(text: str) -> str:
    return text.strip().splitlines()[-1].strip() if text.strip() else ""


# Notebook output shows in a sandboxed frame that runs no script, so axe cannot look inside.
AXE_OPTIONS = {"resultTypes": ["violations"], "iframes": False}
CONTRAST_ONLY = AXE_OPTIONS | {"runOnly": ["color-contrast"]}


@pytest.fixture
def signed_in_tab(browser, live_server, site):
    """A tab in a browser context of its own, signed in through the form as `role` (or not),
    in the light or dark colour scheme; and the script errors seen on it."""
    contexts = []

    def open_as(role: str, scheme: str = "light"):
        context = browser.new_context(
            viewport=DESKTOP, base_url=live_server.url, color_scheme=scheme
        )
        contexts.append(context)
        context.set_default_timeout(10_000)
        # axe-core as shipped inside the Python package; added to each page as it opens.
        context.add_init_script(AXE_SCRIPT)
        tab = context.new_page()
        # Scripts that fail, or that the Content-Security-Policy blocks, break a page too.
        errors = []
        tab.on("pageerror", lambda error: errors.append(f"script error: {error}"))
        tab.on("console", lambda message: _keep_policy_violation(message, errors))
        if role != VISITOR:
            tab.goto("/accounts/login/")
            tab.get_by_label("Username").fill(site["users"][role].username)
            tab.get_by_label("Password").fill(PASSWORD)
            tab.locator("main").get_by_role("button", name="Sign in").click()
            tab.wait_for_url("**/")
        return tab, errors

    yield open_as
    for context in contexts:
        context.close()


def _check_every_page(tab, errors, site, role, subtests, *, check, widths, scheme) -> None:
    """Loads each page the role reaches once and runs `check` on it at each width (the layout
    follows the window as it is resized, as it does for a person): each page, and each width,
    is a subtest named for it."""
    paths = site | {"note": site.get(f"note-{role}")}
    for page in (page for page in PAGES if role in page.roles):
        loaded = False
        with subtests.test(msg=f"{page} as {role} ({scheme}): loads"):
            errors.clear()
            tab.set_viewport_size(DESKTOP)
            response = tab.goto(page.path.format(**paths))
            if page.reach:
                page.reach(tab)
            else:
                assert response.status == page.status, tab.url
            # A field with a saved value loads its markdown preview at once; wait for it.
            expect(tab.locator(".htmx-request")).to_have_count(0)
            loaded = True
        for viewport in widths if loaded else ():
            width = viewport["width"]
            with subtests.test(msg=f"{page} as {role} ({scheme}) at {width}px"):
                tab.set_viewport_size(viewport)
                problems = errors + check(tab, width)
                assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", EVERYONE)
def test_every_page_reads_cleanly_fits_and_passes_axe(signed_in_tab, site, role, subtests):
    tab, errors = signed_in_tab(role)
    both_widths = (DESKTOP, PHONE)
    _check_every_page(
        tab, errors, site, role, subtests, check=_problems, widths=both_widths, scheme="light"
    )


@pytest.mark.django_db(transaction=True)
def test_every_page_keeps_its_contrast_in_dark_mode(signed_in_tab, site, subtests):
    """The organizer reaches every page but the sign-in form; contrast is what the dark
    palette changes, and it does not depend on the width."""
    tab, errors = signed_in_tab(ORGANIZER, "dark")

    def contrast(tab, width: int) -> list[str]:
        return _axe_violations(tab, CONTRAST_ONLY)

    _check_every_page(
        tab, errors, site, ORGANIZER, subtests, check=contrast, widths=(PHONE,), scheme="dark"
    )


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            yield from _patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            yield route, namespace, pattern.name


def test_the_page_list_covers_every_url_pattern():
    listed = {page.name for page in PAGES} | NOT_PAGES
    forgotten = [
        f"{route} ({name})"
        for route, namespace, name in _patterns(get_resolver())
        if namespace not in NOT_PAGE_NAMESPACES
        and not route.startswith(NOT_PAGE_PREFIXES)
        and name not in listed
    ]
    assert not forgotten, (
        "Add these to PAGES in tests/browser/test_every_page.py, or to NOT_PAGES if a person "
        f"never reads them as a page: {forgotten}"
    )
