"""The learning-notebook exports on the course page and the public notebook page."""

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
    response = client.get(reverse("notebook_md", args=[course.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    text = response.content.decode()
    assert "My private thought" in text and "Someone else's thought" not in text


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("outsider", 404)])
def test_notebook_exports_refuse_anonymous_and_outsiders(client, course_with_roles, who, status):
    course, _organizer, _member, outsider = course_with_roles
    if who == "outsider":
        client.force_login(outsider)
    for name in ("notebook_md", "notebook_zip"):
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
    response = client.get(reverse("notebook_zip", args=[course.slug]))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert names == ["notebook.md", f"images/session-{session.number}/run-{good.pk}-plot.png"]
    assert "Zipped thought" in archive.read("notebook.md").decode()
    assert archive.read(names[1]) == pixel


def test_public_notebook_shows_public_reflections_rendered_once(client):
    course = CourseFactory(visibility="public")
    session = SessionFactory(course=course)
    ReflectionFactory(
        session=session, visibility="public", body="Public *insight* & <script>x</script>"
    )
    ReflectionFactory(session=session, visibility="private", body="Private musing")
    ReflectionFactory(session=session, visibility="course", body="Course-only musing")
    client.force_login(UserFactory())
    page = client.get(reverse("public_notebook", args=[course.slug])).content.decode()
    assert "<em>insight</em>" in page
    assert "&amp;amp;" not in page and "<script>" not in page
    assert "Private musing" not in page and "Course-only musing" not in page


def test_members_only_course_has_no_public_notebook(client, course_with_roles):
    course, _organizer, member, _outsider = course_with_roles
    client.force_login(member)
    assert client.get(reverse("public_notebook", args=[course.slug])).status_code == 404
