import os
from pathlib import Path

import pytest
from django.db import connection

from tests.readings.factories import (
    GlossaryTermFactory,
    HighlightFactory,
    NoteFactory,
    ReadingFactory,
)
from tests.sessions.factories import (
    CourseFactory,
    MembershipFactory,
    ReflectionFactory,
    SessionFactory,
    UserFactory,
)

# The real Celery worker's fixtures, for tests/worker/ and the browser journey that runs a demo
# notebook: one plugin, so a test session has one worker and one broker connection pool.
pytest_plugins = ["tests.worker_process"]

# Playwright's sync API runs an event loop in the test thread; Django's guard against database
# calls from async code would otherwise stop the tests' own setup.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Set by `.ci/run` for its PostgreSQL run, the second of two.
SECOND_RUN_VARIABLE = "TRACKER_TESTS_SECOND_RUN"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def isolated_media(settings, tmp_path):
    """Notebook files of one test go to a folder of its own (use with usefixtures)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's package, never a downloaded build) for the whole run:
    Playwright's sync API allows one instance per thread."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM} (apt-get install chromium).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def pytest_collection_modifyitems(config, items):
    """Tests of what only PostgreSQL has (tsvector columns, GIN plans) belong to the PostgreSQL
    run: `.ci/run` runs the suite on both databases, so each such test runs once, never skipped.
    For the same reason its second run leaves out the tests marked database_independent (the
    demo notebooks, the production shape on its own PostgreSQL): the first run proved them."""
    if connection.vendor != "postgresql":
        unwanted = "postgresql_only"
    elif os.environ.get(SECOND_RUN_VARIABLE):
        unwanted = "database_independent"
    else:
        return
    kept = [item for item in items if unwanted not in item.keywords]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


@pytest.fixture(autouse=True)
def embeddings_queued_only_where_tested(request, settings):
    """Saves queue an embedding task (meaning.signals) once committed. Outside tests/meaning
    no test wants one: a test worker would load the model for it, beside the notebook runs."""
    settings.MEANING_EMBED_ON_SAVE = "tests/meaning" in str(request.path)


@pytest.fixture
def user_factory(db):
    return UserFactory


@pytest.fixture
def course_factory(db):
    return CourseFactory


@pytest.fixture
def membership_factory(db):
    return MembershipFactory


@pytest.fixture
def session_factory(db):
    return SessionFactory


@pytest.fixture
def reflection_factory(db):
    return ReflectionFactory


@pytest.fixture
def reading_factory(db):
    return ReadingFactory


@pytest.fixture
def highlight_factory(db):
    return HighlightFactory


@pytest.fixture
def term_factory(db):
    return GlossaryTermFactory


@pytest.fixture
def note_factory(db):
    return NoteFactory


@pytest.fixture
def member(db):
    return UserFactory(username="member")


@pytest.fixture
def course_with_roles(db):
    """A members-only course with an organizer, a member and an outsider."""
    course = CourseFactory(visibility="members")
    organizer = MembershipFactory(course=course, role="organizer").user
    member = MembershipFactory(course=course, role="member").user
    outsider = UserFactory()
    return course, organizer, member, outsider


@pytest.fixture
def roles(course_with_roles):
    """A session of a course, with the course's organizer, a member and an outsider."""
    course, organizer, member, outsider = course_with_roles
    return SessionFactory(course=course), organizer, member, outsider
