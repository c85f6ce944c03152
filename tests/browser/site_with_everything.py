"""One of everything a page can show, built through the services and factories, for the
checks over every page (tests/browser/test_every_page.py)."""

import base64
from datetime import UTC, datetime, timedelta

from meaning import services as meaning_services
from notebooks import services as notebook_services
from notebooks.models import Artifact, Run
from readings import services as reading_services
from sessions import services as session_services
from study import selectors as study_selectors
from study import services as study_services
from tests.notebooks.factories import (
    PIXEL_PNG_BASE64,
    ArtifactFactory,
    NotebookFactory,
    RunFactory,
    SweepFactory,
)
from tests.readings.factories import GlossaryTermFactory

# A URL long enough to push a careless layout past a phone's width.
LONG_URL = "https://docs.example.org/document/d/" + "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789" * 3


def build_site(organizer, member) -> dict[str, str]:
    """A public course with one session that has everything a page can show; returns the
    paths of its main objects, and of each user's note as `note-member`, `note-organizer`."""
    course = session_services.course_create(
        slug="interpretability",
        title="Interpretability reading group",
        organizer=organizer,
        visibility="public",
        time_zone="Europe/London",
        description="We read papers on **mechanistic interpretability** together.",
        online_url=LONG_URL,
    )
    session_services.membership_set(course=course, user=member)
    superposition = GlossaryTermFactory(
        name="Superposition", definition="Features share dimensions.", author=organizer
    )
    reading_services.term_update(
        term=superposition,
        author=member,
        definition="A model represents more features than it has dimensions.",
        summary="Say it plainly",
    )
    feature = GlossaryTermFactory(
        name="Feature", definition="A direction.", author=organizer, related=[superposition]
    )
    reading = reading_services.reading_create(
        title="Toy Models of Superposition",
        authors=[("Nelson", "Elhage"), ("Chris", "Olah")],
        tags=["superposition", "toy models"],
        added_by=organizer,
        kind="paper",
        url="https://transformer-circuits.pub/2022/toy_model/index.html",
        year=2022,
        summary="Small ReLU networks store [[Superposition|features in superposition]].",
    )
    reading_services.reading_create(
        title="Zoom In", added_by=member, kind="blog_post", year=2020, url=LONG_URL
    )
    starts = datetime(2024, 3, 5, 18, tzinfo=UTC)
    session = session_services.session_create(
        course=course,
        title="Toy models of superposition",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        location="Room 101",
        abstract=f"We discuss [[Superposition]] and [[Feature]].\n\nSlides: {LONG_URL}",
        speakers=[
            {"name": "Chris Olah", "affiliation": "Anthropic", "url": "https://colah.github.io"}
        ],
        agenda=[
            {"label": "1a", "title": "Why superposition"},
            {"label": "1b", "title": "Phase changes"},
        ],
        readings=[{"reading": reading, "role": "required"}],
    )
    session_services.reflection_save(
        author=member,
        session=session,
        body=(
            "The **key idea**: [[Superposition]], not yet [[Polysemanticity]].\n\n"
            f"```\nx = relu(W x + b)\n```\n\n{LONG_URL}"
        ),
        visibility="public",
    )
    session_services.reflection_save(
        author=organizer, session=session, body="Good discussion.", visibility="course"
    )
    notes = {
        "member": reading_services.note_save(
            author=member, body="See [[Superposition]].", visibility="public", reading=reading
        ),
        "organizer": reading_services.note_save(
            author=organizer, body="Bring the *slides*.", visibility="course", session=session
        ),
    }
    reading_services.highlight_save(
        author=member,
        reading=reading,
        phrase="in superposition",
        comment="The central claim.",
        visibility="public",
    )
    reading_services.reading_status_set(user=member, reading=reading, status="reading")
    notebook = NotebookFactory(session=session, title="Toy model demo", created_by=organizer)
    run = RunFactory(
        notebook=notebook,
        started_by=organizer,
        status=Run.Status.SUCCEEDED,
        started_at=starts,
        finished_at=starts + timedelta(minutes=1),
        cells_done=2,
        cells_total=2,
        worker_host="worker-1",
        device="cpu",
        device_name="CPU",
        parameters={"steps": 3, "label": "baseline"},
        results={"accuracy": 0.875, "eval.loss": 0.25, "steps": 3},
    )
    # A run that failed and one still going show beside it on the session's pages.
    failed = RunFactory(
        notebook=notebook,
        status=Run.Status.FAILED,
        reason="ZeroDivisionError: division by zero",
        failed_cell=2,
        cells_done=1,
        cells_total=2,
        parameters={"steps": 5, "label": "baseline"},
        results={"accuracy": 0.5},
    )
    RunFactory(notebook=notebook, status=Run.Status.RUNNING, started_at=starts, cells_total=2)
    for kind, name, content in (
        (Artifact.Kind.LOG, "run.log", b"a line of log\n"),
        (Artifact.Kind.HTML, "notebook.html", b"<!doctype html><title>Output</title><p>2</p>"),
        (Artifact.Kind.IMAGE, "figure.png", base64.b64decode(PIXEL_PNG_BASE64)),
        (Artifact.Kind.METRICS, "metrics.json", b'{"loss": 0.1}'),
    ):
        ArtifactFactory(run=run, kind=kind, name=name, content=content)
    # The run is the session's result, shown at the top of its notebooks.
    notebook_services.run_pin(run=run, pinned_by=organizer)
    _study(member, organizer, course, feature)
    # A sweep half done: one run succeeded, one running, one waiting.
    sweep = SweepFactory(notebook=notebook, started_by=organizer, spec={"steps": [1, 2, 3]})
    for index, status in enumerate((Run.Status.SUCCEEDED, Run.Status.RUNNING, Run.Status.QUEUED)):
        RunFactory(
            notebook=notebook,
            sweep=sweep,
            sweep_index=index,
            status=status,
            parameters={"steps": index + 1, "label": "tiny"},
            cells_done=2 if status == Run.Status.SUCCEEDED else 0,
            cells_total=2,
        )
    invitation = session_services.invitation_create(
        course=course, email="newcomer@example.org", role="member", created_by=organizer
    )
    # Every text embedded, so the pages show their lists by meaning (related, similar, ...).
    meaning_services.backfill()
    things = {
        "invitation": invitation,
        "course": course,
        "session": session,
        "reading": reading,
        "term": superposition,
        "run": run,
        "sweep": sweep,
    }
    compare = f"/runs/compare/?run={run.pk}&run={failed.pk}&sort=-result:accuracy"
    return (
        {name: thing.get_absolute_url() for name, thing in things.items()}
        | {f"note-{role}": f"/notes/{note.pk}/" for role, note in notes.items()}
        | {"compare": compare}
        | {"notebook": f"/notebooks/{notebook.pk}/"}
    )


def _study(member, organizer, course, feature) -> None:
    """Both have studied the course's glossary a month ago, so cards are due, the progress
    charts have bars, and Feature, revised since, shows its diff on the review page."""
    month_ago = datetime.now(UTC) - timedelta(days=30)
    for person in (member, organizer):
        for item in study_selectors.course_glossaries(member=person, course=course):
            study_services.review_submit(
                member=person, key=item.key, rating=3, version=0, now=month_ago
            )
    reading_services.term_update(
        term=feature, author=organizer, definition="A direction in activation space."
    )
