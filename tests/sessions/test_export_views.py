"""The journal exports on the course page, the public journal page, and their old addresses."""

import base64
import io
import zipfile

import pytest
from django.urls import reverse

from notebooks.models import Artifact, Run
from tests.notebooks.factories import (
    PIXEL_PNG_BASE64,
    ArtifactFactory,
    RunFactory,
)
from tests.sessions.factories import CourseFactory, ReflectionFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_markdown_export_holds_my_reflections_only(client, course_with_roles):
    course, _organizer, member, _outsider = course_with_roles
    session = SessionFactory(course=course)
    ReflectionFactory(session=session, author=member, body="My private thought")
    ReflectionFactory(session=session, body="Someone else's thought", visibility="course")
    client.force_login(member)
    response = client.get(reverse("journal_md", args=[course.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    text = response.content.decode()
    assert "My private thought" in text and "Someone else's thought" not in text


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("outsider", 404)])
def test_journal_exports_refuse_anonymous_and_outsiders(client, course_with_roles, who, status):
    course, _organizer, _member, outsider = course_with_roles
    if who == "outsider":
        client.force_login(outsider)
    for name in ("journal_md", "journal_zip"):
        assert client.get(reverse(name, args=[course.slug])).status_code == status


@pytest.mark.usefixtures("isolated_media")
def test_zip_holds_the_markdown_and_images_of_succeeded_runs(client, course_with_roles):
    course, _organizer, member, _outsider = course_with_roles
    session = SessionFactory(course=course)
    ReflectionFactory(session=session, author=member, body="Zipped thought")
    pixel = base64.b64decode(PIXEL_PNG_BASE64)
    good = RunFactory(notebook__session=session, status=Run.Status.SUCCEEDED)
    ArtifactFactory(run=good, kind=Artifact.Kind.IMAGE, name="plot.png", content=pixel)
    ArtifactFactory(run=good, kind=Artifact.Kind.LOG, name="run.log")
    failed = RunFactory(notebook__session=session, status=Run.Status.FAILED)
    ArtifactFactory(run=failed, kind=Artifact.Kind.IMAGE, name="broken.png", content=pixel)
    other_course = SessionFactory(course=CourseFactory(visibility="public"))
    elsewhere = RunFactory(notebook__session=other_course)
    ArtifactFactory(run=elsewhere, kind=Artifact.Kind.IMAGE, name="elsewhere.png", content=pixel)
    client.force_login(member)
    response = client.get(reverse("journal_zip", args=[course.slug]))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert names == ["journal.md", f"images/session-{session.number}/run-{good.pk}-plot.png"]
    assert "Zipped thought" in archive.read("journal.md").decode()
    assert archive.read(names[1]) == pixel


def test_public_journal_shows_public_reflections_rendered_once(client):
    course = CourseFactory(visibility="public")
    session = SessionFactory(course=course)
    ReflectionFactory(
        session=session, visibility="public", body="Public *insight* & <script>x</script>"
    )
    ReflectionFactory(session=session, visibility="private", body="Private musing")
    ReflectionFactory(session=session, visibility="course", body="Course-only musing")
    client.force_login(UserFactory())
    page = client.get(reverse("public_journal", args=[course.slug])).content.decode()
    assert "<em>insight</em>" in page
    assert "&amp;amp;" not in page and "<script>" not in page
    assert "Private musing" not in page and "Course-only musing" not in page


def test_members_only_course_has_no_public_journal(client, course_with_roles):
    course, _organizer, member, _outsider = course_with_roles
    client.force_login(member)
    assert client.get(reverse("public_journal", args=[course.slug])).status_code == 404


@pytest.mark.parametrize(
    ("old", "new"),
    [("notebook.md", "journal.md"), ("notebook.zip", "journal.zip"), ("notebook/", "journal/")],
)
def test_an_old_notebook_address_moves_permanently_to_the_journal(client, old, new):
    course = CourseFactory(visibility="public")
    response = client.get(f"/courses/{course.slug}/{old}?from=bookmark&x=1")
    assert response.status_code == 301
    assert response["Location"] == f"/courses/{course.slug}/{new}?from=bookmark&x=1"


def test_the_old_public_notebook_address_still_reaches_the_page(client):
    course = CourseFactory(visibility="public")
    ReflectionFactory(session=SessionFactory(course=course), visibility="public", body="Said aloud")
    response = client.get(f"/courses/{course.slug}/notebook/", follow=True)
    assert response.redirect_chain == [(f"/courses/{course.slug}/journal/", 301)]
    assert "Said aloud" in response.content.decode()
