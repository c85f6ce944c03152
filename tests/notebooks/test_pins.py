"""A run pinned as its session's result: organizers pin a finished run from its page, the
session's notebook section shows it at the top as "The result", another pin replaces it, and
unpinning or deleting the run takes it away."""

import base64

import pytest
from django.urls import reverse

from notebooks import services
from notebooks.models import Artifact, PinnedRun, Run
from tests.notebooks.factories import (
    PIXEL_PNG_BASE64,
    ArtifactFactory,
    NotebookFactory,
    RunFactory,
)

pytestmark = pytest.mark.django_db


def _section(client, session) -> str:
    url = reverse("session_notebooks", args=[session.course.slug, session.number])
    return client.get(url).content.decode()


def _run_with_a_figure(session, **fields) -> Run:
    run = RunFactory(notebook=NotebookFactory(session=session), **fields)
    ArtifactFactory(
        run=run,
        kind=Artifact.Kind.IMAGE,
        name="cell-03-output-1.png",
        content=base64.b64decode(PIXEL_PNG_BASE64),
    )
    return run


def test_an_organizer_pins_a_run_and_the_section_shows_it_first(client, roles):
    session, organizer, member, _outsider = roles
    run = _run_with_a_figure(session, results={"slope": 0.4125}, parameters={"steps": 3})
    client.force_login(organizer)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Pin as the session's result" in page
    response = client.post(reverse("run_pin", args=[run.pk]))
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()

    client.force_login(member)
    section = _section(client, session)
    pinned = section.index("The result")
    assert pinned < section.index(f'id="notebook-{run.notebook_id}"')
    head = section[pinned : section.index("</article>", pinned)]
    assert "<dt>slope</dt><dd>0.4125</dd>" in head
    assert f"/runs/{run.pk}/artifacts/" in head and "cell-03-output-1.png" in head
    assert "This run is pinned" in client.get(run.get_absolute_url()).content.decode()


def test_pinning_another_run_replaces_the_pin_and_unpinning_removes_it(client, roles):
    session, organizer, _member, _outsider = roles
    first = _run_with_a_figure(session)
    second = RunFactory(notebook=first.notebook)
    client.force_login(organizer)
    client.post(reverse("run_pin", args=[first.pk]))
    client.post(reverse("run_pin", args=[second.pk]))
    assert list(PinnedRun.objects.values_list("run", flat=True)) == [second.pk]
    client.post(reverse("run_unpin", args=[second.pk]))
    assert not PinnedRun.objects.exists()
    assert "The result" not in _section(client, session)


def test_deleting_the_pinned_run_unpins_it(client, roles):
    session, organizer, _member, _outsider = roles
    run = _run_with_a_figure(session)
    services.run_pin(run=run, pinned_by=organizer)
    services.run_delete(run=run)
    assert not PinnedRun.objects.exists()


def test_an_unfinished_run_cannot_be_pinned(client, roles):
    session, organizer, _member, _outsider = roles
    run = RunFactory(notebook=NotebookFactory(session=session), status=Run.Status.RUNNING)
    client.force_login(organizer)
    assert "Pin as the session" not in client.get(run.get_absolute_url()).content.decode()
    response = client.post(reverse("run_pin", args=[run.pk]))
    assert response.status_code == 409
    assert not PinnedRun.objects.exists()


def test_members_may_not_pin_and_outsiders_do_not_find_the_run(client, roles):
    session, organizer, member, outsider = roles
    run = _run_with_a_figure(session)
    client.force_login(member)
    assert "Pin as the session" not in client.get(run.get_absolute_url()).content.decode()
    assert client.post(reverse("run_pin", args=[run.pk])).status_code == 403
    services.run_pin(run=run, pinned_by=organizer)
    assert client.post(reverse("run_unpin", args=[run.pk])).status_code == 403
    client.force_login(outsider)
    assert client.post(reverse("run_pin", args=[run.pk])).status_code == 404
    assert PinnedRun.objects.get().run == run


def test_a_pin_is_one_of_the_sessions_runs_only(roles):
    session, *_people = roles
    other_run = RunFactory()
    pin = PinnedRun(session=session, run=other_run)
    with pytest.raises(Exception, match="one of the session's notebooks"):
        pin.full_clean()


@pytest.mark.parametrize("count", [1, 4])
def test_the_section_with_a_pinned_run_takes_the_same_queries_however_many_runs(
    client, roles, django_assert_num_queries, count
):
    session, organizer, _member, _outsider = roles
    run = _run_with_a_figure(session)
    for _ in range(count):
        ArtifactFactory(run=RunFactory(notebook=run.notebook))
    services.run_pin(run=run, pinned_by=organizer)
    client.force_login(organizer)
    # As without a pin (test_pages.py), and the pinned run's artifacts 1.
    with django_assert_num_queries(14):
        page = client.get(reverse("session_notebooks", args=[session.course.slug, session.number]))
    assert page.content.decode().count('class="run run-') == count + 1
